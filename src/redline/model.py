"""The values redline hands around: frozen, typed, free of database sessions."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from .errors import ErrorKind

__all__ = [
    "Article",
    "ArticleStatus",
    "Capture",
    "CheckOutcome",
    "CheckPath",
    "CheckRecord",
    "CheckResult",
    "CheckSummary",
    "ArticleText",
    "ChangeCard",
    "ChangeKind",
    "Clock",
    "DeliveryRecord",
    "DeliveryRound",
    "DeliveryStatus",
    "ExtractedArticle",
    "Monotonic",
    "NextCheck",
    "NumberChange",
    "Observation",
    "Outlook",
    "QueuedChange",
    "RuleInfo",
    "Sleep",
    "SentenceCounts",
    "Source",
    "Version",
    "MAX_ID",
    "utc_now",
]

MAX_ID = 2**31 - 1
"""The largest number an Integer column (ids, version numbers) holds on PostgreSQL.

SQLite's hold more, but a larger number names no row on every backend, and asking
PostgreSQL for one is an error, not an empty answer.
"""

Clock = Callable[[], datetime]
"""Tells the time: an aware UTC datetime. Injected everywhere, so tests move it by hand."""


Monotonic = Callable[[], float]
"""Counts seconds, never backwards (``time.monotonic``): what request delays and time limits use."""

Sleep = Callable[[float], Awaitable[None]]
"""Waits that many seconds of the :data:`Monotonic` clock it goes with (``asyncio.sleep``)."""


def utc_now() -> datetime:
    """The default :data:`Clock`: the system's time, in UTC."""
    return datetime.now(UTC)


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


class CheckPath(enum.StrEnum):
    """What decided a check that compared the page's article with the stored one."""

    FULL = "full"
    """The full extractor."""
    FAST = "fast"
    """The learned fast path: the page held the same article where it was found before."""


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
    canonical_url: str | None = None
    """The URL its page names as its own (``rel=canonical``, ``og:url``), if on its site."""
    fastpath_rule: str | None = None
    """Where its latest version sits on its page, as the fast path learned it (JSON)."""
    fastpath_checks: int = 0
    """Checks the fast path has decided since that rule was learned."""

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
    error_kind: ErrorKind | None = None
    """What kind of failure ``error`` was, on an ``error`` outcome; else None. A suspect
    (held-back) check failed nothing: its ``error`` says why the text was held back."""
    decided_by: CheckPath | None = None
    """Which path compared the article; None where nothing was compared (304, error)."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one article once."""

    article_id: int
    url: str
    outcome: CheckOutcome
    version: int | None = None
    error: str | None = None
    error_kind: ErrorKind | None = None
    """As :attr:`CheckRecord.error_kind`: set on an ``error`` outcome only."""


@dataclass(frozen=True)
class DeliveryRound:
    """What one round of sending the outbox did."""

    sent: int = 0
    retrying: int = 0
    """Failed this time, to be tried again after a back-off."""
    given_up: int = 0

    def __add__(self, other: DeliveryRound) -> DeliveryRound:
        return DeliveryRound(
            self.sent + other.sent, self.retrying + other.retrying, self.given_up + other.given_up
        )


@dataclass(frozen=True)
class CheckSummary:
    """The outcome of one check pass."""

    results: tuple[CheckResult, ...]
    notifications: DeliveryRound = DeliveryRound()
    """What sending the outbox after the pass did."""

    def count(self, outcome: CheckOutcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)


@dataclass(frozen=True)
class Outlook:
    """How many articles are tracked and when the next is due: what a pass that checked
    nothing can tell instead."""

    tracked: int
    active: int
    """Those of them still being checked (the others are stopped)."""
    next_due: datetime | None
    """When the soonest of the active ones is due (now or earlier if overdue); None if none."""


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


@dataclass(frozen=True)
class ExtractedArticle:
    """An article as extracted from one render of its page."""

    title: str
    """The headline ("" if the page states none)."""
    byline: str | None
    """The author name(s), without "By"."""
    published: str | None
    """The publication date or date-time the page states, as ISO 8601."""
    paragraphs: tuple[str, ...]
    """The article's text blocks (paragraphs, headings, list items), normalized and non-empty."""
    method: str
    """``"generic"``, or ``"site:<host>"`` when a ``[[sites]]`` rule was applied."""
    extractor_version: str
    """What produced this text: :data:`redline.extract.EXTRACTOR_VERSION`, plus a digest of
    the site rule applied. Two extractions of the same HTML can differ only if this differs.
    """
    canonical_url: str | None = None
    """The URL the page names as its own (``rel=canonical``, else ``og:url``), canonicalised."""

    @property
    def text(self) -> str:
        """The paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Observation:
    """What one check saw: an extracted article, a 304, or an error; and the request's facts."""

    checked_at: datetime
    duration: float
    http_status: int | None = None
    nbytes: int = 0
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    article: ExtractedArticle | None = None
    extractor_version: str | None = None
    error: str | None = None
    error_kind: ErrorKind | None = None
    """What kind of failure ``error`` was: the failing exception's ``kind``."""
    retry_after: float | None = None  # seconds the server asked us to wait (429/503)
    body: bytes | None = None
    """The raw response body, archived with a new version."""
    headers: tuple[tuple[str, str], ...] = ()
    """The response headers archived with the body."""
    rebaseline: tuple[int, ExtractedArticle] | None = None
    """The latest version's number and its archived page re-extracted by this check's
    extractor, when that version was made by another: the text to compare against."""
    decided_by: CheckPath | None = None
    """``FAST``: the fast path confirmed the article unchanged (``article`` is None);
    ``FULL``: ``article`` is the full extractor's."""
    learned_rule: str | None = None
    """With a full extraction: the fast path's rule for finding ``article`` again (JSON),
    kept if ``article`` is the latest version's text after this check."""

    @property
    def outcome_without_content(self) -> CheckOutcome:
        return CheckOutcome.ERROR if self.error is not None else CheckOutcome.NOT_MODIFIED


@dataclass(frozen=True)
class NextCheck:
    """The schedule after a check: when (``None`` once stopped) and at what interval."""

    at: datetime | None
    interval: timedelta
    status: ArticleStatus


class ArticleText(Protocol):
    """What makes an article's text: a stored :class:`Version` or an :class:`ExtractedArticle`."""

    @property
    def title(self) -> str: ...

    @property
    def byline(self) -> str | None: ...

    @property
    def paragraphs(self) -> tuple[str, ...]: ...


class ChangeKind(enum.StrEnum):
    """What kind of edit a change is; one change can be of several kinds (its card's kinds)."""

    HEADLINE = "headline"
    """The headline changed."""
    BYLINE = "byline"
    """The byline changed."""
    LEDE = "lede"
    """The first paragraph changed."""
    ADDED = "added"
    """A paragraph or sentence was added."""
    REMOVED = "removed"
    """A paragraph or sentence was removed."""
    MOVED = "moved"
    """Text was reordered, and nothing else changed."""
    NUMBERS = "numbers"
    """A number, amount, percentage or date was added, removed or changed."""
    QUOTES = "quotes"
    """A quoted passage was added, removed or changed."""
    NAMES = "names"
    """A person's or organisation's name was added or removed."""
    CORRECTION = "correction"
    """A correction, clarification, update or editor's note was added or changed."""
    TYPO = "typo"
    """Only small spelling, punctuation or wording fixes."""
    REWRITE = "rewrite"
    """Most of the text changed."""
    REVERT = "revert"
    """The text is again that of an earlier version (``revert_of``)."""
    STEALTH = "stealth"
    """A substantive change (numbers, quotes, names, removed sentences, the headline)
    with no correction notice added in the same version."""


@dataclass(frozen=True)
class SentenceCounts:
    """How the sentences of two texts match up (the NewsEdits operations)."""

    added: int = 0
    deleted: int = 0
    edited: int = 0
    """A removed and an added sentence that are mostly the same sentence."""
    moved: int = 0
    """The same sentence, elsewhere."""


@dataclass(frozen=True)
class NumberChange:
    """A number, amount, percentage or date as it was and as it became."""

    old: str | None
    """None: the number was added."""
    new: str | None
    """None: the number was removed."""


@dataclass(frozen=True)
class ChangeCard:
    """What one change to an article is, how much it matters and why, in one sentence."""

    kinds: tuple[ChangeKind, ...]
    """In the order of :class:`ChangeKind`."""
    significance: float
    """From 0 (nothing a reader would notice) to 1."""
    summary: str
    """One plain sentence for people."""
    reasons: tuple[str, ...]
    """Why the significance is what it is, in short strings."""
    sentences: SentenceCounts
    words_changed: float
    """The share of words changed, from 0 to 1."""
    numbers: tuple[NumberChange, ...]
    revert_of: int | None
    """The number of the earlier version whose text this one returns to, if it does."""
    classifier_version: str
    """What computed the card: cards of another version are recomputed by ``reclassify``."""


class DeliveryStatus(enum.StrEnum):
    """Where a notification in the outbox stands."""

    PENDING = "pending"
    """Waiting: to be sent, or after a failed attempt to be tried again."""
    SENT = "sent"
    FAILED = "failed"
    """Given up, after ``[delivery] max_attempts`` (or a failure trying again cannot mend)."""


@dataclass(frozen=True)
class QueuedChange:
    """A change a notification tells of: an article's version."""

    article_id: int
    version: int


@dataclass(frozen=True)
class DeliveryRecord:
    """One notification in the outbox: a rule's message about one change, or a digest."""

    id: str
    """The delivery id, the same on every attempt: the webhook's ``id``."""
    rule: str
    status: DeliveryStatus
    digest: bool
    """Whether it folds the changes of a period (a digest, or ``max_per_hour``'s overflow)."""
    changes: tuple[QueuedChange, ...]
    attempts: int
    last_error: str | None
    last_error_kind: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    """When it is due (a digest: when its period ends); None once sent or given up."""
    sent_at: datetime | None


@dataclass(frozen=True)
class RuleInfo:
    """A ``[[notify]]`` rule as ``redline notify list`` shows it: no secret in sight."""

    name: str
    targets: tuple[str, ...]
    """Where it sends: apprise URLs and webhooks with their passwords and tokens masked."""
    sources: tuple[str, ...] | None
    kinds: tuple[ChangeKind, ...] | None
    min_significance: float
    digest_seconds: float | None
    max_per_hour: int | None
    last_delivery: DeliveryRecord | None
