"""Sources: RSS and Atom feeds served on 127.0.0.1, polled into a real database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import update

from localsite import LocalSite, Request, Route
from redline.cli import cli
from redline.cli._base import Opener
from redline.config import FetchConfig, ScheduleConfig
from redline.errors import (
    ConfigError,
    ExtractionError,
    HTTPStatusError,
    InvalidURLError,
    NotFoundError,
)
from redline.fetch import Fetcher
from redline.model import ArticleStatus
from redline.sources import (
    FeedFetch,
    FeedResponse,
    PollOutcome,
    PollResult,
    add_source,
    cache_lifetime,
    fetcher_feed_fetch,
    next_poll_after_failure,
    parse_feed,
    poll_due_sources,
)
from redline.store import SourceStore, Store
from redline.store.tables import ArticleRow
from redlines import RedlineFactory

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SCHEDULE = ScheduleConfig()  # sources are polled every 10 minutes
FETCH = FetchConfig(timeout=2, allow_private_networks=True, per_host_delay=0, respect_robots=False)
RSS = "application/rss+xml"
ATOM = "application/atom+xml"


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS 2.0 feed of (title, link) items."""
    body = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link></item>"
        for title, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Gazette</title><link>https://gazette.example/</link>"
        f"<description>News</description>{body}</channel></rss>"
    ).encode()


def atom(*entries: tuple[str, str | None, str]) -> bytes:
    """An Atom feed of (title, link or None, id) entries."""
    body = "".join(
        f"<entry><title>{escape(title)}</title><id>{escape(entry_id)}</id>"
        + (f'<link rel="alternate" href="{escape(link)}"/>' if link else "")
        + "<updated>2026-11-01T08:00:00Z</updated></entry>"
        for title, link, entry_id in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Herald</title><id>urn:herald</id><updated>2026-11-01T08:00:00Z</updated>"
        f"{body}</feed>"
    ).encode()


def serve(site: LocalSite, path: str, body: bytes, content_type: str = RSS, **headers: str) -> str:
    site.routes[path] = Route(body, headers={"Content-Type": content_type, **headers})
    return site.url(path)


@pytest.fixture
def sources(store: Store) -> SourceStore:
    return SourceStore(store.engine)


def poll(sources: SourceStore, now: datetime, config: FetchConfig = FETCH) -> dict[str, PollResult]:
    """Poll the sources due at ``now`` over HTTP; the results by source name."""

    async def go() -> list[PollResult]:
        async with Fetcher(config) as fetcher:
            return await poll_due_sources(sources, fetcher_feed_fetch(fetcher), now, SCHEDULE)

    return {result.source: result for result in asyncio.run(go())}


def tracked(store: Store) -> dict[str, str | None]:
    """Each tracked article's URL and its source."""
    return {article.url: article.source for article in store.articles()}


# Discovery


def test_each_entry_becomes_one_article_across_polls(
    store: Store, sources: SourceStore, site: LocalSite
) -> None:
    stories = [("Bridge approved", "/news/bridge"), ("Flood warning", "/news/flood")]
    feed = serve(site, "/feed.xml", rss(*((t, site.url(p)) for t, p in stories)))
    add_source(sources, "gazette", feed, now=NOW)

    assert poll(sources, NOW) == {"gazette": PollResult("gazette", PollOutcome.NEW_ARTICLES, 2)}
    (article, _) = store.articles()
    assert (article.url, article.source) == (site.url("/news/bridge"), "gazette")
    assert (article.first_seen, article.next_check, article.status) == (
        NOW,
        NOW,
        ArticleStatus.ACTIVE,
    )
    polled = sources.source("gazette")
    assert (polled.last_polled, polled.next_poll) == (NOW, NOW + timedelta(minutes=10))
    assert (polled.article_count, polled.active_count, polled.last_error) == (2, 2, None)

    assert poll(sources, NOW + timedelta(minutes=9)) == {}  # not due yet
    later = NOW + timedelta(minutes=10)
    assert poll(sources, later)["gazette"] == PollResult("gazette", PollOutcome.UNCHANGED)

    retagged = site.url("/news/bridge?utm_source=rss&utm_medium=feed#top")
    serve(site, "/feed.xml", rss(("Bridge approved", retagged), ("Storm", site.url("/news/s"))))
    result = poll(sources, later + timedelta(minutes=10))["gazette"]
    assert (result.outcome, result.added) == (PollOutcome.NEW_ARTICLES, 1)
    assert len(store.articles()) == 3


def test_atom_links_resolve_and_an_http_id_stands_in_for_a_missing_link(
    store: Store, sources: SourceStore, site: LocalSite
) -> None:
    feed = serve(
        site,
        "/atom.xml",
        atom(
            ("Relative link", "/news/relative", "urn:uuid:1"),
            ("Only an id", None, "https://herald.example/news/by-id"),
            ("No usable link", None, "urn:uuid:3"),
            ("Not the web", "mailto:desk@herald.example", "tag:herald.example,2026:4"),
        ),
        ATOM,
    )
    add_source(sources, "herald", feed, now=NOW)
    assert poll(sources, NOW)["herald"].added == 2
    assert tracked(store) == {
        site.url("/news/relative"): "herald",
        "https://herald.example/news/by-id": "herald",
    }


def test_an_article_already_tracked_under_another_url_is_not_added_again(
    store: Store, sources: SourceStore, site: LocalSite
) -> None:
    store.add_article("https://gazette.example/a", source=None, now=NOW)
    with store.engine.begin() as connection:  # its fetches were redirected to /a-final
        connection.execute(update(ArticleRow).values(final_url="https://gazette.example/a-final"))
    listing = rss(
        ("A", "https://gazette.example/a?utm_campaign=feed"),
        ("A again", "https://gazette.example/a-final#comments"),
        ("B", "https://GAZETTE.example:443/b"),
    )
    add_source(sources, "gazette", serve(site, "/feed.xml", listing), now=NOW)
    add_source(sources, "syndicated", serve(site, "/copy.xml", listing), now=NOW)
    add_source(sources, "late", serve(site, "/late.xml", listing), now=NOW + timedelta(minutes=1))

    results = poll(sources, NOW)
    assert sorted(results) == ["gazette", "syndicated"]
    assert sum(result.added for result in results.values()) == 1
    assert poll(sources, NOW + timedelta(minutes=1))["late"].outcome is PollOutcome.UNCHANGED
    assert set(tracked(store)) == {"https://gazette.example/a", "https://gazette.example/b"}
    assert tracked(store)["https://gazette.example/a"] is None  # added by hand, kept so


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        (None, None, {"election", "budget-live", "cup", "storm", "minister"}),
        ("POLITICS", None, {"election", "budget-live", "minister"}),  # by URL
        ("warning", None, {"storm"}),  # by title
        (None, "SPORT", {"election", "budget-live", "storm"}),  # by URL and by title
        ("politics", "live", {"election", "minister"}),
    ],
)
def test_include_and_exclude_search_urls_and_titles_in_any_case(
    store: Store,
    sources: SourceStore,
    site: LocalSite,
    include: str | None,
    exclude: str | None,
    expected: set[str],
) -> None:
    items = [
        ("Election results", "/politics/election"),
        ("Budget vote LIVE", "/politics/budget-live"),
        ("Cup final", "/sport/cup"),
        ("Storm warning", "/news/storm"),
        ("Sport minister resigns", "/politics/minister"),
    ]
    feed = serve(site, "/feed.xml", rss(*((title, site.url(path)) for title, path in items)))
    add_source(sources, "gazette", feed, include, exclude, now=NOW)
    poll(sources, NOW)
    assert {url.rsplit("/", 1)[1] for url in tracked(store)} == expected


# Conditional requests and caching


def test_a_feed_is_fetched_conditionally_and_a_304_adds_nothing(
    store: Store, sources: SourceStore, site: LocalSite
) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Sun, 01 Nov 2026 08:00:00 GMT"}

    def feed(request: Request) -> Route:
        if request.headers.get("if-none-match") == '"v1"':
            return Route(b"", status=304, headers=validators)
        body = rss(("Bridge", site.url("/news/bridge")))
        return Route(body, headers={"Content-Type": RSS} | validators)

    site.routes["/feed.xml"] = feed
    add_source(sources, "gazette", site.url("/feed.xml"), now=NOW)
    assert poll(sources, NOW)["gazette"].outcome is PollOutcome.NEW_ARTICLES
    assert sources.source("gazette").etag == '"v1"'

    later = NOW + timedelta(minutes=10)
    assert poll(sources, later)["gazette"] == PollResult("gazette", PollOutcome.NOT_MODIFIED)
    first, second = site.requests
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == validators["Last-Modified"]
    assert "application/rss+xml" in second.headers["accept"]
    assert second.headers["user-agent"].startswith("redline/")
    polled = sources.source("gazette")
    assert (polled.etag, polled.next_poll, polled.article_count) == (
        '"v1"',
        later + timedelta(minutes=10),
        1,
    )


@pytest.mark.parametrize(
    ("cache_control", "wait"),
    [
        (None, timedelta(minutes=10)),
        ("max-age=60", timedelta(minutes=10)),  # never sooner than source_interval
        ("public, max-age=3600", timedelta(hours=1)),
        ("max-age=604800", timedelta(hours=6)),  # capped
        ("no-cache, max-age=3600", timedelta(minutes=10)),
    ],
)
def test_the_next_poll_follows_the_feeds_max_age(
    sources: SourceStore, site: LocalSite, cache_control: str | None, wait: timedelta
) -> None:
    headers = {} if cache_control is None else {"Cache-Control": cache_control}
    add_source(sources, "gazette", serve(site, "/feed.xml", rss(), **headers), now=NOW)
    assert poll(sources, NOW)["gazette"].outcome is PollOutcome.UNCHANGED
    assert sources.source("gazette").next_poll == NOW + wait


@pytest.mark.parametrize(
    ("headers", "lifetime"),
    [
        ({}, None),
        ({"cache-control": "max-age=3600"}, timedelta(hours=1)),
        ({"cache-control": "s-maxage=3600"}, None),
        ({"cache-control": "max-age=3600", "age": "600"}, timedelta(minutes=50)),
        ({"cache-control": "max-age=60", "age": "600"}, timedelta(0)),
        ({"cache-control": "no-store"}, None),
        (
            {"expires": "Sun, 01 Nov 2026 11:00:00 GMT", "date": "Sun, 01 Nov 2026 09:00:00 GMT"},
            timedelta(hours=2),
        ),
        ({"expires": "0", "date": "Sun, 01 Nov 2026 09:00:00 GMT"}, None),
        ({"expires": "Sun, 01 Nov 2026 11:00:00 GMT"}, None),  # no Date to measure from
    ],
)
def test_cache_lifetime(headers: dict[str, str], lifetime: timedelta | None) -> None:
    assert cache_lifetime(headers) == lifetime


# Failures


@pytest.mark.parametrize(
    ("route", "config", "error"),
    [
        (Route(b"oops", status=500), FETCH, "HTTP 500"),
        (Route(b"gone", status=404), FETCH, "HTTP 404"),
        (
            Route(b"<!DOCTYPE html><html><body><p>Front page</p></body></html>"),
            FETCH,
            "not an RSS or Atom feed (served as text/html)",
        ),
        (Route(b"\x00\xffgarbage", headers={"Content-Type": RSS}), FETCH, "not a well-formed"),
        (Route(rss(("A", "https://a.example/a"))), replace(FETCH, max_bytes=100), "max_bytes"),
        (Route(rss(), delay=2), replace(FETCH, timeout=0.2), "timed out after 0.2s"),
    ],
    ids=["500", "404", "html", "garbage", "too-large", "timeout"],
)
def test_a_broken_feed_is_recorded_and_backs_off_without_raising(
    sources: SourceStore, site: LocalSite, route: Route, config: FetchConfig, error: str
) -> None:
    site.routes["/feed.xml"] = route
    add_source(sources, "gazette", site.url("/feed.xml"), now=NOW)
    result = poll(sources, NOW, config)["gazette"]
    assert (result.outcome, result.added) == (PollOutcome.ERROR, 0)
    assert result.error is not None and error in result.error
    failed = sources.source("gazette")
    assert (failed.consecutive_failures, failed.last_error) == (1, result.error)
    assert failed.next_poll == NOW + timedelta(minutes=20)


def test_failures_back_off_doubling_to_a_day_and_a_success_resets(
    sources: SourceStore, site: LocalSite
) -> None:
    site.routes["/feed.xml"] = Route(b"oops", status=503)
    add_source(sources, "gazette", site.url("/feed.xml"), now=NOW)
    now, waits = NOW, []
    for _ in range(9):
        assert poll(sources, now)["gazette"].outcome is PollOutcome.ERROR
        next_poll = sources.source("gazette").next_poll
        assert next_poll is not None
        waits.append((next_poll - now) / timedelta(minutes=10))
        now = next_poll
    assert waits == [2, 4, 8, 16, 32, 64, 128, 144, 144]  # 144 × 10 minutes is a day

    serve(site, "/feed.xml", rss())
    assert poll(sources, now)["gazette"].outcome is PollOutcome.UNCHANGED
    recovered = sources.source("gazette")
    assert (recovered.consecutive_failures, recovered.last_error) == (0, None)
    assert recovered.next_poll == now + timedelta(minutes=10)


def test_the_backoff_never_overflows() -> None:
    assert next_poll_after_failure(NOW, SCHEDULE, 10_000) == NOW + timedelta(days=1)
    weekly = ScheduleConfig(source_interval=timedelta(weeks=1))
    assert next_poll_after_failure(NOW, weekly, 10_000) == NOW + timedelta(weeks=1)


def test_a_bug_in_one_feed_does_not_stop_the_others(sources: SourceStore) -> None:
    async def fetch(url: str, etag: str | None, last_modified: str | None) -> FeedResponse:
        if "broken" in url:
            raise RuntimeError("adapter bug")
        body = rss(("Story", "https://fine.example/story"))
        return FeedResponse(url, 200, body, RSS, None, None, None)

    add_source(sources, "broken", "https://broken.example/feed", now=NOW)
    add_source(sources, "fine", "https://fine.example/feed", now=NOW)
    feed_fetch: FeedFetch = fetch
    results = asyncio.run(poll_due_sources(sources, feed_fetch, NOW, SCHEDULE))
    assert results == [
        PollResult("broken", PollOutcome.ERROR, error="RuntimeError: adapter bug"),
        PollResult("fine", PollOutcome.NEW_ARTICLES, 1),
    ]


def test_a_failed_poll_waits_as_long_as_the_site_asked(sources: SourceStore) -> None:
    async def fetch(url: str, etag: str | None, last_modified: str | None) -> FeedResponse:
        refused = HTTPStatusError("HTTP 429 Too Many Requests", status=429)
        refused.retry_after = 7200  # as the Fetcher says it
        raise refused

    add_source(sources, "gazette", "https://gazette.example/feed.xml", now=NOW)
    (result,) = asyncio.run(poll_due_sources(sources, fetch, NOW, SCHEDULE))
    assert result.error == "HTTP 429 Too Many Requests"
    assert sources.source("gazette").next_poll == NOW + timedelta(hours=2)


def test_a_claimed_source_is_not_due_again_until_its_lease_ends(sources: SourceStore) -> None:
    add_source(sources, "gazette", "https://gazette.example/feed.xml", now=NOW)
    lease = timedelta(minutes=15)
    assert [claimed.name for claimed in sources.claim_due(NOW, lease)] == ["gazette"]
    assert sources.claim_due(NOW + timedelta(minutes=14), lease) == []
    assert len(sources.claim_due(NOW + lease, lease)) == 1


# Feeds, pure


def test_parse_feed_reads_rss_and_atom_and_keeps_each_url_once() -> None:
    body = rss(("One", "/a"), ("One again", "https://news.example/a#more"), ("Two", "/b"))
    entries = parse_feed(body, base_url="https://news.example/feed.xml", content_type=RSS)
    assert [(e.url, e.title) for e in entries] == [
        ("https://news.example/a", "One"),
        ("https://news.example/b", "Two"),
    ]
    (entry,) = parse_feed(
        atom(("T", "https://h.example/x", "urn:1")), base_url="https://h.example/"
    )
    assert entry.url == "https://h.example/x"


def test_parse_feed_accepts_an_empty_feed_and_refuses_what_is_not_one() -> None:
    assert parse_feed(rss(), base_url="https://news.example/feed.xml") == ()
    with pytest.raises(ExtractionError, match="not an RSS or Atom feed"):
        parse_feed(b"", base_url="https://news.example/feed.xml")


def test_parse_feed_never_reads_a_local_file_named_by_the_body(tmp_path: Path) -> None:
    local = tmp_path / "secret.xml"
    local.write_bytes(rss(("Secret", "https://secret.example/")))
    with pytest.raises(ExtractionError):
        parse_feed(str(local).encode(), base_url="https://news.example/feed.xml")


def test_entries_with_overlong_urls_are_skipped() -> None:
    long_url = "https://news.example/" + "a" * 2100
    body = rss(("Long", long_url), ("Short", "https://news.example/short"))
    entries = parse_feed(body, base_url="https://news.example/feed.xml")
    assert [entry.url for entry in entries] == ["https://news.example/short"]


# Adding and removing sources


@pytest.mark.parametrize(
    ("name", "feed_url", "include", "exclude", "error", "message"),
    [
        ("", "https://g.example/feed", None, None, ConfigError, "needs a name"),
        ("   ", "https://g.example/feed", None, None, ConfigError, "needs a name"),
        ("a\tb", "https://g.example/feed", None, None, ConfigError, "control characters"),
        ("x" * 201, "https://g.example/feed", None, None, ConfigError, "at most 200"),
        ("g", "ftp://g.example/feed", None, None, InvalidURLError, "only http and https"),
        ("g", "g.example/feed", None, None, InvalidURLError, "not a valid URL"),
        ("g", "https://g.example/feed", "(", None, ConfigError, "invalid include regular"),
        ("g", "https://g.example/feed", None, "[a-", ConfigError, "invalid exclude regular"),
    ],
)
def test_bad_source_settings_are_refused(
    sources: SourceStore,
    name: str,
    feed_url: str,
    include: str | None,
    exclude: str | None,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        add_source(sources, name, feed_url, include, exclude, now=NOW)
    assert sources.sources() == []


def test_adding_a_source_again(sources: SourceStore) -> None:
    feed = "https://gazette.example/feed.xml"
    added, created = add_source(sources, " The Gazette ", feed, "politics", now=NOW)
    assert created and (added.name, added.include, added.exclude) == (
        "The Gazette",
        "politics",
        None,
    )
    again = add_source(
        sources, "The Gazette", "HTTPS://gazette.example/feed.xml#x", "politics", "", now=NOW
    )
    assert again == (added, False)
    with pytest.raises(ConfigError, match=f"already exists with feed {feed};"):
        add_source(sources, "The Gazette", "https://gazette.example/other.xml", now=NOW)
    with pytest.raises(ConfigError, match="with include 'politics' and exclude \\(none\\)"):
        add_source(sources, "The Gazette", feed, now=NOW)
    assert sources.sources() == [added]


def test_removing_a_source_keeps_its_articles(store: Store, sources: SourceStore) -> None:
    add_source(sources, "gazette", "https://gazette.example/feed.xml", now=NOW)
    store.add_article("https://gazette.example/a", source="gazette", now=NOW)
    removed = sources.remove("gazette")
    assert (removed.name, removed.article_count, removed.active_count) == ("gazette", 1, 1)
    assert tracked(store) == {"https://gazette.example/a": "gazette"}
    with pytest.raises(NotFoundError, match="no source named 'gazette'"):
        sources.remove("gazette")
    recorded = sources.record_success(
        "gazette",
        polled_at=NOW,
        next_poll=NOW,
        etag=None,
        last_modified=None,
        urls=["https://gazette.example/b"],
    )
    assert recorded == 0 and len(store.articles()) == 1  # a poll that ended after the removal


# The commands


@pytest.fixture
def run(make_redline: RedlineFactory) -> Callable[..., Result]:
    """The ``redline source`` command over the test's database, its clock stopped at NOW."""
    redline = make_redline(clock=lambda: NOW)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["source", *args], obj=Opener(None, None, redline=redline))

    return invoke


def test_source_add_list_and_remove_commands(run: Callable[..., Result], store: Store) -> None:
    assert run("list").output == "no sources; add one with: redline source add NAME FEED_URL\n"
    feed = "https://gazette.example/feed.xml"
    added = run("add", "gazette", feed, "--exclude", "/sport/")
    assert (added.exit_code, added.output) == (0, f"added source gazette: {feed}\n")
    assert run("add", "gazette", feed, "--exclude", "/sport/").output == (
        f"source gazette already added: {feed}\n"
    )
    store.add_article("https://gazette.example/a", source="gazette", now=NOW)

    (listed,) = json.loads(run("list", "--json").stdout)
    assert listed == {
        "name": "gazette",
        "feed_url": feed,
        "include": None,
        "exclude": "/sport/",
        "added_at": NOW.isoformat(),
        "last_polled": None,
        "next_poll": NOW.isoformat(),
        "consecutive_failures": 0,
        "last_error": None,
        "articles": 1,
        "active": 1,
    }
    assert run("list").output == (
        f"gazette: {feed} (exclude '/sport/')\n"
        "    1 article(s), 1 active; last polled never, next poll 2026-11-01 09:00 UTC;"
        " not polled yet\n"
    )

    removed = run("remove", "gazette")
    assert removed.output == "removed source gazette; its 1 article(s) stay tracked\n"
    assert json.loads(run("list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "gazette", "file:///etc/passwd"), "unsupported URL scheme 'file'"),
        (("add", "gazette", "https://g.example/feed", "--include", "("), "invalid include"),
        (("remove", "nobody"), "no source named 'nobody'"),
    ],
)
def test_source_commands_fail_in_one_line_with_status_2(
    run: Callable[..., Result], args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("redline: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_source_remove_help_says_the_articles_stay(run: Callable[..., Result]) -> None:
    assert "Its articles stay tracked." in run("remove", "--help").output
