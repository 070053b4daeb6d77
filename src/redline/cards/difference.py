"""What differs between two versions, measured: the facts that kinds, significance and
summary are read from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model import NumberChange, SentenceCounts
from .matching import Matching, match_sentences, words_changed
from .names import lower_case_words, names
from .numbers import compare_figures, figures
from .quotes import quoted_passages
from .text import Reading, Sentence
from .typos import is_typo_fix


@dataclass(frozen=True)
class Difference:
    headline: bool
    headline_typo: bool
    """The headline changed by typo-sized fixes only."""
    byline: bool
    lede: bool
    story: bool
    """The story paragraphs differ at all."""
    story_typo: bool
    """The story changed, by typo-sized fixes only."""
    sentences: SentenceCounts
    paragraphs_added: int
    """New paragraphs all of whose sentences are added."""
    sentences_added: int
    """Added sentences not in those paragraphs."""
    paragraphs_removed: int
    sentences_removed: int
    paragraphs_moved: int
    sentences_moved: int
    regrouped: bool
    """The same sentences in the same order, but cut into paragraphs differently."""
    words_changed: float
    numbers: tuple[NumberChange, ...]
    quotes_added: int
    quotes_removed: int
    names_added: tuple[str, ...]
    names_removed: tuple[str, ...]
    notices_added: int
    """Notices new in this version: added, or changed (a changed one is removed + added)."""
    notices_removed: int

    @property
    def quotes_changed(self) -> int:
        return min(self.quotes_added, self.quotes_removed)


def _paragraphs_and_sentences(
    indices: tuple[int, ...], sentences: tuple[Sentence, ...]
) -> tuple[int, int]:
    """How many whole paragraphs ``indices`` make, and how many sentences are left over."""
    chosen = set(indices)
    by_paragraph: dict[int, list[bool]] = {}
    for index, sentence in enumerate(sentences):
        by_paragraph.setdefault(sentence.paragraph, []).append(index in chosen)
    whole = [flags for flags in by_paragraph.values() if all(flags)]
    return len(whole), len(chosen) - sum(map(len, whole))


def _story_typo(old: tuple[Sentence, ...], new: tuple[Sentence, ...], matching: Matching) -> bool:
    if matching.added or matching.deleted or matching.moved or not matching.edits:
        return False
    return all(
        is_typo_fix(" ".join(old[i].text for i in e.old), " ".join(new[j].text for j in e.new))
        for e in matching.edits
    )


def _multiset_change(old: list[str], new: list[str]) -> tuple[int, int]:
    before, after = Counter(old), Counter(new)
    return sum((after - before).values()), sum((before - after).values())


def _passages(
    matching: Matching, old: tuple[Sentence, ...], new: tuple[Sentence, ...]
) -> dict[str, int]:
    """Whole paragraphs and lone sentences added, removed and moved; an edit's inner
    sentences gained or dropped are lone sentences."""
    added = _paragraphs_and_sentences(matching.added, new)
    removed = _paragraphs_and_sentences(matching.deleted, old)
    moved = _paragraphs_and_sentences(tuple(j for _, j in matching.moved), new)
    return {
        "paragraphs_added": added[0],
        "sentences_added": added[1] + sum(e.gained for e in matching.edits),
        "paragraphs_removed": removed[0],
        "sentences_removed": removed[1] + sum(e.dropped for e in matching.edits),
        "paragraphs_moved": moved[0],
        "sentences_moved": moved[1],
    }


def _sentence_counts(matching: Matching) -> SentenceCounts:
    return SentenceCounts(
        added=len(matching.added) + sum(e.gained for e in matching.edits),
        deleted=len(matching.deleted) + sum(e.dropped for e in matching.edits),
        edited=len(matching.edits),
        moved=len(matching.moved),
    )


def measure(old: Reading, new: Reading) -> Difference:
    old_sentences, new_sentences = old.sentences, new.sentences
    matching = match_sentences(old_sentences, new_sentences)
    lower = lower_case_words(old.story + new.story)
    old_names, new_names = names(old.story, lower), names(new.story, lower)
    quotes_added, quotes_removed = _multiset_change(
        [q for p in old.story for q in quoted_passages(p)],
        [q for p in new.story for q in quoted_passages(p)],
    )
    notices_added, notices_removed = _multiset_change(list(old.notices), list(new.notices))
    same_sentences = [s.text for s in old_sentences] == [s.text for s in new_sentences]
    return Difference(
        headline=old.title != new.title,
        headline_typo=is_typo_fix(old.title, new.title),
        byline=old.byline != new.byline,
        lede=old.story[:1] != new.story[:1],
        story=old.story != new.story,
        story_typo=_story_typo(old_sentences, new_sentences, matching),
        sentences=_sentence_counts(matching),
        **_passages(matching, old_sentences, new_sentences),
        regrouped=old.story != new.story and same_sentences,
        words_changed=words_changed(old_sentences, new_sentences, matching),
        numbers=compare_figures(figures(old.story), figures(new.story)),
        quotes_added=quotes_added,
        quotes_removed=quotes_removed,
        names_added=tuple(sorted(new_names - old_names)),
        names_removed=tuple(sorted(old_names - new_names)),
        notices_added=notices_added,
        notices_removed=notices_removed,
    )
