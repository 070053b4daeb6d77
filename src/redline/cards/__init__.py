"""Change cards: what one change to an article is, how much it matters and why, in one sentence.

``classify_change(old, new)`` reads two versions (headline, byline, paragraphs), splits the
story into sentences and matches them (the NewsEdits operations), compares the story's
figures, quotes and names, finds correction notices, and from that names the change's kinds
(a fixed vocabulary, :class:`~redline.model.ChangeKind`), its significance with reasons,
and a summary. Deterministic, pure and cheap: no model, a few milliseconds a change.
"""

from __future__ import annotations

from typing import Protocol

from ..model import ArticleText, ChangeCard
from .difference import measure
from .kinds import kinds_of
from .significance import significance
from .summary import summarise
from .text import read

__all__ = ["CLASSIFIER_VERSION", "Classifier", "classify_change"]

CLASSIFIER_VERSION = "1"
"""Bumped whenever a card's content may change for the same texts, so that stored cards of
another version get recomputed."""


class Classifier(Protocol):
    """What computes a card: :func:`classify_change`, or a stand-in a store is given."""

    def __call__(
        self, old: ArticleText, new: ArticleText, *, revert_of: int | None = None
    ) -> ChangeCard: ...


def classify_change(
    old: ArticleText, new: ArticleText, *, revert_of: int | None = None
) -> ChangeCard:
    """The card of the change from ``old`` to ``new``; ``revert_of`` names the earlier
    version whose text ``new`` is again, when the store found it so."""
    difference = measure(read(old), read(new))
    kinds = kinds_of(difference, revert=revert_of is not None)
    score, reasons = significance(kinds, difference)
    return ChangeCard(
        kinds=kinds,
        significance=score,
        summary=summarise(kinds, difference, revert_of),
        reasons=reasons,
        sentences=difference.sentences,
        words_changed=round(difference.words_changed, 4),
        numbers=difference.numbers,
        revert_of=revert_of,
        classifier_version=CLASSIFIER_VERSION,
    )
