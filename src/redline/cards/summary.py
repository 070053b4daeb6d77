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
    """The sentence, its parts in the order a reader weighs them. A rewrite is told as one:
    its figures, quotes and names are on the card, not in the sentence."""
    if not kinds:
        return "Only a little rewording." if d.story or d.headline else "No change."
    has = set(kinds).__contains__
    parts = []
    if revert_of is not None:
        parts.append(f"reverted to version {revert_of}")
    if has(ChangeKind.HEADLINE):
        headline_typo = has(ChangeKind.TYPO) and d.headline_typo
        parts.append("headline typo fixed" if headline_typo else "headline changed")
    if has(ChangeKind.BYLINE):
        parts.append("byline changed")
    if has(ChangeKind.CORRECTION):
        parts.append("correction notice " + ("changed" if d.notices_removed else "added"))
    if has(ChangeKind.REWRITE):
        parts.append(f"rewritten ({d.words_changed:.0%} of the words changed)")
    else:
        parts += _numbers(d.numbers) + _quotes(d) + _names(d) + _body(kinds, d)
    text = "; ".join(parts or ["only a little rewording"]) + "."
    return text[0].upper() + text[1:]


def _body(kinds: Sequence[ChangeKind], d: Difference) -> list[str]:
    """Sentences added, removed, moved, typos fixed, or else the first paragraph changed."""
    parts = _passages(d.paragraphs_added, d.sentences_added, "added")
    parts += _passages(d.paragraphs_removed, d.sentences_removed, "removed")
    if ChangeKind.MOVED in kinds:
        moved = _passages(d.paragraphs_moved, d.sentences_moved, "moved")
        parts += moved if not d.regrouped else ["paragraphs regrouped"]
    if ChangeKind.TYPO in kinds and d.story_typo:
        parts.append(f"{_count(d.sentences.edited, 'typo')} fixed")
    if ChangeKind.LEDE in kinds and not parts:
        parts.append("first paragraph changed")
    return parts
