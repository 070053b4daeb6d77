"""Diffs for pages, feeds and change images, each computed once and kept, and the
side-by-side view.

A version's text never changes once stored, and a diff depends on nothing but the two
texts, so computed diffs are kept in memory keyed by the two versions' content hashes:
a key can never go stale, not even if an article is removed and its id reused. A change
image depends on the article's address and source, the new version's time and the card
too, and is keyed by all of them. Each cache is a bounded LRU (least recently used
entries go first), so memory stays bounded however large the archive; a feed of 50
changes costs 50 diffs on the first request and none after, and an image shared in a
timeline is drawn once (20–160 ms) and then only sent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

from ..diff import ArticleDiff, DiffOp, diff_versions, split_paragraphs, word_diff
from ..feeds import FeedChange, describe_change
from ..images import render_change_png
from ..model import Article, ChangeCard, Version
from ..notify import ChangeEvent, change_event
from ..store.queries import Archive, Change

__all__ = ["DiffCache", "LRUCache", "Row", "side_by_side"]

K = TypeVar("K")
V = TypeVar("V")

PAGE_DIFFS = 256
"""Whole-article diffs kept for diff pages (each holds both texts)."""

FEED_CHANGES = 4096
"""Feed item descriptions kept (each the changed paragraphs only)."""

CHANGE_IMAGES = 32
"""Change images kept: PNGs of 50 to 300 kB each, so a few megabytes at most."""

_ShownKey = tuple[str, str | None, str, str, datetime, ChangeCard | None]
"""What a change image shows depends on: the article's address and source, the two
versions' content hashes, the new one's time and the card shown (see `_shown_key`)."""


class LRUCache(Generic[K, V]):
    """A thread-safe mapping of at most ``size`` entries that drops the least recently used."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[K, threading.Lock] = {}
        """A lock for each key being computed, which its other askers wait on."""

    def get(self, key: K) -> V | None:
        """The entry for ``key``, now the most recently used; None if there is none."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used entry if full."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        """The entry for ``key``, computed and kept if missing.

        Requests that ask for the same missing key at once wait for the first one's
        result rather than compute it again: a change image shared in a timeline is
        fetched by many servers in the same second, and each drawing costs up to 160 ms
        of a CPU. Other keys are computed meanwhile, outside the cache's lock.
        """
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        try:
            with computing:
                value = self.get(key)
                if value is None:
                    value = compute()
                    self.put(key, value)
                return value
        finally:
            with self._lock:
                if self._computing.get(key) is computing:  # not a later asker's
                    del self._computing[key]


class DiffCache:
    """Diffs of version pairs for pages and for feed items, keyed by content hashes."""

    def __init__(
        self,
        page_diffs: int = PAGE_DIFFS,
        feed_changes: int = FEED_CHANGES,
        change_images: int = CHANGE_IMAGES,
    ) -> None:
        self.page_diffs: LRUCache[tuple[str, str], ArticleDiff] = LRUCache(page_diffs)
        self.feed_changes: LRUCache[tuple[str, str], FeedChange] = LRUCache(feed_changes)
        self.shown_changes: LRUCache[_ShownKey, ChangeEvent] = LRUCache(page_diffs)
        self.change_images: LRUCache[_ShownKey, bytes] = LRUCache(change_images)

    def shown_change(
        self, article: Article, old: Version, new: Version, card: ChangeCard | None
    ) -> ChangeEvent:
        """The change from ``old`` to ``new`` as its image draws it and its alt text says it
        (``card``: the one the image shows)."""
        return self.shown_changes.get_or_compute(
            _shown_key(article, old, new, card),
            lambda: change_event(article, old, new, card, base_url=None),
        )

    def change_png(
        self, article: Article, old: Version, new: Version, card: ChangeCard | None
    ) -> bytes:
        """The change image of the change from ``old`` to ``new``, 1200 pixels wide."""
        return self.change_images.get_or_compute(
            _shown_key(article, old, new, card),
            lambda: render_change_png(self.shown_change(article, old, new, card)),
        )

    def article_diff(self, old: Version, new: Version) -> ArticleDiff:
        """The diff between two versions, as a diff page shows it."""
        key = (old.content_hash, new.content_hash)
        return self.page_diffs.get_or_compute(key, lambda: diff_versions(old, new))

    def feed_changes_for(self, archive: Archive, changes: Sequence[Change]) -> list[FeedChange]:
        """What feed items say about ``changes``: kept ones, the rest described now.

        The texts of the versions of changes not yet kept are read in one query.
        """
        described: dict[tuple[str, str], FeedChange] = {}
        missing: list[Change] = []
        for change in changes:
            kept = self.feed_changes.get(_key(change))
            if kept is None:
                missing.append(change)
            else:
                described[_key(change)] = kept
        if missing:
            texts = archive.versions_by_id([id_ for c in missing for id_ in (c.old_id, c.new_id)])
            for change in missing:
                fresh = describe_change(texts[change.old_id], texts[change.new_id])
                described[_key(change)] = fresh
                self.feed_changes.put(_key(change), fresh)
        return [described[_key(change)] for change in changes]


def _shown_key(article: Article, old: Version, new: Version, card: ChangeCard | None) -> _ShownKey:
    return (article.url, article.source, old.content_hash, new.content_hash, new.seen_at, card)


def _key(change: Change) -> tuple[str, str]:
    """A change's cache key: its old and new version's content hashes."""
    return change.old.content_hash, change.new.content_hash


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side diff: a paragraph as it was, and as it became.

    ``old`` holds the unchanged and deleted runs, ``new`` the unchanged and inserted ones;
    a paragraph that was added or removed has nothing on the other side.
    """

    old: tuple[DiffOp, ...]
    new: tuple[DiffOp, ...]

    @property
    def changed(self) -> bool:
        """Whether anything in the paragraph was deleted or inserted."""
        return any(op.op != "equal" for op in (*self.old, *self.new))


Side = Literal["old", "new"]


@dataclass(frozen=True)
class SideBySide:
    """A diff laid out in two columns: headline, byline if it changed, then paragraphs."""

    title: Row
    byline: Row | None
    paragraphs: tuple[Row, ...]
    first_change: tuple[Row, Side] | None
    """Where a reader finds the first change: its row, and the column (old first)."""

    def anchored(self, row: Row, side: Side) -> bool:
        """Whether the first change is in this row's ``side``: where its anchor goes."""
        if self.first_change is None:
            return False
        first_row, first_side = self.first_change
        return first_row is row and first_side == side  # rows alike are still two rows


def side_by_side(diff: ArticleDiff) -> SideBySide:
    """The diff as aligned rows, so an unchanged paragraph sits beside itself."""
    byline = None
    if diff.byline_changed:
        byline = _row(word_diff(diff.old_byline or "", diff.new_byline or ""))
    title = _row(diff.title)
    paragraphs = tuple(_row(paragraph) for paragraph in split_paragraphs(diff.body))
    rows = (title, *([byline] if byline else []), *paragraphs)
    return SideBySide(title, byline, paragraphs, _first_change(rows))


def _first_change(rows: Sequence[Row]) -> tuple[Row, Side] | None:
    for row in rows:
        if any(op.op == "delete" for op in row.old):
            return row, "old"
        if any(op.op == "insert" for op in row.new):
            return row, "new"
    return None


def _row(ops: Sequence[DiffOp]) -> Row:
    return Row(
        old=tuple(op for op in ops if op.op != "insert"),
        new=tuple(op for op in ops if op.op != "delete"),
    )
