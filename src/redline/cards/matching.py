"""Sentence matching, the NewsEdits way: which sentences stayed, moved, were edited, added
or deleted, and how many of the story's words changed.

1. Identical sentences in the same order (the longest in-order alignment) stay.
2. Identical sentences out of that order moved.
3. Of what is left, an old and a new sentence that share at least half of the longer one's
   words are one sentence edited (best pairs first). A sentence cut in two, or two joined,
   by a full stop fixed, joins the edit of its neighbour when that makes the edit closer.
4. What is still left was deleted (old) or added (new).
5. Within an edit, a sentence the splitter kept whole because it stands inside a quote
   ("… fats. Some, when eaten in moderation, …," she says.) may lose or gain a sentence of
   its own: an inner sentence with no counterpart on the other side counts as deleted or
   added too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from .text import Sentence, words

EDITED_SHARE = 0.5
"""An edited sentence keeps at least this share of its words (bench/edits/README.md)."""


# Where a sentence ends inside a splitter's sentence: a stop, maybe a closing quotation
# mark, a space, and a capital (maybe after an opening mark); but not after an initial or
# a title's abbreviation ("Thomas W. Malone", "Dr. Parr").
_INNER_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"‘']?[A-Z])")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Gen|Col|Lt|Sgt|Rep|Sen|Gov|No|Mt|Inc|Co|"
    r"Corp|Ltd|vs|etc|approx)|\.[A-Z])\.$"
)
INNER_MIN_WORDS = 3
"""Shorter inner pieces ("1.", "Parr says.") are a list number or an abbreviation's tail."""


@dataclass(frozen=True)
class Edit:
    """Old sentences (usually one) that became new ones: indices into each side."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    dropped: int = 0
    """Inner sentences of the old side with no counterpart in the new."""
    gained: int = 0


@dataclass(frozen=True)
class Matching:
    same: tuple[tuple[int, int], ...]
    moved: tuple[tuple[int, int], ...]
    edits: tuple[Edit, ...]
    deleted: tuple[int, ...]
    added: tuple[int, ...]


def _shared(a: Counter[str], b: Counter[str]) -> int:
    return sum((a & b).values())


def kept_share(old: str, new: str) -> float:
    """The share of the longer text's words that the other one has too."""
    a, b = Counter(words(old)), Counter(words(new))
    longest = max(sum(a.values()), sum(b.values()))
    return _shared(a, b) / longest if longest else 1.0


def _align_identical(
    old: Sequence[str], new: Sequence[str]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    same = [
        (block.a + k, block.b + k)
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    ]
    used_old = {i for i, _ in same}
    used_new = {j for _, j in same}
    waiting: dict[str, list[int]] = {}
    for j, text in enumerate(new):
        if j not in used_new:
            waiting.setdefault(text, []).append(j)
    moved = []
    for i, text in enumerate(old):
        if i not in used_old and waiting.get(text):
            moved.append((i, waiting[text].pop(0)))
    return same, moved


def _pair_edits(
    old: Sequence[str], new: Sequence[str], left_old: list[int], left_new: list[int]
) -> list[Edit]:
    """Best pairs first; ties go to the pair closest in position."""
    candidates = []
    for i in left_old:
        for j in left_new:
            share = kept_share(old[i], new[j])
            if share >= EDITED_SHARE:
                candidates.append((-share, abs(i - j), i, j))
    candidates.sort()
    edits, taken_old, taken_new = [], set(), set()
    for _, _, i, j in candidates:
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            edits.append(Edit((i,), (j,)))
    return edits


def _grow(
    edit: Edit, old: Sequence[str], new: Sequence[str], left_old: set[int], left_new: set[int]
) -> Edit:
    """The edit with its unmatched neighbours joined, while joining brings the sides closer."""
    while True:
        share = kept_share(" ".join(old[i] for i in edit.old), " ".join(new[j] for j in edit.new))
        options = []
        for i in (edit.old[0] - 1, edit.old[-1] + 1):
            if i in left_old:
                options.append(Edit(tuple(sorted((*edit.old, i))), edit.new))
        for j in (edit.new[0] - 1, edit.new[-1] + 1):
            if j in left_new:
                options.append(Edit(edit.old, tuple(sorted((*edit.new, j)))))
        best = max(
            options,
            key=lambda e: kept_share(
                " ".join(old[i] for i in e.old), " ".join(new[j] for j in e.new)
            ),
            default=None,
        )
        if best is None:
            return edit
        grown = kept_share(" ".join(old[i] for i in best.old), " ".join(new[j] for j in best.new))
        if grown <= share:
            return edit
        left_old.difference_update(best.old)
        left_new.difference_update(best.new)
        edit = best


def _inner_sentences(text: str) -> list[Counter[str]]:
    pieces: list[str] = []
    for piece in _INNER_END.split(text):
        if pieces and _ABBREVIATION.search(pieces[-1]):
            pieces[-1] += " " + piece
        else:
            pieces.append(piece)
    counted = (Counter(words(piece)) for piece in pieces)
    return [piece for piece in counted if sum(piece.values()) >= INNER_MIN_WORDS]


def _unmatched_inner(pieces: list[Counter[str]], others: list[Counter[str]]) -> int:
    """How many of ``pieces`` keep less than half of their words in every one of ``others``."""
    return sum(
        all(_shared(piece, other) < EDITED_SHARE * sum(piece.values()) for other in others)
        for piece in pieces
    )


def _count_inner(edit: Edit, old: Sequence[str], new: Sequence[str]) -> Edit:
    old_inner = _inner_sentences(" ".join(old[i] for i in edit.old))
    new_inner = _inner_sentences(" ".join(new[j] for j in edit.new))
    if len(old_inner) < 2 and len(new_inner) < 2:
        return edit
    return replace(
        edit,
        dropped=_unmatched_inner(old_inner, new_inner),
        gained=_unmatched_inner(new_inner, old_inner),
    )


def match_sentences(old: Sequence[Sentence], new: Sequence[Sentence]) -> Matching:
    old_texts = [s.text for s in old]
    new_texts = [s.text for s in new]
    same, moved = _align_identical(old_texts, new_texts)
    matched_old = {i for i, _ in same + moved}
    matched_new = {j for _, j in same + moved}
    left_old = [i for i in range(len(old)) if i not in matched_old]
    left_new = [j for j in range(len(new)) if j not in matched_new]
    edits = _pair_edits(old_texts, new_texts, left_old, left_new)
    free_old = set(left_old) - {e.old[0] for e in edits}
    free_new = set(left_new) - {e.new[0] for e in edits}
    edits = [_grow(e, old_texts, new_texts, free_old, free_new) for e in edits]
    edits = [_count_inner(e, old_texts, new_texts) for e in edits]
    return Matching(
        same=tuple(same),
        moved=tuple(sorted(moved)),
        edits=tuple(sorted(edits, key=lambda e: e.old)),
        deleted=tuple(sorted(free_old)),
        added=tuple(sorted(free_new)),
    )


def words_changed(old: Sequence[Sentence], new: Sequence[Sentence], matching: Matching) -> float:
    """The share of the two stories' words not matched (stayed, moved, or kept within an
    edit, word by word in order), from 0 to 1: ``1 - 2·matched / (old + new)``."""
    old_words = [words(s.text) for s in old]
    new_words = [words(s.text) for s in new]
    total = sum(map(len, old_words)) + sum(map(len, new_words))
    if not total:
        return 0.0
    matched = sum(len(old_words[i]) for i, _ in matching.same + matching.moved)
    for edit in matching.edits:
        a = [w for i in edit.old for w in old_words[i]]
        b = [w for j in edit.new for w in new_words[j]]
        matched += sum(
            block.size
            for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        )
    return 1 - 2 * matched / total
