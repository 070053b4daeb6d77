"""The library facade: one :class:`Redline` ties the pipeline stages together.

The CLI, the scheduler and the web app are thin shells over it. The outside
world comes in as parameters: the HTTP transport, the DNS resolver, the clock
and the random source, so tests need no network and never sleep.
"""

from __future__ import annotations

import asyncio
import logging
import random as random_module
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import httpx

from .config import Config
from .diff import ArticleDiff, diff_versions
from .errors import ExtractionError, FetchError, NotFoundError, RedlineError
from .extract import EXTRACTOR_VERSION, extract_article
from .feeds import article_feed
from .fetch import Fetcher, Resolver
from .model import Article, CheckRecord, CheckResult, CheckSummary, Version
from .schedule import NextCheck, plan_next_check
from .store import Observation, Planner, Store, database_url
from .urls import canonical_url

__all__ = ["Clock", "Redline", "utc_now"]

log = logging.getLogger("redline")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Redline:
    """Track articles, check them for new versions, and show what changed.

    >>> with Redline.open("sqlite:///news.db") as redline:  # doctest: +SKIP
    ...     redline.add(["https://example.com/story"])
    ...     summary = redline.check()
    """

    def __init__(
        self,
        store: Store,
        config: Config | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Clock = utc_now,
        random: Callable[[], float] = random_module.random,
    ) -> None:
        self.store = store
        self.config = config or Config()
        self._transport = transport
        self._resolver = resolver
        self._clock = clock
        self._random = random

    @classmethod
    def open(
        cls,
        database: str | Path | None = None,
        config: Config | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Clock = utc_now,
        random: Callable[[], float] = random_module.random,
    ) -> Redline:
        """Open (creating or upgrading) the database: a SQLAlchemy URL or a SQLite path.

        With no ``database``, the config's ``[database] url``, then a SQLite file
        in the user's data directory.
        """
        config = config or Config()
        store = Store.open(database_url(database or config.database))
        return cls(
            store, config, transport=transport, resolver=resolver, clock=clock, random=random
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Redline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # Tracking

    def add(self, urls: Iterable[str], *, source: str | None = None) -> list[tuple[Article, bool]]:
        """Track ``urls``; each comes back with whether it was new.

        Every URL is checked before any is added, so one bad URL adds none.
        """
        canonical = [canonical_url(url) for url in urls]
        now = self._clock()
        return [self.store.add_article(url, source=source, now=now) for url in canonical]

    def remove(self, ref: str | int) -> Article:
        """Stop tracking an article and delete its versions; return what it was."""
        article = self.article(ref)
        self.store.remove_article(article.id)
        return article

    def article(self, ref: str | int) -> Article:
        """The article with id ``ref`` or tracked under the URL ``ref``."""
        if isinstance(ref, int) or ref.strip().isdigit():
            return self.store.article(int(ref))
        return self.store.article_by_url(canonical_url(ref))

    def articles(self) -> list[Article]:
        return self.store.articles()

    def versions(self, ref: str | int) -> list[Version]:
        return self.store.versions(self.article(ref).id)

    def checks(self, ref: str | int, *, limit: int = 10) -> list[CheckRecord]:
        """The article's latest checks, newest first: when, what came of it, any error."""
        return self.store.checks(self.article(ref).id, limit=limit)

    # Checking

    def check(
        self,
        refs: Sequence[str | int] = (),
        *,
        all_active: bool = False,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> CheckSummary:
        """Check the due articles once (every active one with ``all_active``, or ``refs``).

        A failed fetch or extraction is recorded as an ``error`` outcome and the
        article retried later; it never stops the pass.
        """
        if refs:
            ids = list(dict.fromkeys(self.article(ref).id for ref in refs))
        elif all_active:
            ids = self.store.active_article_ids()
        else:
            ids = self.store.due_article_ids(self._clock())
        articles = self.store.articles(ids)
        results = asyncio.run(self._check_all(articles, on_result))
        return CheckSummary(tuple(results))

    async def _check_all(
        self, articles: Sequence[Article], on_result: Callable[[CheckResult], None] | None
    ) -> list[CheckResult]:
        async with Fetcher(
            self.config.fetch, transport=self._transport, resolver=self._resolver
        ) as fetcher:

            async def check_one(article: Article) -> CheckResult:
                seen = await self._observe(fetcher, article)
                result = self.store.record_check(article.id, seen, self._planner(seen))
                log.info("checked %s: %s", article.url, result.error or result.outcome.value)
                if on_result is not None:
                    on_result(result)
                return result

            return list(await asyncio.gather(*(check_one(a) for a in articles)))

    async def _observe(self, fetcher: Fetcher, article: Article) -> Observation:
        """Fetch and extract one article; every failure becomes an error observation."""
        started, checked_at = time.monotonic(), self._clock()
        try:
            page = await fetcher.fetch(
                article.url, etag=article.etag, last_modified=article.last_modified
            )
        except RedlineError as exc:
            status = exc.status if isinstance(exc, FetchError) else None
            return Observation(checked_at, time.monotonic() - started, status, error=str(exc))
        seen = Observation(
            checked_at=checked_at,
            duration=page.elapsed,
            http_status=page.status,
            nbytes=page.nbytes,
            final_url=page.final_url,
            etag=page.etag,
            last_modified=page.last_modified,
        )
        if page.not_modified:
            return seen
        try:
            extracted = extract_article(page.text, page.final_url, rules=self.config.sites)
        except ExtractionError as exc:
            return replace(seen, error=str(exc))
        except Exception as exc:  # a bug on one odd page must not end the whole pass
            log.exception("extracting %s failed", page.final_url)
            return replace(seen, error=f"extraction failed: {type(exc).__name__}: {exc}")
        return replace(
            seen,
            duration=time.monotonic() - started,
            article=extracted,
            extractor_version=EXTRACTOR_VERSION,
        )

    def _planner(self, seen: Observation) -> Planner:
        def plan(changed: bool, previous_interval: timedelta | None) -> NextCheck:
            return plan_next_check(
                self.config.schedule,
                seen.checked_at,
                changed=changed,
                previous_interval=previous_interval,
                random=self._random,
            )

        return plan

    # Showing changes

    def diff(
        self, ref: str | int, from_number: int | None = None, to_number: int | None = None
    ) -> tuple[Version, Version, ArticleDiff]:
        """The diff between two versions; by default the latest change."""
        versions = self.versions(ref)
        if len(versions) < 2 and from_number is None and to_number is None:
            raise NotFoundError("the article has not changed yet (it has fewer than 2 versions)")
        to_number = len(versions) - 1 if to_number is None else to_number
        from_number = to_number - 1 if from_number is None else from_number
        old, new = _version(versions, from_number), _version(versions, to_number)
        return old, new, diff_versions(old, new)

    def feed(self, ref: str | int) -> bytes:
        """The article's RSS feed: one item per change, newest first."""
        article = self.article(ref)
        return article_feed(article, self.store.versions(article.id))


def _version(versions: Sequence[Version], number: int) -> Version:
    if not 0 <= number < len(versions):
        last = len(versions) - 1
        raise NotFoundError(f"no version {number}: the article has versions 0 to {last}")
    return versions[number]
