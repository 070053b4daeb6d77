"""The sources: feeds polled for new articles, their polling state, and the articles they add."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, Insert, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from ..errors import ConfigError, NotFoundError
from ..model import Source
from .rows import source_query, to_source
from .tables import ARTICLE_NAMES, ArticleRow, SourceRow, new_article_values

__all__ = ["SourceStore"]

_CHUNK = 500
"""URLs per ``IN (...)`` list and per INSERT: well within every backend's limits."""


class SourceStore:
    """Typed access to the sources; every method is one transaction.

    It shares the engine, and so the database, of a :class:`~redline.store.Store`.
    Names, feed URLs and filters come in already checked (see
    :func:`redline.sources.add_source`); URLs of articles already canonical.
    """

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(
        self,
        name: str,
        feed_url: str,
        *,
        include: str | None,
        exclude: str | None,
        now: datetime,
    ) -> tuple[Source, bool]:
        """Add a source, due at once; return it and whether it is new.

        Adding an existing source again is fine if its feed URL and filters
        are the same; otherwise :class:`ConfigError` says what it has.
        """
        try:
            with self._sessions.begin() as session:
                created = session.scalar(select(SourceRow.id).where(SourceRow.name == name)) is None
                if created:
                    session.add(_new_row(name, feed_url, include, exclude, now))
        except IntegrityError:  # another process added it just now
            created = False
        source = self.source(name)
        if not created:
            _refuse_different(source, feed_url, include, exclude)
        return source, created

    def sources(self) -> list[Source]:
        """Every source, by name."""
        with self._sessions() as session:
            rows = session.execute(source_query().order_by(SourceRow.name))
            return [to_source(*row) for row in rows]

    def source(self, name: str) -> Source:
        """The source called ``name``, or :class:`NotFoundError`."""
        with self._sessions() as session:
            return _source(session, name)

    def remove(self, name: str) -> Source:
        """Stop polling the source ``name``; its articles stay tracked. Return what it was."""
        with self._sessions.begin() as session:
            source = _source(session, name)
            session.execute(delete(SourceRow).where(SourceRow.name == name))
            return source

    def claim_due(self, now: datetime, lease: timedelta) -> list[Source]:
        """Claim the sources due by ``now``, by name: each is due again only after ``lease``.

        Recording the poll sets the real next poll; a worker that dies
        mid-poll leaves the source to be polled once the lease runs out. On
        PostgreSQL rows another worker is claiming are skipped (``FOR UPDATE
        SKIP LOCKED``); SQLite runs the one UPDATE atomically.
        """
        due = (
            select(SourceRow.id).where(SourceRow.next_poll <= now).with_for_update(skip_locked=True)
        )
        claim = (
            update(SourceRow)
            .where(SourceRow.id.in_(due))
            .values(next_poll=now + lease)
            .returning(SourceRow.id)
            .execution_options(synchronize_session=False)
        )
        with self._sessions.begin() as session:
            claimed = list(session.scalars(claim))
            query = source_query().where(SourceRow.id.in_(claimed)).order_by(SourceRow.name)
            return [to_source(*row) for row in session.execute(query)]

    def record_success(
        self,
        name: str,
        *,
        polled_at: datetime,
        next_poll: datetime,
        etag: str | None,
        last_modified: str | None,
        urls: Sequence[str],
    ) -> int:
        """Record a poll that read the feed or heard it is unchanged, and track its new ``urls``.

        A URL an article is already known by (:data:`ARTICLE_NAMES`) is skipped;
        each other one becomes an active article of this source, due at once,
        as :meth:`Store.add_article` makes it. Returns how many were added:
        none if the source was removed meanwhile.
        """
        with self._sessions.begin() as session:
            row = _row_for_update(session, name)
            if row is None:
                return 0
            row.last_polled, row.next_poll = polled_at, next_poll
            row.etag, row.last_modified = etag, last_modified
            row.consecutive_failures, row.last_error = 0, None
            return _add_articles(session, name, list(dict.fromkeys(urls)), polled_at)

    def record_failure(
        self, name: str, *, polled_at: datetime, next_poll: datetime, error: str
    ) -> None:
        """Record a poll that failed with ``error``; nothing if the source was removed meanwhile."""
        with self._sessions.begin() as session:
            row = _row_for_update(session, name)
            if row is not None:
                row.last_polled, row.next_poll, row.last_error = polled_at, next_poll, error
                row.consecutive_failures += 1


def _new_row(
    name: str, feed_url: str, include: str | None, exclude: str | None, now: datetime
) -> SourceRow:
    return SourceRow(
        name=name,
        feed_url=feed_url,
        include=include,
        exclude=exclude,
        added_at=now,
        next_poll=now,
        consecutive_failures=0,
    )


def _refuse_different(
    source: Source, feed_url: str, include: str | None, exclude: str | None
) -> None:
    if source.feed_url != feed_url:
        raise ConfigError(
            f"source {source.name!r} already exists with feed {source.feed_url};"
            " remove it first to change its feed"
        )
    if (source.include, source.exclude) != (include, exclude):
        raise ConfigError(
            f"source {source.name!r} already exists with include {_shown(source.include)}"
            f" and exclude {_shown(source.exclude)}; remove it first to change its filters"
        )


def _shown(pattern: str | None) -> str:
    return "(none)" if pattern is None else repr(pattern)


def _row_for_update(session: Session, name: str) -> SourceRow | None:
    return session.scalar(select(SourceRow).where(SourceRow.name == name).with_for_update())


def _add_articles(session: Session, source: str, urls: list[str], now: datetime) -> int:
    """Insert the untracked ``urls`` as articles; one another process adds meanwhile is skipped."""
    fresh = urls
    for name in ARTICLE_NAMES:
        fresh = _not_in(session, name, fresh)
    added = 0
    for chunk in _chunks(fresh):
        rows = [new_article_values(url, source, now) for url in chunk]
        inserted = session.execute(_insert_new(session).values(rows).returning(ArticleRow.id))
        added += len(inserted.all())
    return added


def _not_in(
    session: Session,
    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
    urls: list[str],
) -> list[str]:
    """Those of ``urls`` that no article has in ``column``."""
    known: set[str | None] = set()
    for chunk in _chunks(urls):
        known.update(session.scalars(select(column).where(column.in_(chunk))))
    return [url for url in urls if url not in known]


def _insert_new(session: Session) -> Insert:
    """An INSERT into articles that skips a URL already there (both backends say it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(ArticleRow).on_conflict_do_nothing(index_elements=["url"])
    return sqlite.insert(ArticleRow).on_conflict_do_nothing(index_elements=["url"])


def _chunks(urls: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(urls), _CHUNK):
        yield urls[start : start + _CHUNK]


def _source(session: Session, name: str) -> Source:
    row = session.execute(source_query().where(SourceRow.name == name)).one_or_none()
    if row is None:
        raise NotFoundError(f"no source named {name!r}")
    return to_source(*row)
