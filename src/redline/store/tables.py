"""The database schema, as SQLAlchemy 2 typed models.

Timestamps are stored as naive UTC on every backend and handed out as aware
UTC datetimes. Constraint names follow one convention so that Alembic can
alter them on SQLite (batch mode) and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..model import MAX_ID as MAX_ID  # the schema's bound, kept with the values it bounds
from ..model import ArticleStatus

URL_LENGTH = 2048
"""The longest URL an article's URL columns hold (PostgreSQL refuses a longer one)."""

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored without a zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("redline stores only timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    # where its fetches end, and the name its page gives itself: add and feed discovery
    # find an article by either (ARTICLE_NAMES), so both are indexed (migration 0008)
    final_url: Mapped[str | None] = mapped_column(String(URL_LENGTH), index=True)
    canonical_url: Mapped[str | None] = mapped_column(String(URL_LENGTH), index=True)
    source: Mapped[str | None] = mapped_column(String(200), index=True)
    first_seen: Mapped[datetime]
    last_checked: Mapped[datetime | None]
    last_changed: Mapped[datetime | None]
    next_check: Mapped[datetime | None] = mapped_column(index=True)
    check_interval: Mapped[float | None] = mapped_column(Float)  # seconds
    status: Mapped[str] = mapped_column(String(16), default="active")
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # A worker's claim on the article while it checks it (see Store.claim_due_articles).
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    # The fast path's rule for finding the latest version's text on the page, as JSON,
    # and the checks it has decided since it was learned (migration 0012).
    fastpath_rule: Mapped[str | None] = mapped_column(Text)
    fastpath_checks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


ARTICLE_NAMES = (ArticleRow.url, ArticleRow.final_url, ArticleRow.canonical_url)
"""The URLs an article is known by: the one it was added under, where its fetches end
(after redirects), and the one its page names as its own (``rel=canonical``, ``og:url``)."""


def new_article_values(url: str, source: str | None, now: datetime) -> dict[str, Any]:
    """The columns of a newly tracked article: active and due at once."""
    return {
        "url": url,
        "source": source,
        "first_seen": now,
        "next_check": now,
        "status": ArticleStatus.ACTIVE.value,
        "consecutive_failures": 0,
    }


class SourceRow(Base):
    """A site's RSS or Atom feed, polled for new articles to track."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    feed_url: Mapped[str] = mapped_column(String(2048))
    include: Mapped[str | None] = mapped_column(Text)  # regular expression
    exclude: Mapped[str | None] = mapped_column(Text)  # regular expression
    added_at: Mapped[datetime]
    last_polled: Mapped[datetime | None]
    next_poll: Mapped[datetime | None] = mapped_column(index=True)
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class _ExtractedText:
    """The columns of an extracted text: a version's, and one a re-extraction replaced."""

    title: Mapped[str] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(64))
    paragraphs: Mapped[list[str]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(32))

    TEXT_COLUMNS = (
        "title", "byline", "published", "paragraphs", "content_hash", "extractor_version"
    )  # fmt: skip


class VersionRow(_ExtractedText, Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("article_id", "number", name="uq_versions_article_id_number"),
        Index("ix_versions_article_id_content_hash", "article_id", "content_hash"),
        # the archive's changes, newest first, at the same cost at any size (migration 0003)
        Index("ix_versions_seen_at_id", "seen_at", "id"),
        # and one source's (migration 0005)
        Index("ix_versions_source_seen_at_id", "source", "seen_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    seen_at: Mapped[datetime]
    # the article's source, copied: a source's changes are then one index range (0005)
    source: Mapped[str | None] = mapped_column(String(200))


class CheckRow(Base):
    __tablename__ = "checks"
    __table_args__ = (Index("ix_checks_article_id_checked_at", "article_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime]
    http_status: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    # the failure's redline.errors.ErrorKind, on error outcomes only (migration 0007)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    duration: Mapped[float] = mapped_column(Float)  # seconds
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    version_number: Mapped[int | None]
    # the digest of the text this check extracted, if it extracted one (migration 0004)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # which path decided a check that compared texts: redline.model.CheckPath (migration 0012)
    decided_by: Mapped[str | None] = mapped_column(String(8))


class BodyRow(Base):
    """A raw response body, zstd-compressed, stored once however often it was served.

    ``base_id`` names the body whose bytes were the compression dictionary
    (none for a body compressed alone); ``depth`` counts the bases below it, so
    reading a body decompresses ``depth + 1`` frames (see store/archive.py).
    """

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]  # bytes before compression
    base_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    depth: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CaptureRow(Base):
    """The HTTP response a version was extracted from: the raw archive's index."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), unique=True
    )
    url: Mapped[str] = mapped_column(String(2048))  # after redirects
    fetched_at: Mapped[datetime]
    status: Mapped[int]
    headers: Mapped[list[list[str]]] = mapped_column(JSON)  # [name, value] pairs
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)


class ReplacedTextRow(_ExtractedText, Base):
    """A version's text as an earlier extractor (or site rule) made it, before a re-extraction."""

    __tablename__ = "replaced_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    # the latest re-extraction bounds the web archive's Last-Modified (web/state.py)
    replaced_at: Mapped[datetime] = mapped_column(index=True)


class ChangeCardRow(Base):
    """What a version's change is (its :class:`~redline.model.ChangeCard`): one per version
    after the first, computed from the version before it (migration 0010)."""

    __tablename__ = "change_cards"
    __table_args__ = (
        # the archive's changes newest first, filtered by significance inside the index
        Index("ix_change_cards_seen_at", "seen_at", "version_id", "significance"),
    )

    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True
    )
    # the version's, copied (it never changes): the listings' index orders by it
    seen_at: Mapped[datetime]
    kinds: Mapped[list[str]] = mapped_column(JSON)  # ChangeKind values, the vocabulary's order
    significance: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    sentences_added: Mapped[int]
    sentences_deleted: Mapped[int]
    sentences_edited: Mapped[int]
    sentences_moved: Mapped[int]
    words_changed: Mapped[float] = mapped_column(Float)
    numbers: Mapped[list[list[str | None]]] = mapped_column(JSON)  # [old, new] pairs
    revert_of: Mapped[int | None]
    classifier_version: Mapped[str] = mapped_column(String(32), index=True)
    kind_rows: Mapped[list[ChangeCardKindRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ChangeCardKindRow(Base):
    """One kind of one card: what ``kind=`` filters find changes by, on every backend.

    A JSON list cannot be searched alike on SQLite and PostgreSQL, nor a delimited text
    through an index; a row per kind is an index probe per change on both, and a rare
    kind is found from ``ix_change_card_kinds_kind`` without reading the other changes.
    """

    __tablename__ = "change_card_kinds"
    __table_args__ = (Index("ix_change_card_kinds_kind", "kind", "version_id"),)

    version_id: Mapped[int] = mapped_column(
        ForeignKey("change_cards.version_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)


class DeliveryRow(Base):
    """A notification in the outbox: one message of one ``[[notify]]`` rule (migration 0011).

    Queued in the transaction that stores the version it tells of, so that a crash
    between storing and sending loses nothing; ``changes`` are the versions it tells
    of: one, or those a digest folds. ``id`` is the delivery id the webhook carries,
    the same on every attempt. A sender leases a row (``lease_owner``/``lease_until``)
    while it sends, so two PostgreSQL workers never send it at once.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        # the due deliveries, soonest first: what every round of sending reads
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        # a rule's deliveries by age: its open digest, its rate over the last hour, its last
        Index("ix_deliveries_rule_created_at", "rule", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rule: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # a DeliveryStatus value
    digest: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(32))  # an ErrorKind value
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    changes: Mapped[list[DeliveryChangeRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="DeliveryChangeRow.version_id"
    )


class DeliveryChangeRow(Base):
    """A version a delivery tells of; gone with the version (an article removed)."""

    __tablename__ = "delivery_changes"

    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
