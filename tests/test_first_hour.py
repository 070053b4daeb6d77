"""A new user's first hour: what redline says and does the first time round (issue 10).

One article under several URLs, private addresses refused at ``add``, a pass
that checked nothing saying when the next article is due, ``show`` on an
article never fetched or failing, a mistyped ``--db``, a new database, and
PostgreSQL without its driver.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from handclock import Clock
from localsite import Route
from mocksite import PUBLIC_ADDRESS, MockSite, Site
from redline import BlockedAddressError, CheckOutcome, Redline, ScheduleConfig
from redline.cli import cli
from redline.cli._base import Opener
from redline.demo import FIRST_EDITION, render_page
from redline.errors import StoreError
from redline.store import Store, upgrade_database
from redline.web import create_app
from redlines import LOOPBACK, RedlineFactory
from webarchive import Client

STORY = FIRST_EDITION[1]


def invoke(redline: Redline, *args: str) -> Result:
    """The ``redline`` command, run on the test's own Redline (its database and clock)."""
    return CliRunner().invoke(cli, list(args), obj=Opener(None, None, redline=redline))


def one_line_error(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("redline: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr, result.stderr


# --- item 9: one article, whichever of its URLs it is named by --------------------------


def story_page(canonical: str) -> str:
    head = f'<head><link rel="canonical" href="{canonical}">'
    return render_page(STORY, FIRST_EDITION, 1).replace("<head>", head)


def serve_feed(site: Site, *paths: str) -> str:
    items = "".join(
        f"<item><title>{path}</title><link>{site.url(path)}</link></item>" for path in paths
    )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>G</title>{items}</channel></rss>'
    )
    site.routes["/feed.xml"] = Route(feed.encode(), headers={"Content-Type": "application/rss+xml"})
    return site.url("/feed.xml")


def test_an_article_found_through_a_feed_alias_is_known_by_its_final_and_canonical_urls(
    redline: Redline, site: Site, clock: Clock
) -> None:
    # the feed lists an alias; it redirects to the page, which names its own address
    site.routes["/alias"] = Route(status=301, headers={"Location": "/news/flood?from=feed"})
    site.page("/news/flood", story_page("/news/flood"))
    redline.add_source("gazette", serve_feed(site, "/alias"))
    assert "checked 1: 1 new version(s)" in invoke(redline, "check").stdout
    (article,) = redline.articles()
    assert article.url == site.url("/alias")
    assert article.final_url == site.url("/news/flood?from=feed")
    assert article.canonical_url == site.url("/news/flood")

    for name in (site.url("/news/flood"), site.url("/news/flood?from=feed")):
        added = invoke(redline, "add", name)
        assert added.stdout == f"already tracked {article.id} {article.url}\n"
        shown = json.loads(invoke(redline, "show", name, "--json").stdout)
        assert shown["id"] == article.id and shown["canonical_url"] == site.url("/news/flood")
    assert len(redline.articles()) == 1

    # the feed now lists the page by its own name: still the one article
    serve_feed(site, "/alias", "/news/flood")
    clock.advance(hours=1)
    (polled,) = redline.poll_sources()
    assert polled.added == 0 and len(redline.articles()) == 1


def test_a_page_cannot_claim_another_sites_address(
    redline: Redline, site: Site, clock: Clock
) -> None:
    site.page("/news/flood", story_page("https://bank.example/"))
    redline.add([site.url("/news/flood")])
    redline.check()
    (article,) = redline.articles()
    assert article.canonical_url is None  # not its own site: not its name
    ((other, created),) = redline.add(["https://bank.example/"])
    assert created and other.id != article.id


def test_a_name_too_long_to_store_is_no_name(redline: Redline, site: Site) -> None:
    site.page("/news/flood", story_page("/news/flood?" + "x" * 3000))
    redline.add([site.url("/news/flood")])
    (result,) = redline.check().results
    assert result.outcome is CheckOutcome.NEW_VERSION  # on PostgreSQL too
    assert redline.articles()[0].canonical_url is None


# --- item 10: private addresses are refused when added ------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x", "http://10.0.0.5/x", "http://[::1]:8080/x", "http://169.254.169.254/"],
)
def test_add_refuses_an_address_no_check_would_fetch(
    make_redline: RedlineFactory, mocksite: MockSite, url: str
) -> None:
    guarded = make_redline(over=mocksite)  # news.example is public in its DNS
    with pytest.raises(BlockedAddressError, match=r"\[fetch\] allow_private_networks"):
        guarded.add(["https://news.example/fine", url])
    assert guarded.articles() == []  # one refused URL adds none


def test_add_asks_the_resolver_and_refuses_a_host_with_only_private_addresses(
    make_redline: RedlineFactory, mocksite: MockSite
) -> None:
    mocksite.dns.table |= {
        "localhost": ["127.0.0.1", "::1"],
        "intranet.example": ["10.0.0.1"],
        "mixed.example": ["10.0.0.1", PUBLIC_ADDRESS],
    }
    redline = make_redline(over=mocksite)
    for host, address in (("localhost", "127.0.0.1"), ("intranet.example", "10.0.0.1")):
        with pytest.raises(BlockedAddressError) as refused:
            redline.add([f"http://{host}/admin"])
        assert str(refused.value) == (
            f"refusing to track http://{host}/admin: {address} is a"
            f" {'loopback' if host == 'localhost' else 'private'} address"
            " (set [fetch] allow_private_networks = true to allow)"
        )
    # a public address among the answers, or no answer yet: the check decides
    added = redline.add(["https://mixed.example/a", "https://unknown.example/a"])
    assert [created for _, created in added] == [True, True]
    assert {"localhost", "intranet.example", "unknown.example"} <= set(mocksite.dns.asked)


def test_a_lookup_slower_than_the_time_limit_lets_the_url_in(
    make_redline: RedlineFactory, mocksite: MockSite
) -> None:
    asked: list[str] = []
    waited: list[float] = []

    async def never_answers(host: str) -> Sequence[str]:
        asked.append(host)
        await asyncio.Event().wait()
        return []  # never reached: nothing sets the event

    async def time_passes(seconds: float) -> None:
        waited.append(seconds)

    redline = make_redline(over=mocksite, resolver=never_answers, sleep=time_passes)
    ((article, created),) = redline.add(["https://slow.example/a"])
    assert created and article.url == "https://slow.example/a"
    assert asked == ["slow.example"] and waited == [redline.config.fetch.timeout]


def test_the_setting_lets_a_private_address_be_added(make_redline: RedlineFactory) -> None:
    ((article, created),) = make_redline().add(["http://127.0.0.1/x"])  # the guard is off
    assert created and article.url == "http://127.0.0.1/x"


def test_the_cli_refuses_a_private_address_in_one_line(tmp_path: Path) -> None:
    database = str(tmp_path / "x.db")
    upgrade_database(f"sqlite:///{database}")
    result = CliRunner().invoke(cli, ["--db", database, "add", "http://10.0.0.5/"])
    one_line_error(
        result,
        "refusing to track http://10.0.0.5/: 10.0.0.5 is a private address"
        " (set [fetch] allow_private_networks = true to allow)",
    )


# --- item 10: a pass that checks nothing says when the next article is due ----------------


def test_a_check_of_nothing_says_when_the_next_article_is_due(
    make_redline: RedlineFactory, site: Site, clock: Clock
) -> None:
    redline = make_redline()
    nothing = invoke(redline, "check")
    assert nothing.stdout.endswith("; nothing tracked yet: add one with redline add URL\n")
    assert json.loads(invoke(redline, "check", "--json").stdout)["next_due"] is None

    redline.add([site.url("/missing")])  # a 404: retried in 30 minutes
    assert (
        "checked 1: 0 new version(s), 0 unchanged, 1 error(s)\n"
        == invoke(redline, "check").stdout.splitlines(keepends=True)[-1]
    )
    clock.advance(minutes=5)
    again = invoke(redline, "check")
    assert again.stdout == (
        "checked 0: 0 new version(s), 0 unchanged, 0 error(s);"
        " the next article is due in about 25 minutes\n"
    )
    due = json.loads(invoke(redline, "check", "--json").stdout)
    assert due["checked"] == 0
    assert due["next_due"] == (clock.now + timedelta(minutes=25)).isoformat()


def test_a_check_of_nothing_says_when_every_article_is_stopped(
    make_redline: RedlineFactory, site: Site
) -> None:
    stop_at_once = ScheduleConfig(stop_after=timedelta(minutes=1))
    redline = make_redline(dataclasses.replace(LOOPBACK, schedule=stop_at_once))
    redline.add([site.url("/missing"), site.url("/gone")])
    redline.check()
    assert invoke(redline, "check").stdout.endswith("; no article is due: 2 tracked, all stopped\n")
    assert json.loads(invoke(redline, "check", "--json").stdout)["next_due"] is None


# --- item 10: show says what it knows ---------------------------------------------------


def test_show_says_not_fetched_yet_then_why_the_last_check_failed(
    make_redline: RedlineFactory, site: Site, clock: Clock, database_url: str
) -> None:
    redline = make_redline()
    redline.add([site.url("/news/flood")])
    assert "It has not been fetched yet. It is due to be checked now." in show(redline)
    redline.check()
    page = show(redline)
    assert "The last check failed: HTTP 404 Not Found. It will be checked again in" in page
    assert "has not changed" not in page
    assert web_words(database_url, clock) == page_words(page)

    site.page("/news/flood", render_page(STORY, FIRST_EDITION, 1))
    redline.check(all_active=True)
    site.routes["/news/flood"] = Route(b"busy", status=503)
    redline.check(all_active=True)
    assert (
        "It has not changed since it was first seen. The last check failed:"
        " HTTP 503 Service Unavailable. It will be checked again in"
    ) in show(redline)


def show(redline: Redline) -> str:
    result = invoke(redline, "show", "1")
    assert result.exit_code == 0, result.output
    return result.stdout


def page_words(text: str) -> str:
    """The sentence of ``show`` about the article's history and schedule."""
    return next(line for line in text.splitlines() if line.startswith("This article is from"))


def web_words(database_url: str, clock: Clock) -> str:
    """The same sentence on the web's article page."""
    app = create_app(database_url, clock=clock)
    try:
        html = Client(app).get("/articles/1").text
    finally:
        app.state.web.archive.engine.dispose()
    sentence = html.split("<p>This article is from", 1)[1].split("</p>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", "", sentence).split())
    return "This article is from " + text


# --- item 12: a mistyped --db, and a new database ---------------------------------------


def test_a_missing_folder_is_an_error_naming_it_not_a_new_archive(tmp_path: Path) -> None:
    database = tmp_path / "typo" / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(database), "list"])
    one_line_error(result, f"no such directory: {database.parent} (for the database {database})")
    assert not database.parent.exists()


def test_the_default_location_is_created_and_said_so_once(tmp_path: Path) -> None:
    first = CliRunner().invoke(cli, ["list", "--json"])
    location = tmp_path / "user-data" / "redline" / "redline.db"  # conftest's XDG_DATA_HOME
    assert first.exit_code == 0 and location.is_file()
    assert first.stderr == f"redline: created a new database at {location}\n"
    again = CliRunner().invoke(cli, ["list", "--json"])
    assert again.exit_code == 0 and again.stderr == ""


def test_a_new_database_is_said_so_once_on_either_backend(database_url: str) -> None:
    first = CliRunner().invoke(cli, ["--db", database_url, "list", "--json"])
    assert first.exit_code == 0, first.output
    assert first.stderr.startswith("redline: created a new database at ")
    assert json.loads(first.stdout) == []
    again = CliRunner().invoke(cli, ["--db", database_url, "list", "--json"])
    assert again.exit_code == 0 and again.stderr == ""
    store = Store.open(database_url)
    assert not store.created
    store.close()


# --- item 13: PostgreSQL without its driver -----------------------------------------------


@pytest.mark.parametrize("url", ["postgresql+psycopg://u@127.0.0.1/news", "postgresql://u@h/n"])
def test_a_missing_postgresql_driver_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    for module in ("psycopg", "psycopg2"):
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(StoreError, match=r"pip install 'redline\[postgres\]'"):
        Store.open(url)
    result = CliRunner().invoke(cli, ["--db", url, "list"])
    one_line_error(result, "pip install 'redline[postgres]'")
    assert "psycopg" in result.stderr.split(";")[0]  # what is missing, then how to install it
