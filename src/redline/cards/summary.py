"""The card's one plain sentence: ``Headline changed; 1 number changed (90% → 95%); 1
paragraph added.``"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import ChangeKind, NumberChange
from .difference import Difference

_SHOWN = 3
"""At most this many figures or names are spelled out in a summary."""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (", …" if len(items) > _SHOWN else "")


def _numbers(changes: Sequence[NumberChange]) -> list[str]:
    changed = [c for c in changes if c.old is not None and c.new is not None]
    added = [c.new for c in changes if c.old is None and c.new is not None]
    removed = [c.old for c in changes if c.new is None and c.old is not None]
    parts = []
    if changed:
        pairs = [f"{c.old} → {c.new}" for c in changed]
        parts.append(f"{_count(len(changed), 'number')} changed ({_listed(pairs)})")
    if added:
        parts.append(f"{_count(len(added), 'number')} added ({_listed(added)})")
    if removed:
        parts.append(f"{_count(len(removed), 'number')} removed ({_listed(removed)})")
    return parts


def _quotes(d: Difference) -> list[str]:
    changed = d.quotes_changed
    parts = [f"{_count(changed, 'quote')} changed"] if changed else []
    if d.quotes_added > changed:
        parts.append(f"{_count(d.quotes_added - changed, 'quote')} added")
    if d.quotes_removed > changed:
        parts.append(f"{_count(d.quotes_removed - changed, 'quote')} removed")
    return parts


def _names(d: Difference) -> list[str]:
    parts = []
    if d.names_added:
        parts.append(f"{_count(len(d.names_added), 'name')} added ({_listed(d.names_added)})")
    if d.names_removed:
        parts.append(f"{_count(len(d.names_removed), 'name')} removed ({_listed(d.names_removed)})")
    return parts


def _passages(whole: int, sentences: int, verb: str) -> list[str]:
    parts = [f"{_count(whole, 'paragraph')} {verb}"] if whole else []
    if sentences:
        parts.append(f"{_count(sentences, 'sentence')} {verb}")
    return parts


def summarise(kinds: Sequence[ChangeKind], d: Difference, revert_of: int | None) -> str:
    """The sentence, its parts in the order a reader weighs them."""
    if not kinds:
        return "Only a little rewording." if d.story or d.headline else "No change."
    has = set(kinds).__contains__
    parts = []
    if revert_of is not None:
        parts.append(f"Reverted to version {revert_of}")
    if has(ChangeKind.HEADLINE):
        parts.append(
            "Headline typo fixed"
            if has(ChangeKind.TYPO) and d.headline_typo
            else "Headline changed"
        )
    if has(ChangeKind.BYLINE):
        parts.append("Byline changed")
    if has(ChangeKind.REWRITE):
        parts.append(f"Rewritten ({d.words_changed:.0%} of words changed)")
    if has(ChangeKind.CORRECTION):
        parts.append(
            "Correction notice added" if not d.notices_removed else "Correction notice changed"
        )
    parts += _numbers(d.numbers) + _quotes(d) + _names(d)
    if not has(ChangeKind.REWRITE):
        counts = d.sentences
        parts += _passages(d.paragraphs_added, d.sentences_added, "added")
        parts += _passages(d.paragraphs_removed, d.sentences_removed, "removed")
        if has(ChangeKind.MOVED):
            parts.append("Paragraphs reordered" if not d.regrouped else "Paragraphs regrouped")
        if has(ChangeKind.TYPO) and d.story_typo:
            parts.append(f"{_count(counts.edited, 'typo')} fixed")
        elif has(ChangeKind.LEDE) and not parts:
            parts.append("First paragraph reworded")
    if not parts:
        parts.append("Only a little rewording")
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]
