"""Poison pills: one bad URL, redirect, response or row must not end a pass or the service.

Each used to crash every pass (the article was never recorded, so stayed due
and crashed the next pass too). Now a bad URL is refused where it enters, and
whatever still goes wrong checking one article is that article's recorded,
backed-off ``error`` outcome.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime

import httpx
import pytest

from handclock import Clock
from localsite import LocalSite, Route
from mocksite import PUBLIC_ADDRESS, MockSite
from redline import CheckOutcome, Config, FetchConfig, Redline
from redline.errors import BlockedAddressError, ErrorKind, FetchError, InvalidURLError
from redline.fetch import Fetcher
from redline.model import CheckResult, Observation, utc_now
from redline.service import run_service
from redline.store import Store
from redlines import RedlineFactory

STORY = (
    "<!DOCTYPE html><html><head><title>Harbour reopens</title></head><body><article>"
    "<h1>Harbour reopens</h1>"
    + "".join(
        f"<p>The harbour reopened on day {n} after the storm, officials said.</p>" for n in range(8)
    )
    + "</article></body></html>"
)
POISON_URLS = [
    "http://a..b/",
    f"http://{'a' * 64}.example/",
    "http://xn--zz.example/",
    "http://news.example:70000/",
    "http://0177.0.0.1/",
    "http://0x7f.1/",
    "http://2130706433/",
    "https://news.example/" + "x" * 2048,
]


@pytest.mark.parametrize("url", POISON_URLS)
def test_add_refuses_what_the_fetcher_could_not_request(redline: Redline, url: str) -> None:
    with pytest.raises(InvalidURLError, match="^not a valid URL: "):
        redline.add(["https://news.example/fine", url])

    assert redline.articles() == []  # one bad URL adds none


def test_the_longest_url_is_kept_on_both_databases(redline: Redline) -> None:
    longest = "https://news.example/" + "x" * (2048 - len("https://news.example/"))

    ((article, new),) = redline.add([longest])

    assert new and redline.article(longest).url == longest == article.url


def stored_earlier(store: Store, urls: list[str], now: datetime) -> None:
    """Track ``urls`` as a redline before this validation did: unchecked, straight in."""
    for url in urls:
        store.add_article(url, source=None, now=now)


def test_a_poison_url_tracked_earlier_is_a_backed_off_error_and_the_pass_goes_on(
    make_redline: RedlineFactory, mocksite: MockSite, clock: Clock
) -> None:
    redline = make_redline(over=mocksite)
    mocksite.page("/story", STORY)
    stored_earlier(redline.store, POISON_URLS[:-1], clock.now)  # the long one fits no column
    redline.add([mocksite.url("/story")])

    results = {result.url: result for result in redline.check().results}

    assert results[mocksite.url("/story")].outcome is CheckOutcome.NEW_VERSION
    for article in redline.articles():
        if article.url in POISON_URLS:
            result = results[article.url]
            assert (result.outcome, result.error_kind) == (
                CheckOutcome.ERROR,
                ErrorKind.INVALID_URL,
            )
            assert article.next_check is not None and article.next_check > clock.now  # backed off
            assert len(redline.checks(article.id)) == 1
    assert redline.check().results == ()  # none is due again at once


REDIRECTS = {
    "/to-a-big-port": "https://news.example:70000/story",
    "/to-an-empty-label": "http://a..b/story",
    "/to-bad-punycode": "http://xn--zz.example/story",
    "/to-an-octal-address": "http://0177.0.0.1/story",
    "/to-a-long-url": "/" + "x" * 2100,
    "/to-another-scheme": "gopher://news.example/story",
    "/to-a-bad-ipv6-literal": "http://[::1/story",
}


def test_a_redirect_to_a_url_redline_would_not_fetch_is_a_redirect_error(
    make_redline: RedlineFactory, mocksite: MockSite
) -> None:
    redline = make_redline(over=mocksite)
    for path, location in REDIRECTS.items():
        mocksite.routes[path] = Route(status=302, headers={"Location": location})
    redline.add([mocksite.url(path) for path in REDIRECTS])

    results = redline.check().results

    assert len(results) == len(REDIRECTS)
    for result in results:
        assert (result.outcome, result.error_kind) == (CheckOutcome.ERROR, ErrorKind.REDIRECT)
        assert result.error and result.error.startswith("refusing to follow a redirect: ")
    requested = {request.path for request in mocksite.requests} - {"/robots.txt"}
    assert requested == set(REDIRECTS)  # no redirect was followed


def test_a_redirect_to_a_port_past_65535_over_the_network_is_a_redirect_error(
    redline: Redline, site: LocalSite
) -> None:
    """It crashed the pass: OverflowError from the socket, as an ExceptionGroup."""
    site.routes["/story"] = Route(status=301, headers={"Location": "http://127.0.0.1:70000/"})
    redline.add([site.url("/story")])

    (result,) = redline.check().results

    assert (result.outcome, result.error_kind) == (CheckOutcome.ERROR, ErrorKind.REDIRECT)


# --- the Fetcher lets only FetchErrors out ---------------------------------------------


@pytest.mark.parametrize(
    ("raised", "kind"),
    [
        (OverflowError("connect(): port must be 0-65535."), "fetch"),
        (ExceptionGroup("unhandled errors in a TaskGroup", [OverflowError("port")]), "fetch"),
        (UnicodeError("label empty or too long"), "fetch"),
        (ValueError("bad value"), "fetch"),
        (KeyError("h11 state"), "fetch"),
        (ExceptionGroup("task group", [TimeoutError()]), "timeout"),
        (ExceptionGroup("task group", [BlockedAddressError("refusing")]), "blocked_address"),
    ],
)
def test_whatever_the_transport_raises_leaves_the_fetcher_as_a_fetch_error(
    raised: Exception, kind: str
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise raised

    async def public(host: str) -> list[str]:
        return [PUBLIC_ADDRESS]

    async def go() -> None:
        config = FetchConfig(per_host_delay=0, respect_robots=False)
        async with Fetcher(config, transport=httpx.MockTransport(fail), resolver=public) as f:
            await f.fetch("https://news.example/story")

    with pytest.raises(FetchError) as caught:
        asyncio.run(go())

    assert caught.value.kind == kind
    assert caught.value.url == "https://news.example/story"
    assert "\n" not in str(caught.value)


def test_validators_too_long_to_keep_are_not_kept(
    make_redline: RedlineFactory, mocksite: MockSite
) -> None:
    """A 2,000-character ETag failed to record on PostgreSQL (its column holds 1,024)."""
    redline = make_redline(over=mocksite)
    mocksite.page("/story", STORY, ETag='"' + "e" * 2000 + '"', Last_Modified="x" * 200)
    redline.add([mocksite.url("/story")])

    (result,) = redline.check().results

    assert result.outcome is CheckOutcome.NEW_VERSION
    article = redline.article(result.article_id)
    assert (article.etag, article.last_modified) == (None, None)


# --- the pass: anything while checking one article is its recorded error -----------------


@pytest.fixture
def two_stories(make_redline: RedlineFactory, mocksite: MockSite) -> Redline:
    """A Redline over the mock site, tracking /bad and /good, both serving a story."""
    redline = make_redline(over=mocksite)
    mocksite.page("/bad", STORY)
    mocksite.page("/good", STORY.replace("Harbour", "Bridge"))
    redline.add([mocksite.url("/bad"), mocksite.url("/good")])
    return redline


def by_path(results: tuple[CheckResult, ...]) -> dict[str, CheckResult]:
    return {result.url.rsplit("/", 1)[1]: result for result in results}


def test_an_unexpected_exception_fetching_is_an_internal_error_backed_off(
    two_stories: Redline, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    fetch = Fetcher.fetch

    async def broken(self: Fetcher, url: str, **validators: str | None) -> object:
        if url.endswith("/bad"):
            raise KeyError("a bug")
        return await fetch(self, url, **validators)

    monkeypatch.setattr(Fetcher, "fetch", broken)

    results = by_path(two_stories.check().results)

    assert results["good"].outcome is CheckOutcome.NEW_VERSION
    bad = results["bad"]
    assert (bad.outcome, bad.error_kind) == (CheckOutcome.ERROR, ErrorKind.INTERNAL)
    assert bad.error == "checking failed: KeyError: 'a bug'"
    (logged,) = two_stories.checks(bad.article_id)
    assert (logged.outcome, logged.error_kind) == (CheckOutcome.ERROR, ErrorKind.INTERNAL)
    next_check = two_stories.article(bad.article_id).next_check
    assert next_check is not None and next_check > clock.now


def failing_records(
    monkeypatch: pytest.MonkeyPatch, fails: Callable[[str, Observation], bool]
) -> None:
    """Make Store.record_check raise where ``fails(url, seen)``, as a refusing database would."""
    record = Store.record_check

    def record_check(self: Store, article_id: int, seen: Observation, *args: object) -> object:
        if fails(self.article(article_id).url, seen):
            raise ValueError("A string literal cannot contain NUL (0x00) characters.\nSQL: ...")
        return record(self, article_id, seen, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "record_check", record_check)


def test_a_check_that_cannot_be_recorded_is_recorded_as_a_bare_error(
    two_stories: Redline, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_records(monkeypatch, lambda url, seen: url.endswith("/bad") and seen.error is None)

    results = by_path(two_stories.check().results)

    assert results["good"].outcome is CheckOutcome.NEW_VERSION
    bad = results["bad"]
    assert (bad.outcome, bad.error_kind) == (CheckOutcome.ERROR, ErrorKind.INTERNAL)
    assert bad.error == (
        "recording the check failed: ValueError: A string literal cannot contain NUL"
        " (0x00) characters."
    )
    assert two_stories.versions(bad.article_id) == []
    assert [c.error for c in two_stories.checks(bad.article_id)] == [bad.error]


def test_when_nothing_can_be_recorded_it_is_logged_and_the_pass_goes_on(
    two_stories: Redline, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failing_records(monkeypatch, lambda url, seen: url.endswith("/bad"))

    with caplog.at_level(logging.ERROR, logger="redline"):
        results = by_path(two_stories.check().results)

    assert list(results) == ["good"]
    bad = next(a for a in two_stories.articles() if a.url.endswith("/bad"))
    assert two_stories.checks(bad.id) == []
    assert f"could not record the check of {bad.url}: A string literal" in caplog.text


# --- feeds and the service -------------------------------------------------------------


def test_feed_entries_with_urls_redline_would_not_fetch_are_skipped(
    make_redline: RedlineFactory, mocksite: MockSite
) -> None:
    redline = make_redline(over=mocksite)
    links = [*POISON_URLS, "https://news.example/fine", "gopher://news.example/x"]
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    )
    mocksite.routes["/feed"] = Route(feed.encode(), headers={"Content-Type": "application/rss+xml"})
    redline.add_source("gazette", mocksite.url("/feed"))

    (polled,) = redline.poll_sources()

    assert (polled.outcome.value, polled.added) == ("new_articles", 1)
    assert [article.url for article in redline.articles()] == ["https://news.example/fine"]


def test_the_service_logs_a_failing_pass_and_goes_on(
    make_redline: RedlineFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    redline = make_redline(Config(), clock=utc_now)  # the scheduler runs on the wall clock
    stop, calls = threading.Event(), []

    def broken_check(**options: object) -> None:
        calls.append(options)
        if len(calls) == 2:  # the service went on after the first: enough
            stop.set()
        raise RuntimeError("a bug in the pass")

    monkeypatch.setattr(redline, "check", broken_check)

    with caplog.at_level(logging.ERROR, logger="redline.service"):
        run_service(redline, stop, tick=0.01)

    assert len(calls) >= 2
    assert "check pass failed: RuntimeError: a bug in the pass" in caplog.text
    assert "Traceback" not in caplog.text
