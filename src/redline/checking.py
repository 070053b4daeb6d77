"""One check pass: fetch, extract and record each article, many at a time.

Fetching is asynchronous (a bounded set of workers sharing one
:class:`~redline.fetch.Fetcher`); a page the fast path confirms unchanged (see
:mod:`redline.extract._fastpath`) goes no further; extraction, which is CPU
work, runs in a process pool sized to the cores once a pass is big enough to
pay for it, and learns the fast path's rule for the next check; each result is
recorded in its own transaction as soon as it is known. A pass can
be stopped: workers finish no new article after ``stop`` is set, in-flight
fetches are cancelled, and nothing half-done is written.

Nothing one article does ends the pass. Any failure checking it (fetching,
extracting, comparing, recording) is its ``error`` outcome, with its kind
(``internal`` for an exception redline did not raise on purpose), recorded
in the check log and backed off like any failed check. If recording what the
check saw fails, a bare error check is recorded instead; if even that fails,
the failure is logged and the pass goes on. An internal failure is logged in
one line; its traceback at the debug level.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .config import Config
from .errors import ErrorKind, ExtractionError, FetchError, RedlineError, StoreError
from .extract import LearnedRule, confirms_unchanged, extractor_version, rule_for
from .fetch import Fetcher
from .model import Article, CheckPath, CheckResult, ExtractedArticle, NextCheck, Observation
from .reextract import capture_html
from .schedule import plan_next_check
from .store import ArchiveStore, Planner, Store
from .workers import ExtractionPool

__all__ = ["CheckPass"]

log = logging.getLogger("redline")

_STOP_POLL_SECONDS = 0.1


@dataclass
class CheckPass:
    """Checks a list of articles once and records every outcome."""

    store: Store
    archive: ArchiveStore
    config: Config
    fetcher: Fetcher
    extraction: ExtractionPool
    clock: Callable[[], datetime]
    random: Callable[[], float]
    on_result: Callable[[CheckResult], None] | None = None

    async def run(
        self, articles: Sequence[Article], stop: threading.Event | None = None
    ) -> list[CheckResult]:
        """Check ``articles``; with ``stop`` set part-way, the results so far."""
        queue = iter(articles)
        results: list[CheckResult] = []
        workers = [
            asyncio.create_task(self._work(queue, results))
            for _ in range(min(self.config.fetch.concurrency, len(articles)))
        ]
        if not workers:
            return results
        watcher = asyncio.create_task(_cancel_when_set(stop, workers))
        try:
            for outcome in await asyncio.gather(*workers, return_exceptions=True):
                if isinstance(outcome, BaseException) and not isinstance(
                    outcome, asyncio.CancelledError
                ):
                    raise outcome
        finally:
            watcher.cancel()
        return results

    async def _work(self, queue: Iterator[Article], results: list[CheckResult]) -> None:
        for article in queue:
            result = self._record(article, await self._observe(article))
            if result is None:
                continue
            log.info("checked %s: %s", article.url, result.error or result.outcome.value)
            results.append(result)
            if self.on_result is not None:
                self.on_result(result)

    async def _observe(self, article: Article) -> Observation:
        """Fetch and extract one article; every failure becomes an error observation."""
        started, checked_at = time.monotonic(), self.clock()
        try:
            return await self._fetch_and_extract(article, started, checked_at)
        except RedlineError as exc:
            return _failed_fetch(exc, checked_at, time.monotonic() - started)
        except Exception as exc:  # a bug met on one odd page must not end the whole pass
            failed = Observation(checked_at, time.monotonic() - started)
            return _internal_failure(failed, "checking", article.url, exc)

    def _record(self, article: Article, seen: Observation) -> CheckResult | None:
        """Record ``seen``; if that fails, a bare error check; if that fails too, None."""
        plan = self._planner(seen)
        try:
            return self.store.record_check(article.id, seen, plan, self.config.versions)
        except StoreError:  # the database refuses every write (read-only, full): end the pass
            raise
        except Exception as exc:  # one odd row (a value the database refuses, ...)
            bare = Observation(seen.checked_at, seen.duration, http_status=seen.http_status)
            bare = _internal_failure(bare, "recording the check", article.url, exc)
        try:
            return self.store.record_check(article.id, bare, plan, self.config.versions)
        except Exception as exc:  # the database itself: the next pass tries again
            log.error("could not record the check of %s: %s", article.url, _one_line(exc))
            log.debug("recording the check of %s failed", article.url, exc_info=exc)
            return None

    async def _fetch_and_extract(
        self, article: Article, started: float, checked_at: datetime
    ) -> Observation:
        page = await self.fetcher.fetch(
            article.url, etag=article.etag, last_modified=article.last_modified
        )
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
        previous = self._learned_rule(article, page.final_url, checked_at)
        if previous is not None and self._confirms_unchanged(page.text, page.final_url, previous):
            return replace(seen, duration=time.monotonic() - started, decided_by=CheckPath.FAST)
        try:
            extracted, learned = await self.extraction.extract_and_learn(
                page.text,
                page.final_url,
                self.config,
                previous=previous,
                learned_at=checked_at.isoformat(),
            )
        except ExtractionError as exc:
            return replace(seen, error=str(exc), error_kind=exc.kind)
        except Exception as exc:  # a bug on one odd page: what the fetch saw is kept
            return _internal_failure(seen, "extraction", page.final_url, exc)
        return replace(
            seen,
            duration=time.monotonic() - started,
            article=extracted,
            extractor_version=extracted.extractor_version,
            body=page.body,
            headers=page.headers,
            rebaseline=await self._rebaseline(article, extracted),
            decided_by=CheckPath.FULL,
            learned_rule=None if learned is None else learned.to_json(),
        )

    def _learned_rule(self, article: Article, url: str, now: datetime) -> LearnedRule | None:
        """The fast path's rule for ``article`` if this check may use it, else None.

        Not when the fast path is off, nor for a rule of another extractor or site
        rule (that re-baselines), nor on every ``full_every``-th check, nor once the
        rule is ``full_after`` old: those checks extract in full.
        """
        settings = self.config.fastpath
        learned = LearnedRule.from_json(article.fastpath_rule)
        if not settings.enabled or learned is None or article.version_count == 0:
            return None
        if learned.extractor_version != extractor_version(rule_for(url, self.config.sites)):
            return None
        if article.fastpath_checks + 1 >= settings.full_every:
            return None
        try:
            age = now - datetime.fromisoformat(learned.learned_at)
        except (ValueError, TypeError):  # a naive or odd time stamp: extract in full
            return None
        return learned if timedelta(0) <= age < settings.full_after else None

    def _confirms_unchanged(self, html: str, url: str, learned: LearnedRule) -> bool:
        """Whether the fast path confirms the page unchanged; a failure in it is no answer."""
        try:
            return confirms_unchanged(html, learned, rule=rule_for(url, self.config.sites))
        except Exception as exc:  # a bug on one odd page: the full path decides
            log.debug("the fast path failed on %s", url, exc_info=exc)
            return False

    async def _rebaseline(
        self, article: Article, extracted: ExtractedArticle
    ) -> tuple[int, ExtractedArticle] | None:
        """The latest version's page extracted as this check extracted, if it was not.

        Comparing against that, rather than against what an older extractor (or
        site rule) made of the page, keeps an extractor upgrade from showing as
        an edit.
        """
        if article.version_count == 0:
            return None
        capture = self.archive.stale_capture(article.id, extracted.extractor_version)
        if capture is None:
            return None
        try:
            again = await self.extraction.extract(capture_html(capture), capture.url, self.config)
        except ExtractionError:
            return None
        except Exception as exc:  # compare with the stored text, as without an archived page
            log.warning("re-extracting the stored page of %s failed: %s", capture.url, exc)
            log.debug("re-extracting %s failed", capture.url, exc_info=exc)
            return None
        return capture.version, again

    def _planner(self, seen: Observation) -> Planner:
        def plan(changed: bool, previous_interval: timedelta | None) -> NextCheck:
            planned = plan_next_check(
                self.config.schedule,
                seen.checked_at,
                changed=changed,
                previous_interval=previous_interval,
                random=self.random,
            )
            return _not_before_retry_after(planned, seen)

        return plan


def _failed_fetch(exc: RedlineError, checked_at: datetime, duration: float) -> Observation:
    failed = Observation(checked_at, duration, error=str(exc), error_kind=exc.kind)
    if not isinstance(exc, FetchError):  # an InvalidURLError: nothing was asked of the server
        return failed
    return replace(failed, http_status=exc.status, retry_after=exc.retry_after)


def _internal_failure(seen: Observation, stage: str, url: str, exc: Exception) -> Observation:
    """``seen``, failed by an exception redline did not raise on purpose while at ``stage``."""
    error = f"{stage} failed: {type(exc).__name__}: {_one_line(exc)}"
    log.error("checking %s: %s", url, error)
    log.debug("checking %s: %s failed", url, stage, exc_info=exc)
    return replace(seen, error=error, error_kind=ErrorKind.INTERNAL)


def _one_line(exc: Exception) -> str:
    """The exception's message as a short line of printable text, as the check log keeps it.

    Its first line only (a database error goes on with the SQL), control
    characters dropped (PostgreSQL refuses a NUL), at most 500 characters.
    """
    lines = str(exc).strip().splitlines() or [""]
    return "".join(ch for ch in lines[0] if ch.isprintable())[:500]


def _not_before_retry_after(planned: NextCheck, seen: Observation) -> NextCheck:
    """The planned check, moved later if the server asked us to wait longer (Retry-After)."""
    if planned.at is None or seen.retry_after is None:
        return planned
    earliest = seen.checked_at + timedelta(seconds=seen.retry_after)
    return replace(planned, at=max(planned.at, earliest))


async def _cancel_when_set(stop: threading.Event | None, tasks: list[asyncio.Task[None]]) -> None:
    if stop is None:
        return
    while not stop.is_set():
        await asyncio.sleep(_STOP_POLL_SECONDS)
    for task in tasks:
        task.cancel()
