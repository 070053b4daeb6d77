"""The read side of the archive, for the web: listings a page at a time, changes, search.

Changes come with their change cards, and can be filtered by a card's kinds and
significance; a filtered listing runs newest first along ``ix_change_cards_seen_at``
(which holds the significance, so the filter reads no other row), each kind asked for
is one probe of ``change_card_kinds``'s primary key.

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
from collections.abc import Callable, Collection, Sequence
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
    exists,
    func,
    literal_column,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, sessionmaker

from ..errors import NotFoundError
from ..model import Article, ChangeCard, ChangeKind, CheckRecord, Version
from .cards import to_card
from .rows import article_query, checks_query, to_article, to_check, to_version
from .search_tables import SEARCH_COLUMN, SEARCH_TABLE
from .tables import (
    ArticleRow,
    ChangeCardKindRow,
    ChangeCardRow,
    ReplacedTextRow,
    SourceRow,
    VersionRow,
)

__all__ = [
    "MAX_SEARCH_TERMS",
    "Archive",
    "Change",
    "ChangeFilter",
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
    change: ChangeCard | None = None
    """What changed from the version before: its change card. None for version 0, for a
    version whose card the classifier failed to compute, and for a change's ``old``."""


@dataclass(frozen=True)
class ChangeFilter:
    """Which changes a listing shows: all by default."""

    since: datetime | None = None
    """Only changes seen at or after this time."""
    kinds: Collection[ChangeKind] = ()
    """Only changes of at least one of these kinds (any kind if empty)."""
    min_significance: float = 0.0
    """Only changes at least this significant."""

    @property
    def needs_card(self) -> bool:
        """Whether only changes with a card can pass (a change without one has no kinds
        nor significance)."""
        return bool(self.kinds) or self.min_significance > 0


@dataclass(frozen=True)
class Change:
    """A new version of an article, with the version it replaced."""

    new_id: int
    old_id: int
    article_id: int
    article_url: str
    source: str | None
    new: VersionInfo
    """The new version, with its change card."""
    old: VersionInfo

    @property
    def card(self) -> ChangeCard | None:
        """What the change is: the new version's change card (None if not computed)."""
        return self.new.change

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
        """Every version of an article, from number 0, without their text, with their cards."""
        query = (
            _version_infos()
            .add_columns(ChangeCardRow)
            .outerjoin(ChangeCardRow, ChangeCardRow.version_id == VersionRow.id)
            .where(VersionRow.article_id == article_id)
        )
        with self._sessions() as session:
            rows = session.execute(query.order_by(VersionRow.number)).all()
        return [_version_info(*row) for row in rows]

    def card(self, article_id: int, number: int) -> ChangeCard | None:
        """The change card of version ``number`` of an article (None for version 0, or
        where it was not computed); raises NotFoundError for a version it does not have."""
        query = (
            select(VersionRow.id, ChangeCardRow)
            .outerjoin(ChangeCardRow, ChangeCardRow.version_id == VersionRow.id)
            .where(VersionRow.article_id == article_id, VersionRow.number == number)
        )
        with self._sessions() as session:
            row = session.execute(query).one_or_none()
        if row is None:
            raise NotFoundError(f"article {article_id} has no version {number}")
        return _card_or_none(row[1])

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
        only: ChangeFilter = ChangeFilter(),
    ) -> Page[Change]:
        """The newest changes (versions after the first), all or one source's or article's,
        those ``only`` lets through, each with its change card.

        ``before`` is the id of a version: the page starts with the change seen just
        before it. Raises NotFoundError for a ``before`` that names no version.
        """
        order = _CARD_ORDER if only.needs_card else _VERSION_ORDER
        query = _changes(only.needs_card).order_by(*(column.desc() for column in order))
        query = _filtered(query.limit(limit + 1), only, order)
        if source is not None:
            query = query.where(VersionRow.source == source)
        if article_id is not None:
            query = query.where(VersionRow.article_id == article_id)
        with self._sessions() as session:
            if before is not None:
                query = query.where(_older_than(session, before, order))
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

_VERSION_ORDER = (VersionRow.seen_at, VersionRow.id)
"""The order of changes, newest first along ``ix_versions_seen_at_id``."""
_CARD_ORDER = (ChangeCardRow.seen_at, ChangeCardRow.version_id)
"""The same order, along ``ix_change_cards_seen_at``: for changes filtered by their cards."""


def _changes(needs_card: bool) -> _AnySelect:
    """Versions after the first, with their article, the version before and their card
    (an inner join when only changes with a card are wanted)."""
    query = (
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
            ChangeCardRow,
        )
        .join(ArticleRow, ArticleRow.id == VersionRow.article_id)
        .join(
            _OLD,
            and_(_OLD.article_id == VersionRow.article_id, _OLD.number == VersionRow.number - 1),
        )
    )
    on_card = ChangeCardRow.version_id == VersionRow.id
    return (
        query.join(ChangeCardRow, on_card)
        if needs_card
        else query.outerjoin(ChangeCardRow, on_card)
    )


def _filtered(query: _AnySelect, only: ChangeFilter, order: tuple[Any, Any]) -> _AnySelect:
    """``query`` with the conditions of ``only``."""
    if only.since is not None:
        query = query.where(order[0] >= only.since)
    if only.min_significance > 0:
        query = query.where(ChangeCardRow.significance >= only.min_significance)
    if only.kinds:
        of_kind = exists().where(
            ChangeCardKindRow.version_id == VersionRow.id,
            ChangeCardKindRow.kind.in_([ChangeKind(kind).value for kind in only.kinds]),
        )
        query = query.where(of_kind)
    return query


def _older_than(session: Session, version_id: int, order: tuple[Any, Any]) -> Any:
    """The condition for changes listed after version ``version_id``, in ``order``."""
    seen_at = session.scalar(select(VersionRow.seen_at).where(VersionRow.id == version_id))
    if seen_at is None:
        raise NotFoundError(f"no version with id {version_id}")
    return tuple_(*order) < tuple_(
        bindparam("cursor_seen_at", seen_at, type_=VersionRow.seen_at.type),
        bindparam("cursor_id", version_id),
    )


def _to_change(row: _AnyRow) -> Change:
    new_id, old_id, url, source, article_id, *columns, card = row
    number, seen_at, title, digest, *old = columns
    new = _version_info(article_id, number, seen_at, title, digest, card)
    return Change(new_id, old_id, article_id, url, source, new, VersionInfo(article_id, *old))


def _version_info(
    article_id: int,
    number: int,
    seen_at: datetime,
    title: str,
    content_hash: str,
    card: ChangeCardRow | None,
) -> VersionInfo:
    return VersionInfo(article_id, number, seen_at, title, content_hash, _card_or_none(card))


def _card_or_none(row: ChangeCardRow | None) -> ChangeCard | None:
    return None if row is None else to_card(row)


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
