"""Politeness towards the sites redline fetches: per-host limits and ``Retry-After``.

A :class:`HostLimiter` gives each HTTP request its turn. A host is the URL's
host name, lower-cased (ports do not matter). At most ``concurrency`` requests
run at once in all, at most ``per_host`` to one host, and two requests to one
host start at least ``delay`` seconds apart (longer if its robots.txt asks, see
:meth:`HostLimiter.slow_down`). A host that answered 429 or 503 with
``Retry-After`` gets no request until that time has passed: asking fails at
once with a :class:`RetryLaterError` rather than waiting, since one check pass
should not sleep for minutes on one site. Time is the injected ``monotonic``
clock and its ``sleep``, so tests move it by hand.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from ..errors import RetryLaterError
from ..model import Monotonic, Sleep

__all__ = ["MAX_CRAWL_DELAY", "MAX_RETRY_AFTER", "HostLimiter", "parse_retry_after", "retry_after"]

MAX_RETRY_AFTER = 86_400.0
"""The longest wait a ``Retry-After`` can ask for (one day); longer ones are cut to it."""

MAX_CRAWL_DELAY = 60.0
"""The longest delay between requests to one host a robots.txt can ask for."""

_RETRY_STATUSES = frozenset({429, 503})
_SECONDS = re.compile(r"[0-9]+")


@dataclass(eq=False)
class _Host:
    """What the limiter knows of one host."""

    slots: asyncio.Semaphore
    delay: float
    gate: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held by the one request of this host waiting to start (its delay, then a global slot)."""
    last_start: float = -math.inf
    resume_at: float = -math.inf
    """The host asked for no request before this time (on the limiter's monotonic clock)."""


class HostLimiter:
    """Gives requests their turn: a global limit, a per-host limit and delay, cooldowns.

    Call :meth:`acquire` before a request and :meth:`release` after it, always
    in pairs. Time spent in :meth:`acquire` is waiting, not requesting. Delays
    are kept on ``monotonic`` and waited out with ``sleep``.
    """

    def __init__(
        self,
        concurrency: int,
        per_host: int,
        delay: float,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._delay = delay
        self._monotonic = monotonic
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}

    async def acquire(self, host: str) -> None:
        """Wait for ``host``'s turn; raise RetryLaterError at once if it asked us to wait."""
        state = self._host(host)
        self._refuse_while_cooling(host, state)
        await state.slots.acquire()
        try:  # the global slot last: a request waiting out its host's delay holds none
            async with state.gate:
                await self._sleep_until(lambda: state.last_start + state.delay)
                await self._slots.acquire()
                state.last_start = self._monotonic()
        except BaseException:
            state.slots.release()
            raise
        try:  # a 429 may have come in while this request waited
            self._refuse_while_cooling(host, state)
        except RetryLaterError:
            self.release(host)
            raise

    def release(self, host: str) -> None:
        """End a request that :meth:`acquire` let start."""
        self._slots.release()
        self._hosts[host].slots.release()

    def slow_down(self, host: str, delay: float) -> None:
        """Keep at least ``delay`` seconds (at most MAX_CRAWL_DELAY) between starts to ``host``."""
        state = self._host(host)
        state.delay = max(state.delay, min(delay, MAX_CRAWL_DELAY))

    def cool_down(self, host: str, seconds: float) -> None:
        """Send nothing more to ``host`` for ``seconds``: it answered with Retry-After."""
        state = self._host(host)
        state.resume_at = max(state.resume_at, self._monotonic() + seconds)

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._per_host), self._delay)
        return state

    def _refuse_while_cooling(self, host: str, state: _Host) -> None:
        remaining = state.resume_at - self._monotonic()
        if remaining > 0:
            raise RetryLaterError(
                f"not fetched: {host} asked us to wait (Retry-After),"
                f" {math.ceil(remaining)}s to go",
                retry_after=remaining,
            )

    async def _sleep_until(self, deadline: Callable[[], float]) -> None:
        """Sleep until ``deadline()`` (a time of our monotonic clock, which may move) has passed."""
        while (wait := deadline() - self._monotonic()) > 0:
            await self._sleep(wait)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a 429 or 503 response asks us to wait; None for other answers."""
    if response.status_code not in _RETRY_STATUSES:
        return None
    value = response.headers.get("Retry-After")
    return None if value is None else parse_retry_after(value)


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` value, seconds or an HTTP-date, into seconds from ``now``.

    Returns None when it is neither; a date in the past gives 0, and anything
    over MAX_RETRY_AFTER is cut to it.
    """
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": UTC, by RFC 5322
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
