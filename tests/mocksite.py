"""A test site under public-looking names, served by httpx.MockTransport, with its own DNS.

:class:`LocalSite` lives on 127.0.0.1, which the address guard refuses, so tests
using it turn the guard off. :class:`MockSite` serves the same :class:`Route`
values as if from the public internet: its URLs name hosts such as
``news.example``, its :class:`PublicDNS` answers a public address for them,
and a Redline reaches it through ``transport`` and ``resolver`` with the guard
on, which still checks the resolver's answer before every request (robots.txt
and each redirect hop included). Every request the transport answers, and
every name looked up, is recorded.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Protocol

import httpx

from localsite import Handler, Request, Route, html_route, route_for

PUBLIC_ADDRESS = "93.184.215.14"
"""A global (public) IPv4 address, example.com's: the guard lets it through."""

HOST = "news.example"


class Site(Protocol):
    """What a test serves pages through: :class:`LocalSite` or :class:`MockSite`."""

    routes: dict[str, Route | Handler]
    requests: list[Request]

    def url(self, path: str) -> str: ...

    def page(self, path: str, html: str | bytes, **headers: str) -> None: ...


class PublicDNS:
    """A resolver answering from ``table``; a name not in it fails as real DNS fails."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.table[host]


class MockSite:
    """Pages at ``https://news.example/...`` (and ``other.example``), routed by path.

    ``routes``, ``requests`` and ``page`` work as :class:`LocalSite`'s do, so a
    test can serve the same pages on either. Only ``delay`` is not supported:
    a page that never answers would wait out the time limit on the wall clock.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.requests: list[Request] = []
        self.dns = PublicDNS({HOST: [PUBLIC_ADDRESS], "other.example": [PUBLIC_ADDRESS]})
        self.transport = httpx.MockTransport(self._handle)

    def url(self, path: str, host: str = HOST) -> str:
        return f"https://{host}{path}"

    def page(self, path: str, html: str | bytes, **headers: str) -> None:
        """Serve ``html`` at ``path`` (UTF-8 unless a Content-Type says otherwise)."""
        self.routes[path] = html_route(html, **headers)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode("ascii")  # with the query, as LocalSite's
        recorded = Request(path, {k.lower(): v for k, v in request.headers.items()})
        self.requests.append(recorded)
        route = route_for(self.routes, recorded)
        if route.delay:
            raise NotImplementedError("MockSite does not wait: serve slow pages from LocalSite")
        if isinstance(route.body, bytes):
            return httpx.Response(route.status, headers=route.headers, content=route.body)
        return httpx.Response(route.status, headers=route.headers, content=_streamed(route.body()))


async def _streamed(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    """The chunks as the async stream an async client reads."""
    for chunk in chunks:
        yield chunk
