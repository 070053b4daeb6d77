"""Tests of the Fetcher's politeness: per-host limits, robots.txt and Retry-After.

The local server answers on 127.0.0.1 under two host names, ``127.0.0.1`` and
``localhost``, which the Fetcher treats as two hosts. Delays are a few tenths of
a second, so the tests run on real time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from localsite import LocalSite, Request, Route
from redline.config import FetchConfig
from redline.errors import FetchError, HTTPStatusError
from redline.fetch import Fetcher, Page
from redline.fetch._politeness import MAX_RETRY_AFTER, HostLimiter, parse_retry_after
from redline.fetch._robots import REMEMBER_SECONDS, RobotsMemory

ARTICLE = b"<!DOCTYPE html><html><body><p>Story</p></body></html>"
POLITE = FetchConfig(allow_private_networks=True, timeout=5.0, per_host_delay=0)
SLACK = 0.1  # seconds the server may see two starts closer than the client made them (load)


@dataclasses.dataclass(frozen=True)
class Span:
    host: str
    path: str
    start: float
    end: float


class Meter:
    """Wraps routes to record, per host, when each request ran and how many ran at once."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.most: Counter[str] = Counter()
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, answer: Route, seconds: float = 0.0) -> Callable[[Request], Route]:
        """A handler giving ``answer`` after ``seconds``, recording the request."""

        def handle(request: Request) -> Route:
            host = request.headers["host"].rsplit(":", 1)[0]
            start = time.monotonic()
            with self._lock:
                self._running[host] += 1
                self.most[host] = max(self.most[host], self._running[host])
            time.sleep(seconds)
            with self._lock:
                self._running[host] -= 1
                self.spans.append(Span(host, request.path, start, time.monotonic()))
            return answer

        return handle

    def starts(self, host: str) -> list[float]:
        return sorted(span.start for span in self.spans if span.host == host)


def on(host: str, url: str) -> str:
    """``url`` (on 127.0.0.1) under another name of the same server."""
    return url.replace("127.0.0.1", host, 1)


def fetch_all(urls: Sequence[str], config: FetchConfig = POLITE) -> list[Page | BaseException]:
    """Fetch ``urls`` concurrently with one Fetcher; each gives a page or its error."""

    async def go() -> list[Page | BaseException]:
        async with Fetcher(config) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(url) for url in urls), return_exceptions=True
            )

    return asyncio.run(go())


def pages(results: Sequence[Page | BaseException]) -> list[Page]:
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [result for result in results if isinstance(result, Page)]


def gaps(times: Sequence[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


@pytest.fixture
def meter() -> Meter:
    return Meter()


# --- per-host limits -------------------------------------------------------------------


def test_at_most_per_host_concurrency_requests_run_at_once_on_one_host(
    site: LocalSite, meter: Meter
) -> None:
    for n in range(6):
        site.routes[f"/story/{n}"] = meter(Route(ARTICLE), seconds=0.15)
    config = dataclasses.replace(POLITE, per_host_concurrency=2)

    pages(fetch_all([site.url(f"/story/{n}") for n in range(6)], config))

    assert meter.most["127.0.0.1"] == 2


def test_starts_to_one_host_are_per_host_delay_apart_robots_txt_included(
    site: LocalSite, meter: Meter
) -> None:
    site.routes["/robots.txt"] = meter(Route(b"no robots here", status=404))
    for n in range(3):
        site.routes[f"/story/{n}"] = meter(Route(ARTICLE))
    config = dataclasses.replace(POLITE, per_host_delay=0.2, per_host_concurrency=3)

    pages(fetch_all([site.url(f"/story/{n}") for n in range(3)], config))

    assert [span.path for span in meter.spans][0] == "/robots.txt"
    assert len(meter.spans) == 4
    assert min(gaps(meter.starts("127.0.0.1"))) >= 0.2 - SLACK


def test_pages_on_two_hosts_are_fetched_concurrently(site: LocalSite, meter: Meter) -> None:
    for n in range(2):
        site.routes[f"/story/{n}"] = meter(Route(ARTICLE), seconds=0.2)
    urls = [site.url("/story/0"), site.url("/story/1")]
    config = dataclasses.replace(POLITE, per_host_concurrency=1, per_host_delay=0.1)

    pages(fetch_all([*urls, *(on("localhost", url) for url in urls)], config))

    local, named = (
        [s for s in meter.spans if s.host == host] for host in ("127.0.0.1", "localhost")
    )
    assert meter.most == Counter({"127.0.0.1": 1, "localhost": 1})
    assert len(local) == len(named) == 2
    assert all(a.start < b.end and b.start < a.end for a, b in zip(local, named, strict=True))


def test_a_redirect_hop_counts_against_the_host_it_goes_to(site: LocalSite, meter: Meter) -> None:
    site.routes["/short"] = meter(
        Route(status=302, headers={"Location": on("localhost", site.url("/story"))})
    )
    site.routes["/story"] = meter(Route(ARTICLE))
    site.routes["/other"] = meter(Route(ARTICLE))
    config = dataclasses.replace(POLITE, per_host_delay=0.3)

    pages(fetch_all([site.url("/short"), on("localhost", site.url("/other"))], config))

    assert sorted(span.path for span in meter.spans if span.host == "localhost") == [
        "/other",
        "/story",
    ]
    assert gaps(meter.starts("localhost"))[0] >= 0.3 - SLACK


def test_waiting_for_a_turn_does_not_count_against_the_time_limit(
    site: LocalSite, meter: Meter
) -> None:
    for n in range(3):
        site.routes[f"/story/{n}"] = meter(Route(ARTICLE), seconds=0.2)
    config = dataclasses.replace(POLITE, timeout=0.35, per_host_concurrency=1, per_host_delay=0.1)
    started = time.monotonic()

    results = pages(fetch_all([site.url(f"/story/{n}") for n in range(3)], config))

    assert time.monotonic() - started > 0.6  # one at a time: the last waited 0.4s for its turn
    assert all(0.2 <= page.elapsed < 0.35 for page in results)


# --- robots.txt ------------------------------------------------------------------------

NO_PRIVATE = b"User-agent: *\nDisallow: /private\n"


def test_a_disallowed_page_is_refused_without_being_requested(site: LocalSite) -> None:
    site.page("/robots.txt", NO_PRIVATE, Content_Type="text/plain")
    site.page("/private/story", ARTICLE)

    [result] = fetch_all([site.url("/private/story")])

    assert isinstance(result, FetchError)
    assert str(result) == f"disallowed by {site.url('/robots.txt')} for redline"
    assert [request.path for request in site.requests] == ["/robots.txt"]


class Seconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fetch_with_memory(url: str, memory: RobotsMemory) -> Page | BaseException:
    """Fetch ``url`` with a Fetcher of its own that shares ``memory``, as passes do."""

    async def go() -> Page:
        async with Fetcher(POLITE, robots_memory=memory) as fetcher:
            return await fetcher.fetch(url)

    try:
        return asyncio.run(go())
    except FetchError as exc:
        return exc


def test_robots_txt_answers_are_remembered_across_fetchers_for_a_day(site: LocalSite) -> None:
    site.page("/robots.txt", NO_PRIVATE, Content_Type="text/plain")
    site.page("/story", ARTICLE)
    clock = Seconds()
    memory = RobotsMemory(clock=clock)
    for _ in range(3):
        assert isinstance(fetch_with_memory(site.url("/story"), memory), Page)
    refused = fetch_with_memory(site.url("/private/x"), memory)
    assert isinstance(refused, FetchError) and "disallowed" in str(refused)
    clock.now += REMEMBER_SECONDS + 1
    fetch_with_memory(site.url("/story"), memory)
    robots = [request.path for request in site.requests].count("/robots.txt")
    assert robots == 2  # once, then once more a day later


@pytest.mark.parametrize("status", [500, 503])
def test_no_answer_from_robots_txt_is_not_remembered(site: LocalSite, status: int) -> None:
    site.routes["/robots.txt"] = Route(b"down", status=status)
    site.page("/story", ARTICLE)
    memory = RobotsMemory(clock=Seconds())
    for _ in range(2):
        assert isinstance(fetch_with_memory(site.url("/story"), memory), Page)
    assert [request.path for request in site.requests].count("/robots.txt") == 2


def test_robots_txt_is_fetched_once_for_many_pages(site: LocalSite) -> None:
    site.page("/robots.txt", NO_PRIVATE, Content_Type="text/plain")
    for n in range(5):
        site.page(f"/story/{n}", ARTICLE)
    config = dataclasses.replace(POLITE, per_host_concurrency=5)

    results = pages(fetch_all([site.url(f"/story/{n}") for n in range(5)], config))

    paths = [request.path for request in site.requests]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert sorted(paths[1:]) == [f"/story/{n}" for n in range(5)]
    assert [page.body for page in results] == [ARTICLE] * 5


@pytest.mark.parametrize(
    ("robots", "allowed"),
    [
        (b"User-agent: redline\nDisallow: /\n", False),
        (b"User-agent: *\nDisallow: /\n", False),
        (b"User-agent: otherbot\nDisallow: /\n", True),
        (b"User-agent: *\nDisallow: /\n\nUser-agent: redline\nAllow: /\n", True),
        (b"<html>not a robots.txt at all</html>", True),
    ],
)
def test_the_group_for_the_product_token_decides(
    site: LocalSite, robots: bytes, allowed: bool
) -> None:
    site.page("/robots.txt", robots, Content_Type="text/plain")
    site.page("/story", ARTICLE)

    [result] = fetch_all([site.url("/story")])

    assert isinstance(result, Page) is allowed


def test_the_user_agents_product_token_is_the_name_matched(site: LocalSite) -> None:
    site.page("/robots.txt", b"User-agent: tester\nDisallow: /\n", Content_Type="text/plain")
    config = dataclasses.replace(POLITE, user_agent="Tester/2.0 (+https://example.org)")

    [result] = fetch_all([site.url("/story")], config)

    assert str(result) == f"disallowed by {site.url('/robots.txt')} for Tester"


def test_respect_robots_false_ignores_robots_txt(site: LocalSite) -> None:
    site.page("/robots.txt", b"User-agent: *\nDisallow: /\n", Content_Type="text/plain")
    site.page("/story", ARTICLE)

    pages(fetch_all([site.url("/story")], dataclasses.replace(POLITE, respect_robots=False)))

    assert [request.path for request in site.requests] == ["/story"]


@pytest.mark.parametrize("status", [404, 410, 403, 500, 503])
def test_a_robots_txt_error_status_allows_everything(site: LocalSite, status: int) -> None:
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /\n", status=status)
    site.page("/story", ARTICLE)

    pages(fetch_all([site.url("/story")]))

    assert [request.path for request in site.requests] == ["/robots.txt", "/story"]


def test_an_unreachable_robots_txt_allows_everything() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=ARTICLE)

    async def go() -> Page:
        async with Fetcher(POLITE, transport=httpx.MockTransport(handler)) as fetcher:
            return await fetcher.fetch("http://news.example/story")

    assert asyncio.run(go()).body == ARTICLE


def test_a_robots_txt_that_never_answers_times_out_and_allows(site: LocalSite) -> None:
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /\n", delay=30)
    site.page("/story", ARTICLE)

    pages(fetch_all([site.url("/story")], dataclasses.replace(POLITE, timeout=0.3)))

    assert [request.path for request in site.requests] == ["/robots.txt", "/story"]


def test_a_redirected_robots_txt_is_followed(site: LocalSite) -> None:
    site.routes["/robots.txt"] = Route(status=301, headers={"Location": "/rules.txt"})
    site.page("/rules.txt", NO_PRIVATE, Content_Type="text/plain")

    [result] = fetch_all([site.url("/private/story")])

    assert str(result) == f"disallowed by {site.url('/robots.txt')} for redline"
    assert [request.path for request in site.requests] == ["/robots.txt", "/rules.txt"]


def test_robots_txt_redirected_to_a_private_host_is_refused_there() -> None:
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(302, headers={"Location": "http://internal.example/robots.txt"})
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=ARTICLE)

    async def resolve(host: str) -> Sequence[str]:
        return {"news.example": ["93.184.216.34"], "internal.example": ["10.0.0.1"]}[host]

    async def go() -> Page:
        config = dataclasses.replace(POLITE, allow_private_networks=False)
        transport = httpx.MockTransport(handler)
        async with Fetcher(config, transport=transport, resolver=resolve) as fetcher:
            return await fetcher.fetch("https://news.example/story")

    assert asyncio.run(go()).body == ARTICLE  # no robots.txt to be had: all allowed
    assert requested == ["https://news.example/robots.txt", "https://news.example/story"]


def test_a_refused_address_gets_no_robots_txt_request_either(site: LocalSite) -> None:
    site.page("/story", ARTICLE)

    [result] = fetch_all(
        [site.url("/story")], dataclasses.replace(POLITE, allow_private_networks=False)
    )

    assert "loopback" in str(result)
    assert site.requests == []


def test_only_the_first_half_megabyte_of_robots_txt_is_read(site: LocalSite) -> None:
    padding = b"# comment line to pad the file out\n" * 20_000  # 700 KB
    robots = b"User-agent: *\nDisallow: /early\n" + padding + b"Disallow: /late\n"
    site.page("/robots.txt", robots, Content_Type="text/plain")
    site.page("/late", ARTICLE)

    early, late = fetch_all([site.url("/early"), site.url("/late")])

    assert isinstance(early, FetchError) and "disallowed" in str(early)
    assert isinstance(late, Page)


def test_a_crawl_delay_longer_than_per_host_delay_is_honoured(
    site: LocalSite, meter: Meter
) -> None:
    site.page("/robots.txt", b"User-agent: *\nCrawl-delay: 0.25\n", Content_Type="text/plain")
    for n in range(2):
        site.routes[f"/story/{n}"] = meter(Route(ARTICLE))

    pages(fetch_all([site.url(f"/story/{n}") for n in range(2)]))

    assert gaps(meter.starts("127.0.0.1"))[0] >= 0.25 - SLACK


# --- Retry-After -----------------------------------------------------------------------


def test_a_429_with_retry_after_stops_requests_to_that_host(site: LocalSite) -> None:
    site.routes["/busy"] = Route(b"slow down", status=429, headers={"Retry-After": "120"})
    site.page("/story", ARTICLE)

    async def go() -> tuple[Page | BaseException, Page | BaseException, Page]:
        async with Fetcher(POLITE) as fetcher:
            busy = await asyncio.gather(fetcher.fetch(site.url("/busy")), return_exceptions=True)
            started = time.monotonic()
            later = await asyncio.gather(fetcher.fetch(site.url("/story")), return_exceptions=True)
            assert time.monotonic() - started < 0.1
            other = await fetcher.fetch(on("localhost", site.url("/story")))
            return busy[0], later[0], other

    busy, later, other = asyncio.run(go())

    assert isinstance(busy, HTTPStatusError)
    assert (busy.status, busy.retry_after) == (429, 120.0)
    assert isinstance(later, FetchError) and later.status is None
    assert str(later) == "not fetched: 127.0.0.1 asked us to wait (Retry-After), 120s to go"
    assert later.retry_after is not None and 119 < later.retry_after <= 120
    assert other.body == ARTICLE
    assert [(r.headers["host"].split(":")[0], r.path) for r in site.requests] == [
        ("127.0.0.1", "/robots.txt"),
        ("127.0.0.1", "/busy"),
        ("localhost", "/robots.txt"),
        ("localhost", "/story"),
    ]


def test_a_503_with_an_http_date_gives_the_seconds_until_then(site: LocalSite) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    site.routes["/story"] = Route(b"down", status=503, headers={"Retry-After": when})

    [result] = fetch_all([site.url("/story")])

    assert isinstance(result, HTTPStatusError) and result.status == 503
    assert result.retry_after is not None and 115 < result.retry_after <= 120


@pytest.mark.parametrize(
    ("status", "header"), [(429, None), (429, "soon"), (500, "120"), (503, None)]
)
def test_without_a_usable_retry_after_nothing_is_blocked(
    site: LocalSite, status: int, header: str | None
) -> None:
    headers = {"Content-Type": "text/html"} | ({"Retry-After": header} if header else {})
    site.routes["/busy"] = Route(b"busy", status=status, headers=headers)
    site.page("/story", ARTICLE)

    async def go() -> tuple[Page | BaseException, Page]:
        async with Fetcher(POLITE) as fetcher:
            busy = await asyncio.gather(fetcher.fetch(site.url("/busy")), return_exceptions=True)
            return busy[0], await fetcher.fetch(site.url("/story"))

    busy, page = asyncio.run(go())

    assert isinstance(busy, HTTPStatusError) and busy.retry_after is None
    assert page.body == ARTICLE


def test_a_retry_after_on_robots_txt_stops_the_page_too(site: LocalSite) -> None:
    site.routes["/robots.txt"] = Route(b"", status=503, headers={"Retry-After": "60"})
    site.page("/story", ARTICLE)

    [result] = fetch_all([site.url("/story")])

    assert isinstance(result, FetchError) and "asked us to wait" in str(result)
    assert result.retry_after is not None and 59 < result.retry_after <= 60
    assert [request.path for request in site.requests] == ["/robots.txt"]


NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Fri, 01 Mar 2024 12:02:00 GMT", 120.0),
        ("Fri, 01 Mar 2024 12:02:00 -0000", 120.0),
        ("Friday, 01-Mar-24 12:02:00 GMT", 120.0),
        ("Fri, 01 Mar 2024 11:00:00 GMT", 0.0),
        ("9" * 5000, MAX_RETRY_AFTER),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_a_cooldown_ends_after_its_time() -> None:
    async def go() -> None:
        limiter = HostLimiter(concurrency=4, per_host=2, delay=0)
        limiter.cool_down("news.example", 0.15)
        with pytest.raises(FetchError, match="news.example asked us to wait"):
            await limiter.acquire("news.example")
        await limiter.acquire("other.example")
        limiter.release("other.example")
        await asyncio.sleep(0.2)
        await limiter.acquire("news.example")
        limiter.release("news.example")

    asyncio.run(go())
