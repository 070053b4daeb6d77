"""Feeds of changes on the web: RSS and Atom, per article, per source and archive-wide."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import feedparser
import pytest
import uvicorn
from click.testing import CliRunner
from lxml import etree
from starlette.applications import Starlette

from markup import WORD_JOINER, as_html, shown
from redline.cli import cli
from redline.errors import ConfigError
from redline.feeds import FeedChange, describe_change
from redline.model import Version
from redline.web import create_app, diffs
from webarchive import (
    BASE_URL,
    HEADLINE,
    HOSTILE_TITLE,
    HOSTILE_URL,
    Client,
    Served,
    fill,
    served,
)


@pytest.fixture
def archive(database_url: str) -> Iterator[Served]:
    with served(database_url) as opened:
        yield opened


def parsed(archive: Served, path: str) -> feedparser.FeedParserDict:
    response = archive.client.get(path)
    assert response.status_code == 200, response.text
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.mark.parametrize("kind", ["xml", "atom"])
def test_the_archive_feed_has_every_change_newest_first(archive: Served, kind: str) -> None:
    feed = parsed(archive, f"/feed.{kind}")
    assert feed.version == ("rss20" if kind == "xml" else "atom10")
    bridge, hostile = archive.ids.bridge, archive.ids.hostile
    assert [entry.link for entry in feed.entries] == [
        f"{BASE_URL}/articles/{bridge}/diff/1/2",
        f"{BASE_URL}/articles/{hostile}/diff/0/1",
        f"{BASE_URL}/articles/{bridge}/diff/0/1",
    ]
    assert [entry.id for entry in feed.entries] == [
        "https://news.example/bridge#redline-version-2",
        f"{HOSTILE_URL}#redline-version-1",
        "https://news.example/bridge#redline-version-1",
    ]
    card = archive.app.state.web.archive.card(bridge, 1)
    assert feed.entries[2].title == f"Version 1: {card.summary.rstrip('.')} — {HEADLINE} at last"
    assert feed.entries[2].title.startswith("Version 1: Headline changed")
    assert feed.feed.link == f"{BASE_URL}/"


def test_the_rss_feed_was_last_built_at_the_newest_change(archive: Served) -> None:
    feed = parsed(archive, "/feed.xml")
    assert feed.feed.updated_parsed[:5] == (2026, 11, 1, 14, 0)
    response = archive.client.get("/feed.xml")
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert response.headers["last-modified"] == "Sun, 01 Nov 2026 14:00:00 GMT"


def test_an_article_feed_and_a_source_feed(archive: Served) -> None:
    article = parsed(archive, f"/articles/{archive.ids.bridge}/feed.atom")
    assert len(article.entries) == 2 and article.feed.title.startswith("Changes to: Harbour")
    assert article.feed.link == f"{BASE_URL}/articles/{archive.ids.bridge}"
    assert [entry.id for entry in article.entries] == [
        "https://news.example/bridge#redline-version-2/article",
        "https://news.example/bridge#redline-version-1/article",
    ]
    source = parsed(archive, "/sources/hostile/feed.xml")
    assert [entry.id for entry in source.entries] == [f"{HOSTILE_URL}#redline-version-1/source"]


def test_a_feed_without_changes_has_no_items(archive: Served) -> None:
    assert parsed(archive, "/sources/The%20Daily/feed.xml").entries == []
    assert parsed(archive, f"/articles/{archive.ids.stopped}/feed.atom").entries == []


def test_an_item_describes_its_change_with_inline_styles(archive: Served) -> None:
    (item, _) = parsed(archive, f"/articles/{archive.ids.bridge}/feed.xml").entries
    assert "<ins" in item.description and "style=" in item.description
    assert "consultation" in item.description


@pytest.mark.parametrize("path", ["/feed.xml", "/feed.atom", "/sources/hostile/feed.xml"])
def test_hostile_text_in_a_feed_stays_text(archive: Served, path: str) -> None:
    document = etree.fromstring(archive.client.get(path).content)
    found = document.xpath("//*[local-name()='description' or local-name()='content']")
    html = "".join(element.text or "" for element in cast(list[etree._Element], found))
    assert "&lt;script&gt;" in html and "<script" not in html and "<img" not in html
    titles = "".join(cast(list[str], document.xpath("//*[local-name()='title']/text()")))
    assert as_html(titles).elements == []  # a title is plain text that HTML cannot misread
    assert HOSTILE_TITLE in titles.replace(WORD_JOINER, "")


@pytest.mark.parametrize("kind", ["xml", "atom"])
def test_a_hostile_headline_names_its_feed_as_text(archive: Served, kind: str) -> None:
    feed = parsed(archive, f"/articles/{archive.ids.hostile}/feed.{kind}")
    for detail in (feed.feed.title_detail, feed.feed.subtitle_detail):
        assert as_html(detail.value).elements == [], detail
        assert f"Changes to: {HOSTILE_TITLE}" in shown(detail.value, detail.type)


def test_diffs_are_described_once_however_often_feeds_are_read(
    archive: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    described: list[tuple[int, int]] = []

    def counting(old: Version, new: Version) -> FeedChange:
        described.append((old.article_id, new.number))
        return real(old, new)

    real = describe_change
    monkeypatch.setattr(diffs, "describe_change", counting)
    for path in [
        "/feed.xml",
        "/feed.atom",
        "/feed.xml",
        f"/articles/{archive.ids.bridge}/feed.xml",
    ]:
        assert archive.client.get(path).status_code == 200
    assert sorted(described) == sorted(
        [(archive.ids.bridge, 1), (archive.ids.bridge, 2), (archive.ids.hostile, 1)]
    )


@pytest.mark.parametrize("path", ["/feed.xml", "/feed.atom", "/articles/1/feed.xml"])
def test_a_feed_not_changed_since_answers_304(archive: Served, path: str) -> None:
    first = archive.client.get(path)
    again = archive.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert archive.client.get(path, headers=since).status_code == 304


@pytest.mark.parametrize(
    "path", ["/feed.json", "/articles/999/feed.xml", "/sources/nobody/feed.atom", "/feed.rss"]
)
def test_no_such_feed_is_a_404(archive: Served, path: str) -> None:
    assert archive.client.get(path).status_code == 404


def test_feed_links_are_absolute_under_the_prefix(database_url: str) -> None:
    with served(database_url, root_path="/archive") as opened:
        feed = feedparser.parse(opened.client.get("/feed.atom").content)
    assert feed.feed.link == f"{BASE_URL}/archive/"
    assert all(entry.link.startswith(f"{BASE_URL}/archive/articles/") for entry in feed.entries)


PUBLIC = "https://news.example.org/archive"


@pytest.mark.parametrize("root_path", ["", "/archive"])
def test_feed_links_start_at_the_configured_base_url(database_url: str, root_path: str) -> None:
    with served(database_url, root_path=root_path, base_url=PUBLIC) as opened:
        response = opened.client.get("/feed.atom", headers={"Host": "attacker.test"})
        page = opened.client.get("/", headers={"Host": "attacker.test"}).text
    feed = feedparser.parse(response.content)
    assert feed.feed.link == f"{PUBLIC}/"
    assert feed.entries and all(
        entry.link.startswith(f"{PUBLIC}/articles/") for entry in feed.entries
    )
    assert b"attacker.test" not in response.content and "vary" not in response.headers
    assert 'href="/archive/feed.xml"' in page  # the base URL's path is the pages' prefix


def test_without_a_base_url_a_feed_varies_with_the_host(archive: Served) -> None:
    first = archive.client.get("/feed.xml", headers={"Host": "one.example"})
    other = archive.client.get("/feed.xml", headers={"Host": "two.example:8080"})
    assert feedparser.parse(first.content).feed.link == "http://one.example/"
    assert feedparser.parse(other.content).feed.link == "http://two.example:8080/"
    assert first.headers["vary"] == other.headers["vary"] == "Host"
    again = archive.client.get(
        "/feed.xml", headers={"Host": "one.example", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.headers["vary"] == "Host"
    assert "vary" not in archive.client.get("/").headers  # pages link by path alone


def test_a_base_url_under_another_prefix_than_the_root_path_is_refused(
    database_url: str,
) -> None:
    with pytest.raises(ConfigError, match="base_url https://a.example/news is under /news"):
        create_app(database_url, root_path="/archive", base_url="https://a.example/news")


def test_redline_serve_links_feeds_at_the_base_url_in_the_config(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(database_url)
    config = tmp_path / "redline.toml"
    config.write_text(f'[web]\nbase_url = "{PUBLIC}/"\n')
    started: list[Starlette] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append(app))
    result = CliRunner().invoke(cli, ["--db", database_url, "--config", str(config), "serve"])
    assert result.exit_code == 0, result.output
    (app,) = started
    try:
        feed = feedparser.parse(Client(app).get("/feed.xml").content)
    finally:
        app.state.web.archive.engine.dispose()
    assert feed.feed.link == f"{PUBLIC}/"
