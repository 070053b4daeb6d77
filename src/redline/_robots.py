"""robots.txt (RFC 9309): fetched once per site, asked before every request.

:class:`RobotsCache` keeps one site's rules per origin (scheme, host, port).
Fetching them is the caller's job (the :class:`~redline.fetch.Fetcher` does it
through the same address guard, politeness and time limit as pages), and the
cache makes sure concurrent first requests to one site fetch them once.

What an answer means, by :func:`rules_from`:

- 2xx: the rules in its body (at most :data:`MAX_BYTES` of it, as RFC 9309
  lets a crawler cut a longer file).
- 4xx, including 404 and 410: there are no rules; everything is allowed.
- 5xx, or no answer at all (connection refused, time-out, ...): everything is
  allowed too. RFC 9309 says to assume "disallow all" for a while; redline does
  not, because (1) its cache lives one check pass, so it cannot tell a passing
  outage from a lasting one and would stop tracking a site whose robots.txt is
  merely broken; (2) it asks each site for a few pages a pass at the per-host
  pace, so the extra load on a struggling server is one polite request; and
  (3) when the whole server is down, the page request then fails with the real
  reason, which is what the check log should say. A 429 or 503 with
  ``Retry-After`` still stops every request to that host for that long.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

import httpx
from protego import Protego

__all__ = ["MAX_BYTES", "RobotsCache", "product_token", "robots_url", "rules_from"]

MAX_BYTES = 512 * 1024
"""How much of a robots.txt is read; RFC 9309 asks crawlers to read at least 500 KiB."""

_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")

Loader = Callable[[httpx.URL], Awaitable[Protego | None]]
"""Fetches and parses the robots.txt at a URL; None means everything is allowed."""


class RobotsCache:
    """The robots.txt rules of each origin, each loaded at most once."""

    def __init__(self, load: Loader) -> None:
        self._load = load
        self._rules: dict[str, Protego | None] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: httpx.URL) -> tuple[httpx.URL, Protego | None]:
        """The robots.txt URL of ``url``'s origin and its rules, loading them if need be."""
        where = robots_url(url)
        key = str(where)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._rules:
                self._rules[key] = await self._load(where)
        return where, self._rules[key]


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
