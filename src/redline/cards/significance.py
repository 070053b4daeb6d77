"""How much a change matters, from 0 to 1, and why.

    significance = 1 − (1 − share/2) · Π (1 − weight(kind))   over the change's kinds

a "noisy or": each kind is a reason of its own to look at the change, and any one strong
reason makes it matter, while a pile of weak ones adds up slowly. ``share`` is the share of
the story's words changed, so that the size of an edit counts beside its kinds. The weights
put a typo fix near 0 (0.05), reordering and a reworded first paragraph low (0.1, 0.15), a
byline or an added passage at a third, and a changed headline, figure or quote, a rewrite
and a removal high; an edit of substance with no notice (``stealth``) counts a little more.
A headline whose change is a typo fix weighs as little as the fix (0.1), and a revert
weighs little of itself (0.05): what it changes back is weighed by its other kinds. A
fluency edit (typo, moved, lede) so stays under 0.3 and a factual one reaches it.
"""

from __future__ import annotations

from ..model import ChangeKind
from .difference import Difference

WEIGHTS: dict[ChangeKind, float] = {
    ChangeKind.TYPO: 0.05,
    ChangeKind.MOVED: 0.1,
    ChangeKind.REVERT: 0.05,
    ChangeKind.LEDE: 0.15,
    ChangeKind.BYLINE: 0.35,
    ChangeKind.ADDED: 0.35,
    ChangeKind.REMOVED: 0.45,
    ChangeKind.NAMES: 0.5,
    ChangeKind.CORRECTION: 0.5,
    ChangeKind.HEADLINE: 0.6,
    ChangeKind.NUMBERS: 0.6,
    ChangeKind.QUOTES: 0.6,
    ChangeKind.REWRITE: 0.8,
    ChangeKind.STEALTH: 0.2,
}
HEADLINE_TYPO_WEIGHT = 0.1

_REASONS: dict[ChangeKind, str] = {
    ChangeKind.TYPO: "only typo-sized fixes",
    ChangeKind.MOVED: "text reordered",
    ChangeKind.REVERT: "returns to an earlier version",
    ChangeKind.LEDE: "first paragraph changed",
    ChangeKind.BYLINE: "byline changed",
    ChangeKind.ADDED: "text added",
    ChangeKind.REMOVED: "text removed",
    ChangeKind.NAMES: "names added or removed",
    ChangeKind.CORRECTION: "correction notice added or changed",
    ChangeKind.HEADLINE: "headline changed",
    ChangeKind.NUMBERS: "figures changed",
    ChangeKind.QUOTES: "quotes changed",
    ChangeKind.REWRITE: "most of the text rewritten",
    ChangeKind.STEALTH: "substantive change without a correction notice",
}


def significance(
    kinds: tuple[ChangeKind, ...], difference: Difference
) -> tuple[float, tuple[str, ...]]:
    """The significance and its reasons, strongest first."""
    weights = {kind: _weight(kind, difference) for kind in kinds}
    unchanged = 1 - difference.words_changed / 2
    for weight in weights.values():
        unchanged *= 1 - weight
    ordered = sorted(kinds, key=lambda kind: -weights[kind])
    reasons = [f"{_reason(kind, difference)} (+{weights[kind]:.2f})" for kind in ordered]
    if difference.words_changed:
        reasons.append(f"{difference.words_changed:.0%} of the words changed")
    return round(1 - unchanged, 3), tuple(reasons)


def _headline_typo(kind: ChangeKind, difference: Difference) -> bool:
    return kind is ChangeKind.HEADLINE and difference.headline_typo


def _weight(kind: ChangeKind, difference: Difference) -> float:
    return HEADLINE_TYPO_WEIGHT if _headline_typo(kind, difference) else WEIGHTS[kind]


def _reason(kind: ChangeKind, difference: Difference) -> str:
    return "headline typo fixed" if _headline_typo(kind, difference) else _REASONS[kind]
