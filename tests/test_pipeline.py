"""The whole pipeline through the library facade, against pages served in the test.

The tests marked ``ON_BOTH_SITES`` run twice: against the server on 127.0.0.1
(the address guard off, as it must be to reach it), and against the same pages
under public names on httpx.MockTransport, with the address guard on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import os
from collections.abc import Iterator
from datetime import timedelta

import feedparser
import pytest
from click.testing import CliRunner

from handclock import Clock
from localsite import LocalSite, Request, Route
from mocksite import PUBLIC_ADDRESS, MockSite, Site
from redline import BlockedAddressError, CheckOutcome, Config, Redline
from redline.cli import cli
from redline.demo import FIRST_EDITION, Story, render_page
from redlines import RedlineFactory

STORY = FIRST_EDITION[0]

ON_BOTH_SITES = pytest.mark.parametrize("site", ["loopback", "public"], indirect=True)


@pytest.fixture
def redline(make_redline: RedlineFactory, site: Site) -> Redline:
    """A Redline reaching the test's site: the guard off for 127.0.0.1, on for the public one."""
    return make_redline(over=site if isinstance(site, MockSite) else None)


class Newsroom:
    """Serves one story at a path; every request renders fresh site chrome around it."""

    def __init__(self, site: Site, story: Story, path: str = "/news/story") -> None:
        self.story, self.path, self.site = story, path, site
        self._renders = itertools.count(1)
        site.routes[path] = self._render

    @property
    def url(self) -> str:
        return self.site.url(self.path)

    def edit(self, **changes: object) -> None:
        self.story = dataclasses.replace(self.story, **changes)  # type: ignore[arg-type]

    def _render(self, request: Request) -> Route:
        page = render_page(self.story, FIRST_EDITION, next(self._renders))
        return Route(page.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


@pytest.fixture
def newsroom(site: Site) -> Newsroom:
    return Newsroom(site, STORY)


def check_once(redline: Redline, clock: Clock) -> CheckOutcome:
    clock.advance(days=1)
    (result,) = redline.check(all_active=True).results
    return result.outcome


@ON_BOTH_SITES
def test_noise_only_rerenders_give_no_new_version(
    redline: Redline, newsroom: Newsroom, clock: Clock
) -> None:
    redline.add([newsroom.url])
    outcomes = [check_once(redline, clock) for _ in range(6)]
    assert outcomes == [CheckOutcome.NEW_VERSION] + [CheckOutcome.UNCHANGED] * 5
    (version,) = redline.versions(newsroom.url)
    assert version.title == STORY.headline
    assert version.paragraphs == STORY.paragraphs
    assert version.byline is not None and "Maria Okafor" in version.byline


@ON_BOTH_SITES
def test_a_headline_only_edit_is_one_version_with_only_the_headline_changed(
    redline: Redline, newsroom: Newsroom, clock: Clock
) -> None:
    redline.add([newsroom.url])
    check_once(redline, clock)
    newsroom.edit(headline="Council approves £410m harbour bridge after decade of debate")
    assert check_once(redline, clock) is CheckOutcome.NEW_VERSION
    assert check_once(redline, clock) is CheckOutcome.UNCHANGED
    old, new, changes = redline.diff(newsroom.url)
    assert (old.number, new.number) == (0, 1)
    assert {op.op for op in changes.body} == {"equal"}
    assert [(op.op, op.text.strip()) for op in changes.title if op.op != "equal"] == [
        ("delete", "new"),
        ("insert", "£410m"),
    ]


@ON_BOTH_SITES
def test_a_one_word_fix_shows_just_that_word(
    redline: Redline, newsroom: Newsroom, clock: Clock
) -> None:
    redline.add([newsroom.url])
    check_once(redline, clock)
    fixed = STORY.paragraphs[1].replace("410 million", "420 million")
    newsroom.edit(paragraphs=(STORY.paragraphs[0], fixed, STORY.paragraphs[2]))
    assert check_once(redline, clock) is CheckOutcome.NEW_VERSION
    _, _, changes = redline.diff(newsroom.url)
    changed = [(op.op, op.text.strip()) for op in changes.body if op.op != "equal"]
    assert changed == [("delete", "410"), ("insert", "420")]
    assert [op.op for op in changes.title] == ["equal"]


@ON_BOTH_SITES
@pytest.mark.parametrize("edit", ["added", "removed"])
def test_an_added_or_removed_paragraph_shows_as_that_paragraph(
    redline: Redline, newsroom: Newsroom, clock: Clock, edit: str
) -> None:
    extra = "A public consultation on the design will open in the spring."
    if edit == "removed":
        newsroom.edit(paragraphs=(*STORY.paragraphs, extra))
    redline.add([newsroom.url])
    check_once(redline, clock)
    newsroom.edit(paragraphs=STORY.paragraphs if edit == "removed" else (*STORY.paragraphs, extra))
    assert check_once(redline, clock) is CheckOutcome.NEW_VERSION
    _, _, changes = redline.diff(newsroom.url)
    changed = [(op.op, op.text.strip()) for op in changes.body if op.op != "equal"]
    assert changed == [("insert" if edit == "added" else "delete", extra)]


@ON_BOTH_SITES
def test_the_feed_has_one_item_per_change(
    redline: Redline, newsroom: Newsroom, clock: Clock
) -> None:
    redline.add([newsroom.url])
    check_once(redline, clock)
    for number in (2, 3):
        newsroom.edit(headline=f"{STORY.headline} (update {number})")
        check_once(redline, clock)
        check_once(redline, clock)
    feed = feedparser.parse(redline.feed(newsroom.url))
    assert not feed.bozo
    assert len(feed.entries) == 2
    assert "update 3" in feed.entries[0].title
    seen = [v.seen_at for v in redline.versions(newsroom.url)]
    assert feed.entries[0].published_parsed[:6] == seen[2].timetuple()[:6]
    assert "update" in feed.entries[0].description


@ON_BOTH_SITES
def test_conditional_requests_send_back_the_validators(
    redline: Redline, site: Site, clock: Clock
) -> None:
    page = render_page(STORY, FIRST_EDITION, 1).encode()

    def answer(request: Request) -> Route:
        if request.headers.get("if-none-match") == '"v1"':
            return Route(b"", status=304, headers={"ETag": '"v1"'})
        headers = {
            "Content-Type": "text/html",
            "ETag": '"v1"',
            "Last-Modified": "Sun, 01 Nov 2026 08:00:00 GMT",
        }
        return Route(page, headers=headers)

    site.routes["/etag"] = answer
    redline.add([site.url("/etag")])
    assert check_once(redline, clock) is CheckOutcome.NEW_VERSION
    assert check_once(redline, clock) is CheckOutcome.NOT_MODIFIED
    sent = site.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Sun, 01 Nov 2026 08:00:00 GMT"
    article = redline.article(site.url("/etag"))
    assert article.version_count == 1 and article.etag == '"v1"'


def _stream(total: int) -> Route:
    def chunks() -> Iterator[bytes]:
        chunk = b"<p>" + b"x" * 65536 + b"</p>"
        for _ in range(total // len(chunk) + 1):
            yield chunk

    return Route(chunks)


BAD_PAGES = {
    "pdf": Route(b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"}),
    "image": Route(b"\x89PNG\r\n\x1a\n....", headers={"Content-Type": "image/png"}),
    "404": Route(b"<h1>Not found</h1>", status=404),
    "410": Route(b"<h1>Gone</h1>", status=410),
    "500": Route(b"<h1>Oops</h1>", status=500),
    "redirect-loop": Route(status=302, headers={"Location": "/bad/redirect-loop"}),
    "empty": Route(b""),
    "random-bytes": Route(os.urandom(20000), headers={"Content-Type": "text/html"}),
    "links-only": Route(
        b"<html><body><ul>"
        + b"".join(b'<li><a href="/n/%d">Story number %d</a></li>' % (i, i) for i in range(40))
        + b"</ul></body></html>"
    ),
    "huge": _stream(60_000_000),
    "never-answers": Route(b"<p>late</p>", delay=30),
}

EXPECTED_ERRORS = {
    "pdf": "application/pdf",
    "image": "image/png",
    "404": "404",
    "410": "410",
    "500": "500",
    "redirect-loop": "redirect",
    "empty": "empty",
    "random-bytes": "article",
    "links-only": "article",
    "huge": "max_bytes",
    "never-answers": "timed out",
}


# A page that never answers waits out the time limit: only on 127.0.0.1, where it is 2s.
BAD_PAGES_AND_SITES = [
    pytest.param(kind, site, id=f"{kind}-{site}")
    for kind in sorted(BAD_PAGES)
    for site in ("loopback", "public")
    if (kind, site) != ("never-answers", "public")
]


@pytest.mark.parametrize(("kind", "site"), BAD_PAGES_AND_SITES, indirect=["site"])
def test_a_bad_page_is_a_recorded_error_and_leaves_the_versions_alone(
    redline: Redline, newsroom: Newsroom, site: Site, clock: Clock, kind: str
) -> None:
    redline.add([newsroom.url])
    check_once(redline, clock)
    before = redline.versions(newsroom.url)
    site.routes[newsroom.path] = BAD_PAGES[kind]
    if kind == "redirect-loop":
        site.routes["/bad/redirect-loop"] = Route(status=302, headers={"Location": newsroom.path})
    clock.advance(days=1)
    (result,) = redline.check(all_active=True).results
    assert result.outcome is CheckOutcome.ERROR
    assert result.error is not None and "\n" not in result.error
    assert EXPECTED_ERRORS[kind].lower() in result.error.lower()
    assert redline.versions(newsroom.url) == before
    article = redline.article(newsroom.url)
    assert article.consecutive_failures == 1 and article.next_check is not None
    assert article.next_check > clock.now


def test_a_private_address_is_refused_without_the_setting(
    make_redline: RedlineFactory, newsroom: Newsroom, site: Site
) -> None:
    make_redline().add([newsroom.url])  # added with the guard off: checked with it on
    guarded = make_redline(Config())
    (result,) = guarded.check().results
    assert result.outcome is CheckOutcome.ERROR
    assert result.error is not None and "allow_private_networks" in result.error
    assert site.requests == []


@ON_BOTH_SITES
def test_one_failing_article_does_not_stop_the_others(
    redline: Redline, newsroom: Newsroom, site: Site, clock: Clock
) -> None:
    site.routes["/gone"] = Route(b"gone", status=410)
    redline.add([site.url("/gone"), newsroom.url])
    summary = redline.check()
    assert sorted(r.outcome.value for r in summary.results) == ["error", "new_version"]


@ON_BOTH_SITES
def test_only_due_articles_are_checked_unless_asked(
    redline: Redline, newsroom: Newsroom, site: Site, clock: Clock
) -> None:
    redline.add([newsroom.url])
    assert len(redline.check().results) == 1
    assert redline.check().results == ()
    assert len(redline.check([newsroom.url]).results) == 1
    assert len(redline.check(all_active=True).results) == 1
    clock.advance(minutes=43)  # unchanged twice since the change: due 30m x 1.2^2 = 43.2m later
    assert redline.check().results == ()
    clock.advance(minutes=1)
    assert len(redline.check().results) == 1


@ON_BOTH_SITES
def test_redirects_are_followed_and_the_final_url_recorded(
    redline: Redline, newsroom: Newsroom, site: Site, clock: Clock
) -> None:
    site.routes["/short"] = Route(status=301, headers={"Location": newsroom.path})
    redline.add([site.url("/short")])
    assert check_once(redline, clock) is CheckOutcome.NEW_VERSION
    article = redline.article(site.url("/short"))
    assert article.final_url == newsroom.url
    assert redline.article(newsroom.url).id == article.id


def test_a_bug_in_extraction_is_a_recorded_error_not_a_crash(
    redline: Redline, newsroom: Newsroom, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr("redline.workers.extract_article", broken)
    redline.add([newsroom.url])
    (result,) = redline.check().results
    assert result.outcome is CheckOutcome.ERROR
    assert result.error == "extraction failed: RuntimeError: parser exploded"
    assert redline.versions(newsroom.url) == []
    assert redline.article(newsroom.url).etag is None


@ON_BOTH_SITES
def test_an_article_reached_under_a_second_url_stays_one_article(
    redline: Redline, newsroom: Newsroom, site: Site, clock: Clock
) -> None:
    redline.add([newsroom.url])
    check_once(redline, clock)
    site.routes["/short"] = Route(status=301, headers={"Location": newsroom.path})
    canonical = f'<link rel="canonical" href="{newsroom.path}">'
    amp = render_page(STORY, FIRST_EDITION, 9).replace("<head>", f"<head>{canonical}")
    site.page("/amp/story", amp)
    redline.add([site.url("/short"), site.url("/amp/story")])
    results = redline.check().results
    assert {(r.article_id, r.outcome) for r in results} == {(1, CheckOutcome.UNCHANGED)}
    assert [a.url for a in redline.articles()] == [newsroom.url]
    assert len(redline.versions(newsroom.url)) == 1


@ON_BOTH_SITES
def test_failing_checks_back_off_like_unchanged_ones(
    redline: Redline, site: Site, clock: Clock
) -> None:
    site.routes["/down"] = Route(b"down", status=503)
    redline.add([site.url("/down")])
    intervals = []
    for _ in range(3):
        (result,) = redline.check(all_active=True).results
        article = redline.article(site.url("/down"))
        assert result.outcome is CheckOutcome.ERROR and article.next_check is not None
        intervals.append(article.next_check - clock.now)
    assert intervals == [timedelta(minutes=30), timedelta(minutes=36), timedelta(minutes=43.2)]
    assert redline.article(site.url("/down")).consecutive_failures == 3


def test_a_stopped_article_is_resumed_from_the_cli_and_checked_again(
    redline: Redline, newsroom: Newsroom, clock: Clock, database_url: str
) -> None:
    redline.add([newsroom.url])
    stopped = dataclasses.replace(redline.config.schedule, stop_after=timedelta(minutes=1))
    redline.config = dataclasses.replace(redline.config, schedule=stopped)
    redline.check()
    assert redline.article(newsroom.url).status.value == "stopped"
    result = CliRunner().invoke(cli, ["--db", database_url, "resume", newsroom.url])
    assert result.exit_code == 0 and result.output.startswith("resumed 1 ")
    assert redline.article(newsroom.url).status.value == "active"


@ON_BOTH_SITES
def test_robots_txt_is_asked_once_across_check_passes(
    redline: Redline, newsroom: Newsroom, clock: Clock, site: Site
) -> None:
    site.page("/robots.txt", b"User-agent: *\nDisallow: /private\n", Content_Type="text/plain")
    redline.add([newsroom.url])
    for _ in range(3):
        check_once(redline, clock)
    assert [request.path for request in site.requests].count("/robots.txt") == 1


def test_the_fetchers_run_on_the_monotonic_clock_and_sleep_given(
    make_redline: RedlineFactory, newsroom: Newsroom, clock: Clock, site: LocalSite
) -> None:
    seconds = [0.0]
    slept: list[float] = []

    async def sleep(wait: float) -> None:  # the time limit's watch sleeps; no delay is set
        slept.append(wait)
        await asyncio.sleep(wait)

    site.page("/robots.txt", b"User-agent: *\nDisallow: /private\n", Content_Type="text/plain")
    redline = make_redline(monotonic=lambda: seconds[0], sleep=sleep)
    redline.add([newsroom.url])
    check_once(redline, clock)
    seconds[0] += 23 * 3600  # robots.txt is remembered for a day of that clock
    check_once(redline, clock)
    seconds[0] += 3600
    check_once(redline, clock)

    assert [request.path for request in site.requests].count("/robots.txt") == 2
    assert slept and set(slept) == {2.0}  # each request's time limit, on the clock given


@ON_BOTH_SITES
def test_a_page_robots_txt_disallows_is_an_error_and_never_requested(
    redline: Redline, site: Site, clock: Clock
) -> None:
    site.page("/robots.txt", b"User-agent: *\nDisallow: /private\n", Content_Type="text/plain")
    site.page("/private/story", render_page(STORY, FIRST_EDITION, 1))
    redline.add([site.url("/private/story")])
    (result,) = redline.check().results
    assert result.outcome is CheckOutcome.ERROR
    assert result.error is not None and "disallowed by" in result.error
    assert [request.path for request in site.requests] == ["/robots.txt"]


def test_the_public_site_is_reached_through_the_address_guard(
    make_redline: RedlineFactory, mocksite: MockSite
) -> None:
    newsroom = Newsroom(mocksite, STORY)
    mocksite.dns.table["intranet.example"] = [PUBLIC_ADDRESS]  # public when added...
    mocksite.page("/admin", render_page(STORY, FIRST_EDITION, 1))
    mocksite.routes["/inward"] = Route(
        status=302, headers={"Location": mocksite.url("/admin", host="intranet.example")}
    )
    redline = make_redline(over=mocksite)
    redline.add([newsroom.url, mocksite.url("/admin", "intranet.example"), mocksite.url("/inward")])
    mocksite.dns.table["intranet.example"] = ["10.0.0.1"]  # ...private when checked
    outcomes = {r.url: (r.outcome, r.error or "") for r in redline.check().results}
    assert outcomes.pop(newsroom.url) == (CheckOutcome.NEW_VERSION, "")
    for url, (outcome, error) in outcomes.items():
        assert outcome is CheckOutcome.ERROR, url
        assert "10.0.0.1 is a private address" in error and "allow_private_networks" in error
    assert {"news.example", "intranet.example"} <= set(mocksite.dns.asked)
    requested = {(request.headers["host"], request.path) for request in mocksite.requests}
    assert requested == {
        ("news.example", "/robots.txt"),
        ("news.example", newsroom.path),
        ("news.example", "/inward"),
    }
    with pytest.raises(BlockedAddressError, match="allow_private_networks"):
        redline.extract(mocksite.url("/admin", host="intranet.example"))
