"""``redline run``: the background service, on APScheduler.

Every few seconds a tick polls the due sources and checks a batch of due
articles, so the work flows continuously and a long backlog is taken a batch
at a time; each pass sends the notifications it queued, and a job of its own
sends the others as they fall due (a retry's back-off, a digest's period).
Startup spreads an overdue backlog over a window instead of firing it all at
once. Setting the stop event (the CLI does on SIGTERM or SIGINT)
ends the running pass cleanly — in-flight fetches are cancelled, nothing
half-written — and the service returns.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from .core import Redline
from .errors import AlreadyRunningError, RedlineError
from .model import DeliveryRound

__all__ = ["TICK_SECONDS", "run_service"]

log = logging.getLogger("redline.service")

TICK_SECONDS = 5.0
"""How often the service looks for due work."""

BATCHES_PER_TICK = 4
"""A tick checks at most this many times ``[fetch] concurrency`` articles."""

MAX_SPREAD = timedelta(minutes=30)
"""The longest window a startup backlog is spread over (one article a second below that)."""


def run_service(redline: Redline, stop: threading.Event, *, tick: float = TICK_SECONDS) -> None:
    """Run until ``stop`` is set, then return once the current pass has ended."""
    now = redline.clock()
    moved = redline.store.spread_overdue(now, _spread_window(redline, now))
    if moved:
        log.info("spreading a backlog of %d overdue articles", moved)
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        _tick,
        IntervalTrigger(seconds=tick, timezone=UTC),
        args=(redline, stop),
        next_run_time=now,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    if redline.config.notify:
        scheduler.add_job(
            _deliver,
            IntervalTrigger(seconds=tick, timezone=UTC),
            args=(redline, stop),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    scheduler.start()
    log.info("redline service started; checking every %gs", tick)
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        log.info("redline service stopped")


def _spread_window(redline: Redline, now: datetime) -> timedelta:
    """A second for each article due by ``now``, up to MAX_SPREAD."""
    return min(MAX_SPREAD, timedelta(seconds=redline.store.count_due(now)))


def _tick(redline: Redline, stop: threading.Event) -> None:
    """Poll the due sources, then check a batch of due articles; neither failure ends the service.

    A failure of either is logged and the next tick tries again: a pass
    records each article's own failures itself (see checking), so what
    reaches here is the database or a bug, logged in one line and, at the
    debug level, with its traceback.
    """
    if stop.is_set():
        return
    with _logged_failure("polling sources"):
        for polled in redline.poll_sources():
            log.info("polled source %s: %s", polled.source, polled.error or f"{polled.added} new")
    with _logged_failure("check pass"):
        limit = redline.config.fetch.concurrency * BATCHES_PER_TICK
        summary = redline.check(limit=limit, stop=stop)
        if summary.results:
            log.info("checked %d articles", len(summary.results))
        _log_notifications(summary.notifications)


def _deliver(redline: Redline, stop: threading.Event) -> None:
    """Send the notifications now due. While a pass holds SQLite's run lock this waits
    for the next time: the pass sends when it ends."""
    if stop.is_set():
        return
    with _logged_failure("sending notifications", busy=logging.DEBUG):
        _log_notifications(redline.deliver())


def _log_notifications(done: DeliveryRound) -> None:
    if done.sent or done.retrying or done.given_up:
        log.info(
            "notifications: %d sent, %d to retry, %d given up",
            done.sent,
            done.retrying,
            done.given_up,
        )


@contextlib.contextmanager
def _logged_failure(what: str, *, busy: int = logging.INFO) -> Iterator[None]:
    try:
        yield
    except AlreadyRunningError as exc:
        log.log(busy, "%s; waiting for it", exc)
    except RedlineError as exc:
        log.error("%s failed: %s", what, exc)
    except Exception as exc:  # a bug must not stop the service: the next tick tries again
        log.error("%s failed: %s: %s", what, type(exc).__name__, exc)
        log.debug("%s failed", what, exc_info=exc)
