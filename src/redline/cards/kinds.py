"""The kinds of a change, from its measured difference (definitions: bench/edits/README.md,
"How each kind is labelled")."""

from __future__ import annotations

from ..model import ChangeKind
from .difference import Difference

REWRITE_SHARE = 0.6
"""A rewrite changes over this share of the story's words."""

_SUBSTANTIVE = frozenset(
    {ChangeKind.NUMBERS, ChangeKind.QUOTES, ChangeKind.NAMES, ChangeKind.REMOVED}
)
_FLUENT = frozenset({ChangeKind.LEDE, ChangeKind.HEADLINE, ChangeKind.REVERT})


def kinds_of(difference: Difference, *, revert: bool) -> tuple[ChangeKind, ...]:
    """The kinds, in the order of :class:`ChangeKind`."""
    d = difference
    found = {kind for kind, present in _plain_kinds(d).items() if present}
    if revert:
        found.add(ChangeKind.REVERT)
    if _is_typo(d, found):
        found.add(ChangeKind.TYPO)
    substantive = bool(found & _SUBSTANTIVE) or (d.headline and not d.headline_typo)
    if substantive and ChangeKind.CORRECTION not in found:
        found.add(ChangeKind.STEALTH)
    return tuple(kind for kind in ChangeKind if kind in found)


def _plain_kinds(d: Difference) -> dict[ChangeKind, bool]:
    counts = d.sentences
    return {
        ChangeKind.HEADLINE: d.headline,
        ChangeKind.BYLINE: d.byline,
        ChangeKind.LEDE: d.lede,
        ChangeKind.ADDED: counts.added > 0,
        ChangeKind.REMOVED: counts.deleted > 0,
        ChangeKind.MOVED: (counts.moved > 0 or d.regrouped)
        and not (counts.added or counts.deleted or counts.edited),
        ChangeKind.NUMBERS: bool(d.numbers),
        ChangeKind.QUOTES: bool(d.quotes_added or d.quotes_removed),
        ChangeKind.NAMES: bool(d.names_added or d.names_removed),
        ChangeKind.CORRECTION: d.notices_added > 0,
        ChangeKind.REWRITE: d.words_changed > REWRITE_SHARE,
    }


def _is_typo(d: Difference, found: set[ChangeKind]) -> bool:
    """Every change is typo-sized, and there is no other kind but lede or headline."""
    if not (found <= _FLUENT) or not (d.story or d.headline):
        return False
    return (d.story_typo or not d.story) and (d.headline_typo or not d.headline)
