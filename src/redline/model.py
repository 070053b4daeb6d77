"""The values redline hands around: frozen, typed, free of database sessions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Article",
    "ArticleStatus",
    "Capture",
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
    SUSPECT = "suspect"
    """The text lost over half its length: held back until a second check sees it too."""
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
class Capture:
    """The HTTP response a version was extracted from, as the raw archive keeps it."""

    article_id: int
    version: int
    url: str
    """The URL after redirects."""
    fetched_at: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    """The headers that matter (content type, dates, validators), names in lower case."""
    body: bytes
    """The body exactly as received (after any content encoding was undone)."""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)


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
