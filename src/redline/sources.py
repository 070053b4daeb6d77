"""Sources: RSS and Atom feeds polled for new articles to track.

Pure parts first — checking a source's settings, parsing a feed, filtering
its entries, planning the next poll — then the pass that polls the due
sources once. The network comes in as a :data:`FeedFetch`, so the pass runs
over any HTTP client; :func:`fetcher_feed_fetch` is the one over redline's
guarded, polite :class:`~redline.fetch.Fetcher`.
"""

from __future__ import annotations

import asyncio
import email.utils
import enum
import io
import logging
import re
import xml.sax
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from .config import ScheduleConfig
from .errors import (
    ConfigError,
    ExtractionError,
    FetchError,
    InvalidURLError,
    RedlineError,
)
from .fetch import Fetcher
from .model import Source
from .store import SourceStore
from .urls import canonical_url

__all__ = [
    "FEED_ACCEPT",
    "FeedEntry",
    "FeedFetch",
    "FeedFilter",
    "FeedResponse",
    "PollOutcome",
    "PollResult",
    "add_source",
    "cache_lifetime",
    "fetcher_feed_fetch",
    "next_poll_after_failure",
    "next_poll_after_success",
    "parse_feed",
    "poll_due_sources",
]

log = logging.getLogger("redline")

MAX_NAME_LENGTH = 200  # the sources.name and articles.source columns
MAX_FRESHNESS = timedelta(hours=6)
"""The longest a feed's caching headers can put its next poll off."""
MAX_BACKOFF = timedelta(days=1)
"""The longest wait after failed polls (unless ``source_interval`` is longer)."""
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_REUSE = re.compile(r"(?:^|[,\s])no-(?:cache|store)\b", re.IGNORECASE)


# Settings


@dataclass(frozen=True)
class FeedFilter:
    """A source's ``include`` and ``exclude`` patterns, compiled case-insensitive."""

    include: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None

    @classmethod
    def compile(cls, include: str | None, exclude: str | None) -> FeedFilter:
        """Compile the patterns (empty means none); ConfigError for an invalid one."""
        return cls(_pattern(include, "include"), _pattern(exclude, "exclude"))

    def accepts(self, entry: FeedEntry) -> bool:
        """Whether ``include`` finds its URL or title (if set) and ``exclude`` finds neither."""
        texts = (entry.url, entry.title)
        if self.include is not None and not any(self.include.search(t) for t in texts):
            return False
        return self.exclude is None or not any(self.exclude.search(t) for t in texts)


def _pattern(pattern: str | None, what: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"invalid {what} regular expression {pattern!r}: {exc}") from None


def add_source(
    store: SourceStore,
    name: str,
    feed_url: str,
    include: str | None = None,
    exclude: str | None = None,
    *,
    now: datetime,
) -> tuple[Source, bool]:
    """Check a source's settings and add it; return it and whether it is new.

    Raises :class:`ConfigError` for a bad name or pattern, or a name taken by
    a source with another feed or other filters, and :class:`InvalidURLError`
    for a feed URL redline cannot fetch (see :mod:`redline.urls`).
    """
    name = _checked_name(name)
    feed_url = canonical_url(feed_url)
    FeedFilter.compile(include, exclude)
    return store.add(name, feed_url, include=include or None, exclude=exclude or None, now=now)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ConfigError("a source needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise ConfigError(f"a source name can be at most {MAX_NAME_LENGTH} characters")
    if not name.isprintable():
        raise ConfigError(f"a source name cannot hold control characters: {name!r}")
    return name


# Feeds


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: its canonical URL and its title."""

    url: str
    title: str


def parse_feed(
    body: bytes, *, base_url: str, content_type: str | None = None
) -> tuple[FeedEntry, ...]:
    """The entries of an RSS or Atom feed with a trackable link, each URL once.

    An entry's URL is its ``link`` (resolved against ``base_url``), else its
    ``id`` if that is an http(s) URL. Raises :class:`ExtractionError` if
    ``body`` holds no entries and is not a feed.
    """
    headers = {"content-location": base_url}
    if content_type is not None:
        headers["content-type"] = content_type
    # A file object, never bytes: feedparser opens bytes that name a local file.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    problem = _not_a_feed(parsed, content_type)
    if problem is not None:
        raise ExtractionError(problem)
    entries: dict[str, FeedEntry] = {}
    for item in parsed.entries:
        entry = _entry(item)
        if entry is not None:
            entries.setdefault(entry.url, entry)
    return tuple(entries.values())


def _not_a_feed(parsed: Any, content_type: str | None) -> str | None:
    """Why a parse with no entries is not a feed (malformed, or not RSS or Atom), or None."""
    if parsed.entries:
        return None
    served_as = f" (served as {content_type})" if content_type else ""
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException):
        return f"not a well-formed RSS or Atom feed{served_as}: {problem.getMessage()}"
    if not parsed.get("version"):
        return f"not an RSS or Atom feed{served_as}"
    return None


def _entry(item: Mapping[str, Any]) -> FeedEntry | None:
    for candidate in (item.get("link"), item.get("id")):
        url = _trackable(candidate)
        if url is not None:
            return FeedEntry(url, str(item.get("title", "")))
    return None


def _trackable(candidate: object) -> str | None:
    if not isinstance(candidate, str):
        return None
    try:
        return canonical_url(candidate)
    except InvalidURLError:  # a link redline could not fetch is skipped, not the feed
        return None


# Scheduling


def cache_lifetime(headers: Mapping[str, str]) -> timedelta | None:
    """How long a response says it stays fresh, or None if it does not say.

    ``Cache-Control: max-age`` (less ``Age``), else ``Expires`` minus
    ``Date``; ``no-cache`` or ``no-store`` mean it does not say. ``headers``
    must look names up case-insensitively (as :class:`httpx.Headers` does)
    or hold them in lower case.
    """
    cache_control = headers.get("cache-control", "")
    if _NO_REUSE.search(cache_control):
        return None
    if match := _MAX_AGE.search(cache_control):
        age = headers.get("age", "")
        seconds = int(match[1]) - (int(age) if age.isdigit() else 0)
        return timedelta(seconds=max(seconds, 0))
    expires, date = _http_date(headers.get("expires")), _http_date(headers.get("date"))
    if expires is None or date is None:
        return None
    return max(expires - date, timedelta(0))


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def next_poll_after_success(
    now: datetime, schedule: ScheduleConfig, fresh_for: timedelta | None
) -> datetime:
    """``source_interval`` after ``now``; later if the feed stays fresh longer (to 6 hours)."""
    interval = schedule.source_interval
    if fresh_for is not None:
        interval = max(interval, min(fresh_for, MAX_FRESHNESS))
    return now + interval


def next_poll_after_failure(now: datetime, schedule: ScheduleConfig, failures: int) -> datetime:
    """``source_interval × 2^failures`` after ``now`` (``failures`` counting this one), to a day."""
    longest = max(schedule.source_interval, MAX_BACKOFF)
    # Past 2^16 the cap has long applied; the bound keeps the product from overflowing.
    return now + min(schedule.source_interval * (1 << min(failures, 16)), longest)


# Fetching


@dataclass(frozen=True)
class FeedResponse:
    """A fetched feed, or the news that it is unchanged (status 304)."""

    url: str
    """The URL after redirects: relative links in the feed are resolved against it."""
    status: int
    body: bytes
    """Empty when not modified."""
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fresh_for: timedelta | None
    """How long the response says it stays fresh (see :func:`cache_lifetime`)."""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


FeedFetch = Callable[[str, str | None, str | None], Awaitable[FeedResponse]]
"""Fetches a feed URL, conditionally on an ETag and a Last-Modified when given.

Returns a 2xx or a 304 :class:`FeedResponse`; raises a :class:`FetchError`
for anything else (an error status, a timeout, a body over the size cap, ...).
"""


def fetcher_feed_fetch(fetcher: Fetcher) -> FeedFetch:
    """A :data:`FeedFetch` over ``fetcher``: its address guard, robots.txt, politeness, limits."""

    async def fetch(url: str, etag: str | None, last_modified: str | None) -> FeedResponse:
        page = await fetcher.fetch_document(
            url, etag=etag, last_modified=last_modified, accept=FEED_ACCEPT
        )
        return FeedResponse(
            url=page.final_url,
            status=page.status,
            body=page.body,
            content_type=page.content_type,
            etag=page.etag,
            last_modified=page.last_modified,
            fresh_for=cache_lifetime(page.cache_headers),
        )

    return fetch


# Polling


class PollOutcome(enum.StrEnum):
    """What one poll of a source found."""

    NEW_ARTICLES = "new_articles"
    UNCHANGED = "unchanged"
    """The feed was read; every entry it lists is tracked already or filtered out."""
    NOT_MODIFIED = "not_modified"
    ERROR = "error"


@dataclass(frozen=True)
class PollResult:
    """The outcome of polling one source once."""

    source: str
    outcome: PollOutcome
    added: int = 0
    """How many articles the poll added."""
    error: str | None = None


async def poll_due_sources(
    store: SourceStore, fetch: FeedFetch, now: datetime, schedule: ScheduleConfig
) -> list[PollResult]:
    """Poll each source due by ``now`` once, all together; results by source name.

    New entries become articles of their source. A feed that fails is
    recorded as an ``error`` result and polled again later, backing off; it
    never ends the pass. Only a failing database raises.
    """
    due = store.claim_due(now, schedule.lease)
    return list(await asyncio.gather(*(_poll(store, fetch, s, now, schedule) for s in due)))


async def _poll(
    store: SourceStore, fetch: FeedFetch, source: Source, now: datetime, schedule: ScheduleConfig
) -> PollResult:
    try:
        response = await fetch(source.feed_url, source.etag, source.last_modified)
        urls = [] if response.not_modified else _wanted_urls(source, response)
    except RedlineError as exc:
        wait = exc.retry_after if isinstance(exc, FetchError) else None  # 429/503 Retry-After
        return _failed(store, source, now, schedule, str(exc), wait)
    except Exception as exc:  # a bug on one odd feed must not end the whole pass
        error = f"{type(exc).__name__}: {exc}"
        log.error("polling source %s failed: %s", source.name, error)  # one line; then:
        log.debug("polling source %s failed", source.name, exc_info=exc)  # the traceback
        return _failed(store, source, now, schedule, error)
    added = store.record_success(
        source.name,
        polled_at=now,
        next_poll=next_poll_after_success(now, schedule, response.fresh_for),
        etag=response.etag,
        last_modified=response.last_modified,
        urls=urls,
    )
    if response.not_modified:
        outcome = PollOutcome.NOT_MODIFIED
    else:
        outcome = PollOutcome.NEW_ARTICLES if added else PollOutcome.UNCHANGED
    log.info("polled source %s: %s, %d new article(s)", source.name, outcome.value, added)
    return PollResult(source.name, outcome, added)


def _wanted_urls(source: Source, response: FeedResponse) -> list[str]:
    entries = parse_feed(response.body, base_url=response.url, content_type=response.content_type)
    wanted = FeedFilter.compile(source.include, source.exclude)
    return [entry.url for entry in entries if wanted.accepts(entry)]


def _failed(
    store: SourceStore,
    source: Source,
    now: datetime,
    schedule: ScheduleConfig,
    error: str,
    retry_after: float | None = None,
) -> PollResult:
    """Record a failed poll: the next one backs off, and waits as long as the site asked."""
    failures = source.consecutive_failures + 1
    next_poll = next_poll_after_failure(now, schedule, failures)
    if retry_after is not None:
        next_poll = max(next_poll, now + min(timedelta(seconds=retry_after), MAX_BACKOFF))
    store.record_failure(source.name, polled_at=now, next_poll=next_poll, error=error)
    log.info("polling source %s failed (%d in a row): %s", source.name, failures, error)
    return PollResult(source.name, PollOutcome.ERROR, error=error)
