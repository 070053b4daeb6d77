"""Tests of the Fetcher's politeness: per-host limits, robots.txt and Retry-After.

What depends on time runs in process (httpx.MockTransport) on virtual time
(:mod:`virtualtime`): a request's turn, its time limit and the site's answer
all wait on one clock the test reads, so spacing is asserted exactly and no
test waits. Requests go to ``a.example`` and ``b.example``, two hosts. What
does not depend on time runs against the local server on 127.0.0.1 (under two
host names, ``127.0.0.1`` and ``localhost``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from localsite import LocalSite, Route
from redline.config import FetchConfig
from redline.errors import DisallowedError, FetchError, HTTPStatusError, RetryLaterError
from redline.fetch import Fetcher, Page
from redline.fetch._politeness import MAX_RETRY_AFTER, HostLimiter, parse_retry_after
from redline.fetch._robots import REMEMBER_SECONDS, RobotsMemory
from virtualtime import START, VirtualTime

ARTICLE = b"<!DOCTYPE html><html><body><p>Story</p></body></html>"
POLITE = FetchConfig(allow_private_networks=True, timeout=5.0, per_host_delay=0)


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the in-process site answers on a path, after how many seconds."""

    status: int = 200
    body: bytes = ARTICLE
    headers: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: {"Content-Type": "text/html"}
    )
    seconds: float = 0.0


NOT_FOUND = Answer(404, b"not here")


@dataclasses.dataclass(frozen=True)
class Visit:
    host: str
    path: str
    start: float


class Site:
    """A site in process, on virtual time: answers each path, noting when requests ran."""

    def __init__(self, time: VirtualTime, answers: Mapping[str, Answer]) -> None:
        self.time, self.answers = time, answers
        self.visits: list[Visit] = []
        self.most: Counter[str] = Counter()
        self._running: Counter[str] = Counter()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        visit = Visit(request.url.host, request.url.path, self.time.now)
        self.visits.append(visit)
        answer = self.answers.get(visit.path, NOT_FOUND)
        self._running[visit.host] += 1
        self.most[visit.host] = max(self.most[visit.host], self._running[visit.host])
        try:
            await self.time.sleep(answer.seconds)
        finally:
            self._running[visit.host] -= 1
        return httpx.Response(answer.status, headers=dict(answer.headers), content=answer.body)

    def starts(self, host: str) -> list[float]:
        """When requests to ``host`` began, robots.txt included, from the test's start."""
        return [visit.start - START for visit in self.visits if visit.host == host]

    def paths(self) -> list[str]:
        return [visit.path for visit in self.visits]

    def fetch_all(
        self, urls: Sequence[str], config: FetchConfig = POLITE
    ) -> list[Page | BaseException]:
        """Fetch ``urls`` concurrently from this site, on its virtual time."""
        return fetch_all(urls, config, self)

    def fetcher(self, config: FetchConfig = POLITE) -> Fetcher:
        transport = httpx.MockTransport(self)
        time = self.time
        return Fetcher(config, transport=transport, monotonic=time.monotonic, sleep=time.sleep)


def served(answers: Mapping[str, Answer]) -> Site:
    return Site(VirtualTime(), answers)


def fetch_all(
    urls: Sequence[str], config: FetchConfig = POLITE, site: Site | None = None
) -> list[Page | BaseException]:
    """Fetch ``urls`` concurrently with one Fetcher; each gives a page or its error.

    From the in-process ``site`` on its virtual time; without one, from the network.
    """

    async def go() -> list[Page | BaseException]:
        async with site.fetcher(config) if site else Fetcher(config) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(url) for url in urls), return_exceptions=True
            )

    return site.time.run(go()) if site else asyncio.run(go())


def pages(results: Sequence[Page | BaseException]) -> list[Page]:
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [result for result in results if isinstance(result, Page)]


# --- per-host limits -------------------------------------------------------------------


def test_at_most_per_host_concurrency_requests_run_at_once_on_one_host() -> None:
    site = served({f"/story/{n}": Answer(seconds=0.25) for n in range(6)})
    config = dataclasses.replace(POLITE, per_host_concurrency=2)

    pages(site.fetch_all([f"http://a.example/story/{n}" for n in range(6)], config))

    assert site.most["a.example"] == 2
    assert site.starts("a.example") == [0, 0, 0, 0.25, 0.25, 0.5, 0.5]  # robots.txt first


def test_starts_to_one_host_are_per_host_delay_apart_robots_txt_included() -> None:
    site = served({f"/story/{n}": Answer() for n in range(3)})
    config = dataclasses.replace(POLITE, per_host_delay=0.25, per_host_concurrency=3)

    pages(site.fetch_all([f"http://a.example/story/{n}" for n in range(3)], config))

    assert site.paths()[0] == "/robots.txt" and len(site.visits) == 4
    assert site.starts("a.example") == [0, 0.25, 0.5, 0.75]


def test_pages_on_two_hosts_are_fetched_concurrently() -> None:
    site = served({f"/story/{n}": Answer(seconds=0.25) for n in range(2)})
    urls = [f"http://{host}/story/{n}" for host in ("a.example", "b.example") for n in range(2)]
    config = dataclasses.replace(POLITE, per_host_concurrency=1, per_host_delay=0.125)

    pages(site.fetch_all(urls, config))

    assert site.most == Counter({"a.example": 1, "b.example": 1})
    # robots.txt, then each story a delay after the request before it began, once it ended
    assert site.starts("a.example") == site.starts("b.example") == [0, 0.125, 0.375]


def test_a_redirect_hop_counts_against_the_host_it_goes_to() -> None:
    site = served(
        {
            "/short": Answer(302, b"", {"Location": "http://b.example/story"}),
            "/story": Answer(),
            "/other": Answer(),
        }
    )
    config = dataclasses.replace(POLITE, per_host_delay=0.25)

    pages(site.fetch_all(["http://a.example/short", "http://b.example/other"], config))

    hops = [(visit.path, visit.start - START) for visit in site.visits if visit.host == "b.example"]
    assert hops == [("/robots.txt", 0), ("/other", 0.25), ("/story", 0.5)]


def test_waiting_for_a_turn_does_not_count_against_the_time_limit() -> None:
    site = served({f"/story/{n}": Answer(seconds=0.25) for n in range(3)})
    config = dataclasses.replace(
        POLITE, timeout=0.375, per_host_concurrency=1, per_host_delay=0.125
    )

    results = pages(site.fetch_all([f"http://a.example/story/{n}" for n in range(3)], config))

    assert site.starts("a.example") == [0, 0.125, 0.375, 0.625]  # the last waited 0.625s
    assert [page.elapsed for page in results] == [0.25, 0.25, 0.25]


def test_limiter_starts_to_one_host_a_delay_apart_and_others_at_once() -> None:
    time = VirtualTime()
    limiter = HostLimiter(4, 4, 0.5, monotonic=time.monotonic, sleep=time.sleep)
    starts: list[tuple[str, float]] = []

    async def request(host: str) -> None:
        await limiter.acquire(host)
        starts.append((host, time.now - START))
        limiter.release(host)

    async def go() -> None:
        await asyncio.gather(*(request(host) for host in ["a", "a", "b", "a", "b"]))

    time.run(go())

    assert sorted(starts) == [("a", 0), ("a", 0.5), ("a", 1.0), ("b", 0), ("b", 0.5)]


# --- robots.txt ------------------------------------------------------------------------

NO_PRIVATE = b"User-agent: *\nDisallow: /private\n"


def test_a_disallowed_page_is_refused_without_being_requested(site: LocalSite) -> None:
    site.page("/robots.txt", NO_PRIVATE, Content_Type="text/plain")
    site.page("/private/story", ARTICLE)

    [result] = fetch_all([site.url("/private/story")])

    assert type(result) is DisallowedError and result.kind == "disallowed"
    assert str(result) == f"disallowed by {site.url('/robots.txt')} for redline"
    assert result.url == site.url("/private/story") and result.status is None
    assert [request.path for request in site.requests] == ["/robots.txt"]


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
    clock = VirtualTime()
    memory = RobotsMemory(clock=clock.monotonic)
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
    memory = RobotsMemory(clock=VirtualTime().monotonic)
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


def test_a_robots_txt_that_never_answers_times_out_and_allows() -> None:
    disallow_all = Answer(body=b"User-agent: *\nDisallow: /\n", seconds=30)
    site = served({"/robots.txt": disallow_all, "/story": Answer(seconds=0.125)})

    [page] = pages(
        site.fetch_all(["http://a.example/story"], dataclasses.replace(POLITE, timeout=0.25))
    )

    # robots.txt had its own time limit, and the page's own one was not used up waiting
    assert [(visit.path, visit.start - START) for visit in site.visits] == [
        ("/robots.txt", 0),
        ("/story", 0.25),
    ]
    assert page.elapsed == 0.125


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


def test_a_crawl_delay_longer_than_per_host_delay_is_honoured() -> None:
    robots = Answer(body=b"User-agent: *\nCrawl-delay: 0.25\n", headers={})
    site = served({"/robots.txt": robots} | {f"/story/{n}": Answer() for n in range(2)})
    config = dataclasses.replace(POLITE, per_host_delay=0.125)

    pages(site.fetch_all([f"http://a.example/story/{n}" for n in range(2)], config))

    assert site.starts("a.example") == [0, 0.25, 0.5]


# --- Retry-After -----------------------------------------------------------------------


def test_a_429_with_retry_after_stops_requests_to_that_host() -> None:
    busy_answer = Answer(429, b"slow down", {"Retry-After": "120"}, seconds=0.5)
    site = served({"/busy": busy_answer, "/story": Answer()})

    async def go() -> tuple[Page | BaseException, Page | BaseException, float, Page]:
        async with site.fetcher() as fetcher:
            busy = await asyncio.gather(
                fetcher.fetch("http://a.example/busy"), return_exceptions=True
            )
            asked_at = site.time.now
            later = await asyncio.gather(
                fetcher.fetch("http://a.example/story"), return_exceptions=True
            )
            waited = site.time.now - asked_at
            other = await fetcher.fetch("http://b.example/story")
            return busy[0], later[0], waited, other

    busy, later, waited, other = site.time.run(go())

    assert isinstance(busy, HTTPStatusError)
    assert (busy.status, busy.retry_after) == (429, 120.0)
    assert type(later) is RetryLaterError and later.kind == "retry_later"
    assert (later.url, later.status, later.retry_after) == ("http://a.example/story", None, 120.0)
    assert str(later) == "not fetched: a.example asked us to wait (Retry-After), 120s to go"
    assert waited == 0  # refused at once, not after a wait
    assert other.body == ARTICLE
    assert [(visit.host, visit.path) for visit in site.visits] == [
        ("a.example", "/robots.txt"),
        ("a.example", "/busy"),
        ("b.example", "/robots.txt"),
        ("b.example", "/story"),
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


def test_a_retry_after_on_robots_txt_stops_the_page_too() -> None:
    site = served({"/robots.txt": Answer(503, b"", {"Retry-After": "60"})})

    [result] = site.fetch_all(["http://a.example/story"])

    assert isinstance(result, RetryLaterError) and "asked us to wait" in str(result)
    assert (result.url, result.retry_after) == ("http://a.example/story", 60.0)
    assert site.paths() == ["/robots.txt"]


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
    time = VirtualTime()
    limiter = HostLimiter(4, 2, 0, monotonic=time.monotonic, sleep=time.sleep)

    async def go() -> None:
        limiter.cool_down("news.example", 0.5)
        with pytest.raises(RetryLaterError, match="news.example asked us to wait") as caught:
            await limiter.acquire("news.example")
        assert caught.value.retry_after == 0.5
        await limiter.acquire("other.example")
        limiter.release("other.example")
        time.now += 0.25
        with pytest.raises(RetryLaterError) as caught:
            await limiter.acquire("news.example")
        assert caught.value.retry_after == 0.25
        time.now += 0.25
        await limiter.acquire("news.example")
        limiter.release("news.example")

    time.run(go())
