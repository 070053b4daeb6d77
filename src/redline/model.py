"""The values redline hands around: frozen, typed, free of database sessions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Article",
    "ArticleStatus",
    "CheckOutcome",
    "CheckRecord",
    "CheckResult",
    "CheckSummary",
    "Source",
    "Version",
]


class ArticleStatus(enum.StrEnum):
    """Whether an article is still re-checked."""

    ACTIVE = "active"
    STOPPED = "stopped"


class CheckOutcome(enum.StrEnum):
    """What one check of an article found."""

    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"
    ERROR = "error"


@dataclass(frozen=True)
class Version:
    """One distinct text of an article, numbered from 0 in the order seen."""

    article_id: int
    number: int
    seen_at: datetime
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]
    content_hash: str
    extractor_version: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Article:
    """A tracked URL and what redline knows of it."""

    id: int
    url: str
    final_url: str | None
    source: str | None
    title: str | None
    first_seen: datetime
    last_checked: datetime | None
    last_changed: datetime | None
    next_check: datetime | None
    status: ArticleStatus
    etag: str | None
    last_modified: str | None
    version_count: int
    consecutive_failures: int

    @property
    def change_count(self) -> int:
        """How many times the text changed after it was first seen."""
        return max(self.version_count - 1, 0)


@dataclass(frozen=True)
class CheckRecord:
    """One line of an article's check log."""

    checked_at: datetime
    outcome: CheckOutcome
    http_status: int | None
    error: str | None
    duration: float
    bytes: int
    version: int | None


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one article once."""

    article_id: int
    url: str
    outcome: CheckOutcome
    version: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class CheckSummary:
    """The outcome of one check pass."""

    results: tuple[CheckResult, ...]

    def count(self, outcome: CheckOutcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)


@dataclass(frozen=True)
class Source:
    """A site's RSS or Atom feed, polled for new articles, and how its polling goes."""

    name: str
    feed_url: str
    include: str | None
    """A regular expression an entry's URL or title must match, if set."""
    exclude: str | None
    """A regular expression neither an entry's URL nor its title may match, if set."""
    added_at: datetime
    last_polled: datetime | None
    next_poll: datetime | None
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    last_error: str | None
    """Why the latest poll failed; None once a poll succeeds."""
    article_count: int
    """Articles tracked under this source's name (those added by hand with it too)."""
    active_count: int
    """Those of them still being checked."""
