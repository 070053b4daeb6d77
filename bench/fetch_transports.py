"""CPU time per request and requests per second of the HTTP transports redline could use.

Serves one ~100 KB HTML page from aiohttp's web server in a child process (so
the server has its own core and is not the bottleneck), then fetches it N times
at a fixed concurrency through each transport, streaming the body as
:class:`redline.fetch.Fetcher` does. CPU time is ``time.process_time()`` of this
(the client) process only. Rows:

- httpx's default ``AsyncHTTPTransport`` (httpcore), with ``sniffio`` importable;
- the same with ``sniffio`` made unimportable, as on an install without it
  (httpcore then retries the failing ``import sniffio`` 4 to 9 times a request);
- ``httpx_aiohttp.AiohttpTransport`` (aiohttp under httpx's API);
- redline's own ``Fetcher`` (its default transport, politeness limits lifted).

Needs ``aiohttp`` and ``httpx-aiohttp``. Sends traffic to 127.0.0.1 only.

    python bench/fetch_transports.py [--requests 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.abc
import importlib.machinery
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType

import httpx

PAGE_BYTES = 100_000


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    wall: float
    cpu: float

    def row(self) -> str:
        per_request_ms = self.cpu / self.requests * 1000
        rate = self.requests / self.wall
        return f"{self.name:<44}{per_request_ms:>12.3f}{rate:>12.0f}{self.wall:>9.2f}"


def serve() -> None:
    """Child process: serve the page on a free port of 127.0.0.1 and print the port."""
    from aiohttp import web

    paragraph = "<p>" + "The council met again to discuss the bridge. " * 20 + "</p>\n"
    body = ("<!DOCTYPE html><html><body>" + paragraph * (PAGE_BYTES // len(paragraph))).encode()

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    async def run() -> None:
        app = web.Application()
        app.router.add_get("/page", page)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


@contextlib.contextmanager
def served_page() -> Iterator[str]:
    """Run the server in a child process for the duration; yield the page's URL."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        yield f"http://127.0.0.1:{port}/page"
    finally:
        child.terminate()
        child.wait(timeout=10)


class _Unimportable(importlib.abc.MetaPathFinder):
    """Makes a module fail to import after the same search a missing module costs."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        importlib.machinery.PathFinder.find_spec(fullname, path)
        raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


@contextlib.contextmanager
def without_module(name: str) -> Iterator[None]:
    saved = sys.modules.pop(name, None)
    finder = _Unimportable(name)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        if saved is not None:
            sys.modules[name] = saved


async def _stream(client: httpx.AsyncClient, url: str) -> None:
    async with client.stream("GET", url) as response:
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
        if response.status_code != 200 or size < PAGE_BYTES // 2:
            raise RuntimeError(f"bad answer: {response.status_code}, {size} bytes")


async def _timed(
    name: str, one: Callable[[], Awaitable[object]], requests: int, concurrency: int
) -> Result:
    """Run ``one`` ``requests`` times, ``concurrency`` at once, after a short warm-up."""
    await asyncio.gather(*(one() for _ in range(concurrency * 2)))
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await one()

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(name, requests, time.perf_counter() - wall, time.process_time() - cpu)


async def bench_transport(
    name: str, transport: httpx.AsyncBaseTransport, url: str, requests: int, concurrency: int
) -> Result:
    async with httpx.AsyncClient(transport=transport) as client:
        return await _timed(name, lambda: _stream(client, url), requests, concurrency)


async def bench_fetcher(url: str, requests: int, concurrency: int) -> Result:
    from redline.config import FetchConfig
    from redline.fetch import Fetcher

    config = FetchConfig(
        allow_private_networks=True,
        concurrency=concurrency,
        per_host_concurrency=concurrency,
        per_host_delay=0,
        respect_robots=False,
    )
    async with Fetcher(config) as fetcher:
        return await _timed(
            "redline Fetcher (default transport)", lambda: fetcher.fetch(url), requests, concurrency
        )


async def run_all(url: str, requests: int, concurrency: int) -> list[Result]:
    from httpx_aiohttp import AiohttpTransport

    args = (url, requests, concurrency)
    results = [await bench_transport("httpx AsyncHTTPTransport", httpx.AsyncHTTPTransport(), *args)]
    with without_module("sniffio"):
        name = "httpx AsyncHTTPTransport, sniffio missing"
        results.append(await bench_transport(name, httpx.AsyncHTTPTransport(), *args))
    name = "httpx-aiohttp AiohttpTransport"
    results.append(await bench_transport(name, AiohttpTransport(), *args))
    results.append(await bench_fetcher(*args))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        raise SystemExit("this benchmark needs httpx-aiohttp: pip install httpx-aiohttp") from None
    with served_page() as url:
        results = asyncio.run(run_all(url, args.requests, args.concurrency))
    print(
        f"{args.requests} GETs of a {PAGE_BYTES // 1000} KB page at concurrency"
        f" {args.concurrency} ({os.cpu_count()} cores, server in its own process)"
    )
    print(f"{'transport':<44}{'CPU ms/req':>12}{'req/s':>12}{'wall s':>9}")
    for result in results:
        print(result.row())


if __name__ == "__main__":
    main()
