"""The change a notification tells of: one frozen value, built from two versions and a card.

A :class:`ChangeEvent` holds all a message, a webhook payload or a change image
needs, so the senders never touch the store: the article, the new version's
number and time, its change card, the changed passages as they were and as
they became, the word diff's ops (as ``redline diff --format json`` gives them)
and the link to the web diff page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ..diff import DiffOp, diff_versions, split_paragraphs
from ..model import Article, ChangeCard, Version

__all__ = ["ChangeEvent", "Passage", "change_event", "changed_passages"]

_PILCROW = "¶"  # what redline.diff marks a paragraph break with when only breaks changed
_SENTENCE = re.compile(r"[^.!?…]*(?:[.!?…]+[\"'”’)\]]*|$)\s*")
"""A sentence and the space after it: up to its end mark and any closing quote or bracket.
Only used to trim unchanged sentences off a changed paragraph's ends, so a rough cut is
enough: a sentence split wrongly is shown whole, never lost."""


@dataclass(frozen=True)
class Passage:
    """Changed text as it was and as it became: a sentence, or a run of them."""

    before: str | None
    """None: the passage was added."""
    after: str | None
    """None: the passage was removed."""


@dataclass(frozen=True)
class ChangeEvent:
    """One new version of an article, with what changed: what a notification tells."""

    article_id: int
    url: str
    source: str | None
    title: str
    """The new version's headline."""
    version: int
    seen_at: datetime
    card: ChangeCard | None
    """None for a new article's version 0, which is not a change."""
    old_title: str | None = None
    """The previous headline, when the headline changed; else None."""
    passages: tuple[Passage, ...] = ()
    ops: tuple[DiffOp, ...] = ()
    """The body's word diff, as ``"ops"`` in ``redline diff --format json``."""
    diff_url: str | None = None
    """The web diff page, absolute; None without a ``[web] base_url`` or for version 0."""

    @property
    def is_new_article(self) -> bool:
        """Whether this is an article's first version rather than a change."""
        return self.version == 0

    @property
    def source_name(self) -> str:
        """The source's name, else the article's host: what a message is headed with."""
        return self.source or urlsplit(self.url).hostname or self.url

    @property
    def link(self) -> str:
        """Where a reader goes to see the change: the diff page, else the article."""
        return self.diff_url or self.url


def change_event(
    article: Article,
    old: Version | None,
    new: Version,
    card: ChangeCard | None,
    *,
    base_url: str | None,
) -> ChangeEvent:
    """The event of ``new`` following ``old`` (None: ``new`` is the article's first version).

    ``base_url`` is ``[web] base_url``, without a slash at the end (as config gives it).
    """
    if old is None:
        return ChangeEvent(
            article.id, article.url, article.source, new.title, new.number, new.seen_at, card
        )
    diff = diff_versions(old, new)
    diff_url = None
    if base_url is not None:
        diff_url = f"{base_url}/articles/{article.id}/diff/{old.number}/{new.number}"
    return ChangeEvent(
        article_id=article.id,
        url=article.url,
        source=article.source,
        title=new.title,
        version=new.number,
        seen_at=new.seen_at,
        card=card,
        old_title=old.title if diff.title_changed else None,
        passages=changed_passages(diff.body),
        ops=diff.body,
        diff_url=diff_url,
    )


def changed_passages(ops: Sequence[DiffOp]) -> tuple[Passage, ...]:
    """Each changed paragraph of a word diff as a passage, trimmed to its changed sentences."""
    passages = []
    for paragraph in split_paragraphs(ops):
        if all(op.op == "equal" for op in paragraph):
            continue
        before = "".join(op.text for op in paragraph if op.op != "insert")
        after = "".join(op.text for op in paragraph if op.op != "delete")
        passage = _trimmed(before.replace(_PILCROW, ""), after.replace(_PILCROW, ""))
        if passage is not None:
            passages.append(passage)
    return tuple(passages)


def _trimmed(before: str, after: str) -> Passage | None:
    """The sentences of ``before`` and ``after`` left once those both start and end with
    are cut off; None if nothing is left (a paragraph only joined or split)."""
    old, new = _sentences(before), _sentences(after)
    while old and new and old[0] == new[0]:
        old, new = old[1:], new[1:]
    while old and new and old[-1] == new[-1]:
        old, new = old[:-1], new[:-1]
    old_text, new_text = " ".join(old), " ".join(new)
    if not old_text and not new_text:
        return None
    return Passage(old_text or None, new_text or None)


def _sentences(text: str) -> list[str]:
    return [match.strip() for match in _SENTENCE.findall(text) if match.strip()]
