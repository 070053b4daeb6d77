"""robots.txt (RFC 9309): fetched once per site a day, asked before every request.

:class:`RobotsCache` keeps one site's rules per origin (scheme, host, port) for
one :class:`~redline.fetch.Fetcher`. Fetching them is the caller's job (the
Fetcher does it through the same address guard, politeness and time limit as
pages), and the cache makes sure concurrent first requests to one site fetch
them once. A :class:`RobotsMemory` keeps the answers across Fetchers (a
service makes one per batch) for up to 24 hours, as RFC 9309 allows.

What an answer means, by :func:`rules_from`:

- 2xx: the rules in its body (at most :data:`MAX_BYTES` of it, as RFC 9309
  lets a crawler cut a longer file).
- 4xx, including 404 and 410: there are no rules; everything is allowed.
- 5xx, or no answer at all (connection refused, time-out, ...): everything is
  allowed too, and not remembered: the next pass asks again. RFC 9309 says to
  assume "disallow all" for a while; redline does not, because (1) it cannot
  tell a passing outage from a lasting one and would stop tracking a site whose
  robots.txt is merely broken; (2) it asks each site for a few pages a pass at the per-host
  pace, so the extra load on a struggling server is one polite request; and
  (3) when the whole server is down, the page request then fails with the real
  reason, which is what the check log should say. A 429 or 503 with
  ``Retry-After`` still stops every request to that host for that long.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable

import httpx
from protego import Protego

__all__ = [
    "MAX_BYTES",
    "REMEMBER_SECONDS",
    "RobotsCache",
    "RobotsMemory",
    "product_token",
    "robots_url",
    "rules_from",
]

MAX_BYTES = 512 * 1024
"""How much of a robots.txt is read; RFC 9309 asks crawlers to read at least 500 KiB."""

_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")

REMEMBER_SECONDS = 24 * 3600.0
"""How long an answer is remembered across Fetchers: RFC 9309's longest."""

Loader = Callable[[httpx.URL], Awaitable[tuple[Protego | None, bool]]]
"""Fetches and parses the robots.txt at a URL: its rules (None: everything is
allowed) and whether the site answered at all."""


class RobotsMemory:
    """Sites' robots.txt answers, kept across Fetchers for ``seconds`` each.

    Only answers are kept (rules, or none after a 4xx); after no answer the next
    Fetcher asks again. ``clock`` counts seconds (monotonic), for tests.
    """

    def __init__(
        self, seconds: float = REMEMBER_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seconds, self._clock = seconds, clock
        self._answers: dict[str, tuple[float, Protego | None]] = {}

    def recall(self, key: str) -> tuple[bool, Protego | None]:
        """Whether an answer for ``key`` is remembered, and its rules."""
        until, rules = self._answers.get(key, (0.0, None))
        return self._clock() < until, rules

    def remember(self, key: str, rules: Protego | None) -> None:
        self._answers[key] = (self._clock() + self._seconds, rules)


class RobotsCache:
    """The robots.txt rules of each origin, each loaded at most once (or recalled)."""

    def __init__(self, load: Loader, memory: RobotsMemory | None = None) -> None:
        self._load = load
        self._memory = memory or RobotsMemory(seconds=0)
        self._rules: dict[str, Protego | None] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: httpx.URL) -> tuple[httpx.URL, Protego | None]:
        """The robots.txt URL of ``url``'s origin and its rules, loading them if need be."""
        where = robots_url(url)
        key = str(where)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._rules:
                self._rules[key] = await self._recall_or_load(key, where)
        return where, self._rules[key]

    async def _recall_or_load(self, key: str, where: httpx.URL) -> Protego | None:
        known, rules = self._memory.recall(key)
        if known:
            return rules
        rules, answered = await self._load(where)
        if answered:
            self._memory.remember(key, rules)
        return rules


def robots_url(url: httpx.URL) -> httpx.URL:
    """The robots.txt that governs ``url``: ``/robots.txt`` on its scheme, host and port."""
    return httpx.URL(scheme=url.scheme, host=url.host, port=url.port, path="/robots.txt")


def product_token(user_agent: str) -> str:
    """The name robots.txt groups match against: ``redline`` in ``redline/1.0 (...)``."""
    match = _PRODUCT_TOKEN.match(user_agent.strip())
    return match[0] if match else user_agent


def rules_from(status: int, body: bytes) -> Protego | None:
    """The rules a robots.txt answer gives (see the module docstring); None allows all."""
    if not 200 <= status < 300:
        return None
    return Protego.parse(body.decode("utf-8", errors="replace"))
