"""From rows to redline's values: the one place the store maps what it reads.

Every read of an article goes through :func:`article_query`, which finds its
version count and latest headline with one index probe each (the
``(article_id, number)`` unique index), so reading one article costs the same
at any archive size.

The functions from rows to values read only the rows' attributes, so they map
:mod:`.sqlite_reads`' rows as well; this module imports SQLAlchemy where it
builds a query, as that module must not load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ErrorKind
from ..model import (
    Article,
    ArticleStatus,
    Capture,
    ChangeCard,
    ChangeKind,
    CheckOutcome,
    CheckPath,
    CheckRecord,
    NumberChange,
    SentenceCounts,
    Source,
    Version,
)

if TYPE_CHECKING:
    from sqlalchemy import Select

    from .tables import ArticleRow, CaptureRow, ChangeCardRow, CheckRow, SourceRow, VersionRow

__all__ = [
    "article_query",
    "checks_query",
    "source_query",
    "to_article",
    "to_capture",
    "to_card",
    "to_check",
    "to_source",
    "to_version",
]


def article_query() -> Select[ArticleRow, int, str | None]:
    """Articles with their version count and latest headline, one index probe each."""
    from sqlalchemy import func, select

    from .tables import ArticleRow, VersionRow

    count = select(func.count()).where(VersionRow.article_id == ArticleRow.id)
    latest = (
        select(VersionRow.title)
        .where(VersionRow.article_id == ArticleRow.id)
        .order_by(VersionRow.number.desc())
        .limit(1)
    )
    return select(ArticleRow, count.scalar_subquery(), latest.scalar_subquery())


def checks_query(article_id: int, limit: int) -> Select[CheckRow]:
    """An article's latest ``limit`` checks, newest first."""
    from sqlalchemy import select

    from .tables import CheckRow

    return (
        select(CheckRow)
        .where(CheckRow.article_id == article_id)
        .order_by(CheckRow.checked_at.desc(), CheckRow.id.desc())
        .limit(limit)
    )


def source_query() -> Select[SourceRow, int, int]:
    """Sources with how many articles carry their name, and how many of those are active."""
    from sqlalchemy import func, select

    from .tables import ArticleRow, SourceRow

    articles = select(func.count(ArticleRow.id)).where(ArticleRow.source == SourceRow.name)
    active = articles.where(ArticleRow.status == ArticleStatus.ACTIVE.value)
    return select(
        SourceRow,
        articles.correlate(SourceRow).scalar_subquery(),
        active.correlate(SourceRow).scalar_subquery(),
    )


def to_source(row: SourceRow, article_count: int, active_count: int) -> Source:
    return Source(
        name=row.name,
        feed_url=row.feed_url,
        include=row.include,
        exclude=row.exclude,
        added_at=row.added_at,
        last_polled=row.last_polled,
        next_poll=row.next_poll,
        etag=row.etag,
        last_modified=row.last_modified,
        consecutive_failures=row.consecutive_failures,
        last_error=row.last_error,
        article_count=article_count,
        active_count=active_count,
    )


def to_article(row: ArticleRow, count: int, title: str | None) -> Article:
    return Article(
        id=row.id,
        url=row.url,
        final_url=row.final_url,
        canonical_url=row.canonical_url,
        source=row.source,
        title=title,
        first_seen=row.first_seen,
        last_checked=row.last_checked,
        last_changed=row.last_changed,
        next_check=row.next_check,
        status=ArticleStatus(row.status),
        etag=row.etag,
        last_modified=row.last_modified,
        version_count=count,
        consecutive_failures=row.consecutive_failures,
        fastpath_rule=row.fastpath_rule,
        fastpath_checks=row.fastpath_checks or 0,
    )


def to_check(row: CheckRow) -> CheckRecord:
    return CheckRecord(
        checked_at=row.checked_at,
        outcome=CheckOutcome(row.outcome),
        http_status=row.http_status,
        error=row.error,
        duration=row.duration,
        bytes=row.bytes,
        version=row.version_number,
        error_kind=None if row.error_kind is None else ErrorKind(row.error_kind),
        decided_by=None if row.decided_by is None else CheckPath(row.decided_by),
    )


def to_version(row: VersionRow) -> Version:
    return Version(
        article_id=row.article_id,
        number=row.number,
        seen_at=row.seen_at,
        title=row.title,
        byline=row.byline,
        paragraphs=tuple(row.paragraphs),
        content_hash=row.content_hash,
        extractor_version=row.extractor_version,
    )


def to_card(row: ChangeCardRow) -> ChangeCard:
    return ChangeCard(
        kinds=tuple(ChangeKind(kind) for kind in row.kinds),
        significance=row.significance,
        summary=row.summary,
        reasons=tuple(row.reasons),
        sentences=SentenceCounts(
            added=row.sentences_added,
            deleted=row.sentences_deleted,
            edited=row.sentences_edited,
            moved=row.sentences_moved,
        ),
        words_changed=row.words_changed,
        numbers=tuple(NumberChange(old, new) for old, new in row.numbers),
        revert_of=row.revert_of,
        classifier_version=row.classifier_version,
    )


def to_capture(row: CaptureRow, article_id: int, number: int, body: bytes) -> Capture:
    """The archived response ``row``, of version ``number``, with its decompressed ``body``."""
    return Capture(
        article_id=article_id,
        version=number,
        url=row.url,
        fetched_at=row.fetched_at,
        status=row.status,
        headers=tuple((name, value) for name, value in row.headers),
        body=body,
    )
