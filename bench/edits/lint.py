"""Checks every labelled example against what its two texts show, before it is written.

The labels are the judge; these checks keep the judge honest. Each kind's label must agree
with the labeller's own reading (``textkit``) of the two versions: ``numbers`` iff the
figures, number words and dates of the story differ; ``quotes`` iff its quoted passages
do; ``names`` iff its capitalised words do (less the place names an example declares);
``added``/``removed`` iff a sentence appears or goes with no like sentence on the other
side; ``typo`` only for a few characters changed; ``rewrite`` only past 60% of words
changed, and never for less than 40% (no example sits near the line). A failure is a
labelling mistake to fix, in ``hand.toml`` or in a pattern.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable

from corpus import Example
from textkit import (
    Text,
    names_of,
    notices,
    number_tokens,
    quote_spans,
    same_but_whitespace,
    sentences,
    squash,
    story,
    with_stealth,
)

REWRITE_AT_LEAST = 0.6
NO_REWRITE_UP_TO = 0.4
TYPO_CHARACTERS = 12
"""The most characters a typo fix may change in one paragraph."""
EDITED_OVERLAP = 0.5
"""A sentence that keeps this share of its words on the other side was edited, not replaced."""


def _over_story(text: Text, reader: Callable[[str], Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for paragraph in story(text):
        total.update(reader(paragraph))
    return total


def story_numbers(text: Text, *, vague: bool = True) -> Counter[str]:
    return _over_story(text, lambda paragraph: number_tokens(paragraph, vague=vague))


def story_quotes(text: Text) -> Counter[str]:
    return _over_story(text, quote_spans)


def story_sentences(text: Text) -> list[str]:
    return [squash(s) for paragraph in story(text) for s in sentences(paragraph)]


def words_changed(before: Text, after: Text) -> float:
    old = " ".join(story(before)).split()
    new = " ".join(story(after)).split()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return 1 - 2 * kept / max(1, len(old) + len(new))


def _overlap(a: str, b: str) -> float:
    common = Counter(a.lower().split()) & Counter(b.lower().split())
    return sum(common.values()) / max(len(a.split()), len(b.split()))


def unmatched(side: list[str], other: list[str]) -> list[str]:
    """Sentences of ``side`` that are neither on ``other`` nor an edit of one there."""
    present = Counter(other)
    return [
        sentence
        for sentence in side
        if not present[sentence] and all(_overlap(sentence, o) < EDITED_OVERLAP for o in other)
    ]


def _typo_sized(before: Text, after: Text) -> bool:
    if len(before.paragraphs) != len(after.paragraphs):
        return False
    pairs = [(before.title, after.title), *zip(before.paragraphs, after.paragraphs, strict=True)]
    for old, new in pairs:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        changed = sum(
            max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
        )
        if changed > TYPO_CHARACTERS:
            return False
    return True


def _expected_by_reading(
    example: Example, places: frozenset[str], vocabulary: frozenset[str]
) -> dict[str, bool]:
    before, after = example.before, example.after
    old_sentences, new_sentences = story_sentences(before), story_sentences(after)
    share = words_changed(before, after)
    return {
        "headline": squash(before.title) != squash(after.title),
        "byline": squash(before.byline or "") != squash(after.byline or ""),
        "lede": squash(before.paragraphs[0]) != squash(after.paragraphs[0]),
        "added": bool(unmatched(new_sentences, old_sentences)),
        "removed": bool(unmatched(old_sentences, new_sentences)),
        "moved": Counter(old_sentences) == Counter(new_sentences)
        and old_sentences != new_sentences,
        "numbers": story_numbers(before) != story_numbers(after),
        "clear numbers": story_numbers(before, vague=False) != story_numbers(after, vague=False),
        "quotes": story_quotes(before) != story_quotes(after),
        "names": names_of(before, vocabulary) - places != names_of(after, vocabulary) - places,
        "correction": notices(before) != notices(after),
        "rewrite": share >= REWRITE_AT_LEAST,
        "not rewrite": share <= NO_REWRITE_UP_TO,
    }


def problems(
    example: Example, vocabulary: frozenset[str], places: frozenset[str] = frozenset()
) -> list[str]:
    """What is wrong with the example's labels; empty when they agree with its texts."""
    kinds = set(example.kinds)
    found: list[str] = []
    if same_but_whitespace(example.before, example.after) != (not kinds):
        found.append("no kinds exactly when only whitespace differs")
    if not kinds:
        return found
    reading = _expected_by_reading(example, places, vocabulary)
    for kind in (
        "headline",
        "byline",
        "lede",
        "added",
        "removed",
        "numbers",
        "quotes",
        "names",
        "correction",
    ):
        if reading[kind] != (kind in kinds):
            found.append(f"{kind}: labelled {kind in kinds}, the texts say {reading[kind]}")
    if "numbers" in kinds and not reading["clear numbers"]:
        found.append("numbers: only words like 'one' or 'first' differ (no example rests on them)")
    if "moved" in kinds and not reading["moved"]:
        found.append("moved: the sentences are not the same ones reordered")
    if "moved" in kinds and kinds - {"moved", "lede", "revert"}:
        found.append("moved: only for a reorder and nothing else")
    if "rewrite" in kinds and not reading["rewrite"]:
        found.append(f"rewrite: under {REWRITE_AT_LEAST:.0%} of words changed")
    if "rewrite" not in kinds and not reading["not rewrite"]:
        found.append(f"not rewrite: over {NO_REWRITE_UP_TO:.0%} of words changed")
    if "typo" in kinds and (
        kinds & {"numbers", "names", "quotes", "added", "removed", "rewrite"}
        or not _typo_sized(example.before, example.after)
    ):
        found.append("typo: more than a few characters changed, or a figure, name or quote touched")
    if tuple(sorted(kinds)) != tuple(sorted(with_stealth(kinds))):
        found.append("stealth: not as the rule derives it from the other kinds")
    if ("revert" in kinds) != (example.revert_of is not None):
        found.append("revert: labelled exactly when revert_of is set")
    return found
