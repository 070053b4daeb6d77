"""The read side of the archive, for the web: listings a page at a time, changes, search.

Listings go newest first along an index (``ix_versions_seen_at_id``, articles' primary
key, the ``(article_id, number)`` unique index) and stop after one page, so they cost the
same on a small archive and a large one; a page after the first starts where the last one
ended (keyset pagination: ``before`` is the id of the last item shown), never by skipping
rows. Search runs on SQLite's FTS5 table or PostgreSQL's GIN index (migration 0003),
newest version first. One exception: one source's changes are found through its articles,
so they cost in proportion to the source's size (no index orders versions by source).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, sessionmaker

from ..errors import NotFoundError
from ..model import Article, CheckRecord, Version
from .rows import article_query, checks_query, to_article, to_check, to_version
from .search_tables import SEARCH_COLUMN, SEARCH_TABLE
from .tables import ArticleRow, ReplacedTextRow, SourceRow, VersionRow

__all__ = [
    "MAX_SEARCH_TERMS",
    "Archive",
    "Change",
    "Page",
    "ReplacedText",
    "SearchHit",
    "VersionInfo",
    "search_terms",
]

MAX_SEARCH_TERMS = 8
"""Words of a search beyond these are ignored."""

_WORD = re.compile(r"\w+")

T = TypeVar("T")
_AnySelect = Select[*tuple[Any, ...]]
_AnyRow = Row[*tuple[Any, ...]]


@dataclass(frozen=True)
class VersionInfo:
    """A version without its text: enough to list it."""

    article_id: int
    number: int
    seen_at: datetime
    title: str
    content_hash: str


@dataclass(frozen=True)
class Change:
    """A new version of an article, with the version it replaced."""

    new_id: int
    old_id: int
    article_id: int
    article_url: str
    source: str | None
    new: VersionInfo
    old: VersionInfo

    @property
    def title_changed(self) -> bool:
        """Whether the headline differs from the previous version's."""
        return self.new.title != self.old.title

    @property
    def after(self) -> timedelta:
        """How long after the previous version this one was seen."""
        return self.new.seen_at - self.old.seen_at


@dataclass(frozen=True)
class SearchHit:
    """A version whose headline or text holds every word searched for."""

    version_id: int
    article_url: str
    source: str | None
    version: Version


@dataclass(frozen=True)
class ReplacedText:
    """A version's text as an earlier extractor made it, before a re-extraction replaced it."""

    replaced_at: datetime
    extractor_version: str
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, newest first; ``next_before`` continues it (None: the end)."""

    items: tuple[T, ...]
    next_before: int | None


def search_terms(query: str) -> list[str]:
    """The words of a search, lower-cased, at most :data:`MAX_SEARCH_TERMS` of them."""
    return _WORD.findall(query.lower())[:MAX_SEARCH_TERMS]


class Archive:
    """Read-only queries over the archive's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine)

    def article(self, article_id: int) -> Article:
        """The article with id ``article_id``; raises NotFoundError."""
        with self._sessions() as session:
            row = session.execute(article_query().where(ArticleRow.id == article_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return to_article(*row)

    def articles(
        self, *, limit: int, before: int | None = None, source: str | None = None
    ) -> Page[Article]:
        """Articles newest first (by id), all or one source's."""
        query = article_query().order_by(ArticleRow.id.desc()).limit(limit + 1)
        if before is not None:
            query = query.where(ArticleRow.id < before)
        if source is not None:
            query = query.where(ArticleRow.source == source)
        with self._sessions() as session:
            rows = session.execute(query).all()
        return _page([to_article(*row) for row in rows], limit, lambda item: item.id)

    def latest_check(self, article_id: int) -> CheckRecord | None:
        """The article's latest check; None before its first."""
        with self._sessions() as session:
            row = session.scalar(checks_query(article_id, 1))
            return None if row is None else to_check(row)

    def versions(self, article_id: int) -> list[VersionInfo]:
        """Every version of an article, from number 0, without their text."""
        query = _version_infos().where(VersionRow.article_id == article_id)
        with self._sessions() as session:
            return [VersionInfo(*row) for row in session.execute(query.order_by(VersionRow.number))]

    def version(self, article_id: int, number: int) -> Version:
        """Version ``number`` of an article; raises NotFoundError."""
        query = select(VersionRow).where(
            VersionRow.article_id == article_id, VersionRow.number == number
        )
        with self._sessions() as session:
            row = session.scalar(query)
            if row is None:
                raise NotFoundError(f"article {article_id} has no version {number}")
            return to_version(row)

    def last_replaced(self) -> datetime | None:
        """When re-extraction last replaced a version's text anywhere, if ever."""
        with self._sessions() as session:
            return session.scalar(select(func.max(ReplacedTextRow.replaced_at)))

    def replaced_texts(self, article_id: int, number: int) -> list[ReplacedText]:
        """The texts re-extraction replaced in a version, the latest replacement first."""
        query = (
            select(ReplacedTextRow)
            .join(VersionRow, VersionRow.id == ReplacedTextRow.version_id)
            .where(VersionRow.article_id == article_id, VersionRow.number == number)
            .order_by(ReplacedTextRow.replaced_at.desc(), ReplacedTextRow.id.desc())
        )
        with self._sessions() as session:
            return [
                ReplacedText(
                    row.replaced_at,
                    row.extractor_version,
                    row.title,
                    row.byline,
                    tuple(row.paragraphs),
                )
                for row in session.scalars(query)
            ]

    def versions_by_id(self, ids: Sequence[int]) -> dict[int, Version]:
        """The versions with these ids, by id."""
        query = select(VersionRow).where(VersionRow.id.in_(ids))
        with self._sessions() as session:
            return {row.id: to_version(row) for row in session.scalars(query)}

    def changes(
        self,
        *,
        limit: int,
        before: int | None = None,
        source: str | None = None,
        article_id: int | None = None,
    ) -> Page[Change]:
        """The newest changes (versions after the first), all or one source's or article's.

        ``before`` is the id of a version: the page starts with the change seen just
        before it. Raises NotFoundError for a ``before`` that names no version.
        """
        query = _changes().limit(limit + 1)
        if source is not None:
            query = query.where(VersionRow.source == source)
        if article_id is not None:
            query = query.where(VersionRow.article_id == article_id)
        with self._sessions() as session:
            if before is not None:
                query = query.where(_older_than(session, before))
            rows = session.execute(query).all()
        return _page([_to_change(row) for row in rows], limit, lambda item: item.new_id)

    def source_exists(self, name: str) -> bool:
        """Whether ``name`` is a source's name: of a polled feed, or of a tracked article."""
        tagged = select(ArticleRow.id).where(ArticleRow.source == name).limit(1)
        polled = select(SourceRow.id).where(SourceRow.name == name)
        with self._sessions() as session:
            return session.scalar(tagged) is not None or session.scalar(polled) is not None

    def source_names(self) -> list[str]:
        """Every source's name, in order: polled feeds' and those articles are tagged with.

        Article sources are read with a skip scan (one index probe per name), so the cost
        follows the number of sources, not of articles.
        """
        with self._sessions() as session:
            tagged: list[str] = list(session.scalars(_distinct_sources()))
            polled = list(session.scalars(select(SourceRow.name)))
        return sorted({*tagged, *polled})

    def count_articles(self, source: str) -> int:
        """How many articles are tagged with ``source``."""
        query = select(func.count()).where(ArticleRow.source == source)
        with self._sessions() as session:
            return session.scalar(query) or 0

    def search(
        self, terms: Sequence[str], *, limit: int, before: int | None = None
    ) -> Page[SearchHit]:
        """Versions holding every one of ``terms`` in headline or text, newest first.

        ``terms`` are words as :func:`search_terms` gives them; ``before`` is the id of
        the last version of the previous page.
        """
        if not terms:
            return Page((), None)
        with self._sessions() as session:
            ids = _matching_ids(session, terms, limit + 1, before)
            rows = session.execute(_hits(ids[:limit])).all() if ids else []
        hits = {row[0].id: _to_hit(row) for row in rows}
        found = [hits[id_] for id_ in ids[:limit] if id_ in hits]
        return Page(tuple(found), ids[limit - 1] if len(ids) > limit else None)


def _version_infos() -> _AnySelect:
    return select(
        VersionRow.article_id,
        VersionRow.number,
        VersionRow.seen_at,
        VersionRow.title,
        VersionRow.content_hash,
    )


_OLD = aliased(VersionRow, name="old")


def _changes() -> _AnySelect:
    """Versions after the first, with their article and the version before, newest first."""
    return (
        select(
            VersionRow.id,
            _OLD.id,
            ArticleRow.url,
            ArticleRow.source,
            *_version_infos().selected_columns,
            _OLD.number,
            _OLD.seen_at,
            _OLD.title,
            _OLD.content_hash,
        )
        .join(ArticleRow, ArticleRow.id == VersionRow.article_id)
        .join(
            _OLD,
            and_(_OLD.article_id == VersionRow.article_id, _OLD.number == VersionRow.number - 1),
        )
        .order_by(VersionRow.seen_at.desc(), VersionRow.id.desc())
    )


def _older_than(session: Session, version_id: int) -> Any:
    """The condition for changes listed after version ``version_id``."""
    seen_at = session.scalar(select(VersionRow.seen_at).where(VersionRow.id == version_id))
    if seen_at is None:
        raise NotFoundError(f"no version with id {version_id}")
    return tuple_(VersionRow.seen_at, VersionRow.id) < tuple_(
        bindparam("cursor_seen_at", seen_at, type_=VersionRow.seen_at.type),
        bindparam("cursor_id", version_id),
    )


def _to_change(row: _AnyRow) -> Change:
    new_id, old_id, url, source, article_id, *new, old_number, old_seen, old_title, old_hash = row
    old = VersionInfo(article_id, old_number, old_seen, old_title, old_hash)
    return Change(new_id, old_id, article_id, url, source, VersionInfo(article_id, *new), old)


def _distinct_sources() -> _AnySelect:
    """The distinct article sources, each found by one probe of ``ix_articles_source``."""
    names = select(func.min(ArticleRow.source).label("name")).cte("names", recursive=True)
    following = select(func.min(ArticleRow.source)).where(ArticleRow.source > names.c.name)
    names = names.union_all(select(following.scalar_subquery()).where(names.c.name.is_not(None)))
    return select(names.c.name).where(names.c.name.is_not(None))


_POSTGRESQL_DOCUMENT: ColumnElement[Any] = literal_column(f"versions.{SEARCH_COLUMN}")
"""The stored tsvector of a version (migration 0006), GIN-indexed."""


def _matching_ids(
    session: Session, terms: Sequence[str], limit: int, before: int | None
) -> list[int]:
    """The ids of the newest versions holding every term."""
    query: _AnySelect
    if session.get_bind().dialect.name == "sqlite":
        match = " ".join(f'"{term}"' for term in terms)  # each a phrase: no query syntax
        query = (
            select(literal_column("rowid"))
            .select_from(text(SEARCH_TABLE))
            .where(text(f"{SEARCH_TABLE} MATCH :match").bindparams(match=match))
            .order_by(literal_column("rowid").desc())
        )
        if before is not None:
            query = query.where(literal_column("rowid") < before)
    else:
        tsquery = func.plainto_tsquery(literal_column("'simple'"), " ".join(terms))
        # The planner picks: the GIN index for rare words, the newest versions first
        # (cheap with the tsvector stored) for common ones.
        query = (
            select(VersionRow.id)
            .where(_POSTGRESQL_DOCUMENT.op("@@")(tsquery))
            .order_by(VersionRow.id.desc())
        )
        if before is not None:
            query = query.where(VersionRow.id < before)
    return list(session.scalars(query.limit(limit)))


def _hits(ids: Sequence[int]) -> _AnySelect:
    return (
        select(VersionRow, ArticleRow.url, ArticleRow.source)
        .join(ArticleRow, ArticleRow.id == VersionRow.article_id)
        .where(VersionRow.id.in_(ids))
    )


def _to_hit(row: _AnyRow) -> SearchHit:
    version, url, source = row
    return SearchHit(version.id, url, source, to_version(version))


def _page(items: list[T], limit: int, key: Callable[[T], int]) -> Page[T]:
    """A page of the first ``limit`` of ``items`` (one more was fetched, to see if more follow)."""
    if len(items) <= limit:
        return Page(tuple(items), None)
    return Page(tuple(items[:limit]), key(items[limit - 1]))
