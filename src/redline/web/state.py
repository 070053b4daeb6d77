"""What every request handler shares: the archive, the diff caches and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..errors import NotFoundError
from ..model import Article, ChangeCard, Clock
from ..store import ArchiveStore
from ..store.queries import Archive, Change, ChangeFilter, Page
from .diffs import DiffCache

__all__ = ["EVERY_CHANGE", "Web", "modified", "named_source", "web"]

EVERY_CHANGE = ChangeFilter()
"""The filter that lets every change through."""

_NUL = "\x00"
"""What no source's name holds: PostgreSQL's text cannot, and asked for one it fails (a
500) where SQLite finds nothing; the web answers as for any name no source has."""


@dataclass(frozen=True)
class Web:
    """The app's read-only view of the archive."""

    archive: Archive
    diffs: DiffCache
    clock: Clock
    pages: ArchiveStore
    """The raw archive: the pages versions were extracted from."""
    origin: str | None = None
    """Where absolute links start (``https://example.org``), from ``[web] base_url``;
    None: from each request's Host header, so such responses vary with it."""

    def changes(
        self,
        *,
        limit: int,
        before: int | None,
        source: str | None = None,
        article_id: int | None = None,
        only: ChangeFilter = EVERY_CHANGE,
    ) -> Page[Change]:
        """A page of changes, those ``only`` lets through; a ``before`` naming no version
        is a bad parameter (400)."""
        if source is not None and _NUL in source:
            return Page((), None)
        try:
            return self.archive.changes(
                limit=limit, before=before, source=source, article_id=article_id, only=only
            )
        except NotFoundError as exc:
            raise HTTPException(
                400, "before= names no change: start again from the first page"
            ) from exc

    def articles(self, *, limit: int, before: int | None, source: str | None) -> Page[Article]:
        """A page of articles, newest first, all or ``source``'s."""
        if source is not None and _NUL in source:
            return Page((), None)
        return self.archive.articles(limit=limit, before=before, source=source)

    def cards_between(
        self, article_id: int, old: int, new: int
    ) -> list[tuple[int, ChangeCard | None]]:
        """The change cards of the versions after ``old`` up to ``new``, by number: what
        a diff from ``old`` to ``new`` is made of."""
        return [
            (version.number, version.change)
            for version in self.archive.versions(article_id)
            if old < version.number <= new
        ]


def named_source(request: Request) -> str:
    """The ``name`` path parameter, a source's name; 404 if no source has it."""
    name: str = request.path_params["name"]
    if _NUL in name or not web(request).archive.source_exists(name):
        raise HTTPException(404, f"there is no source named '{name}'")
    return name


def modified(request: Request, at: datetime | None) -> datetime | None:
    """``at``, or the last re-extraction if later: texts, diffs and feeds change with it.

    A response's Last-Modified must move when its content does, or a client asking
    If-Modified-Since keeps a text that re-extraction repaired.
    """
    if at is None:
        return None
    replaced = web(request).archive.last_replaced()
    return at if replaced is None else max(at, replaced)


def web(request: Request) -> Web:
    """The shared state of the app serving ``request``."""
    shared: Web = request.app.state.web
    return shared
