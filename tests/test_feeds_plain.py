"""Feeds as a text-only reader shows them: each item's change readable without styles or
tags, and every feed keeping its items when read together with another in one reader."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import feedparser
import html2text
import pytest

from redline.feeds import article_feed
from redline.store import Store
from redline.web import create_app
from webarchive import NOW, T0, Client, article, record

SITE = "https://gazette.example"
MARKETS = "Shares surge"
MARKETS_TEXT = (
    "Shares in Acme Holdings surged 90% this year, the exchange said on Monday.",
    "Traders expect the rally to slow before the end of the quarter.",
)
HEADLINE = "Minister resigns"
NEW_HEADLINE = "Minister resigns after inquiry into contracts"
MINISTER_TEXT = ("The minister left office on Friday.", "Her deputy takes over at once.")
MAYOR = "Mayor opens the new library"
MAYOR_TEXT = ("Mayor Jon Smyth opened the library on Saturday.",)
NOTICE = "Correction: An earlier version of this article misspelled the mayor's name."
FEEDS = [
    "/feed.xml",
    "/feed.atom",
    "/feed.xml?kind=numbers",
    "/sources/gazette/feed.xml",
    "/sources/gazette/feed.atom",
]


@dataclass(frozen=True)
class Stories:
    markets: int
    minister: int
    mayor: int


def fill(database_url: str) -> Stories:
    """Three stories of the gazette, each changed once: a figure, a headline, a notice."""
    store = Store.open(database_url)
    try:
        markets, _ = store.add_article(f"{SITE}/markets", source="gazette", now=T0)
        record(store, markets.id, T0, article(MARKETS, *MARKETS_TEXT))
        edited = (MARKETS_TEXT[0].replace("90%", "95%"), MARKETS_TEXT[1])
        record(store, markets.id, T0 + timedelta(hours=1), article(MARKETS, *edited))

        minister, _ = store.add_article(f"{SITE}/minister", source="gazette", now=T0)
        record(store, minister.id, T0, article(HEADLINE, *MINISTER_TEXT))
        record(store, minister.id, T0 + timedelta(hours=2), article(NEW_HEADLINE, *MINISTER_TEXT))

        mayor, _ = store.add_article(f"{SITE}/library", source="gazette", now=T0)
        record(store, mayor.id, T0, article(MAYOR, *MAYOR_TEXT))
        fixed = (MAYOR_TEXT[0].replace("Smyth", "Smith"), NOTICE)
        record(store, mayor.id, T0 + timedelta(hours=3), article(MAYOR, *fixed))
    finally:
        store.close()
    return Stories(markets.id, minister.id, mayor.id)


@dataclass(frozen=True)
class Served:
    client: Client
    stories: Stories

    def feed(self, path: str) -> feedparser.FeedParserDict:
        response = self.client.get(path)
        assert response.status_code == 200, response.text
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception
        return feed

    def items(self, path: str) -> dict[str, str]:
        """Each item of the feed at ``path`` as plain text, by the article its link is to."""
        entries = self.feed(path).entries
        return {entry.link.split("/diff/")[0]: plain(entry) for entry in entries}


@pytest.fixture
def gazette(database_url: str) -> Iterator[Served]:
    stories = fill(database_url)
    app = create_app(database_url, base_url="https://archive.example", clock=lambda: NOW)
    try:
        yield Served(Client(app), stories)
    finally:
        app.state.web.archive.engine.dispose()


def plain(entry: feedparser.FeedParserDict) -> str:
    """An item's description as a reader that shows text alone would: html2text's text,
    with its Markdown for emphasis, struck-out text and headings left out."""
    converter = html2text.HTML2Text()
    converter.body_width = 0  # no wrapping: a sentence stays on one line
    converter.ignore_emphasis = True
    described = entry.content[0].value if "content" in entry else entry.description
    text = converter.handle(described)
    return " ".join(text.replace("~~", "").replace("#", "").split())


def article_link(stories: Stories, name: str) -> str:
    return f"https://archive.example/articles/{getattr(stories, name)}"


@pytest.mark.parametrize("path", FEEDS)
def test_a_changed_figure_reads_as_before_and_after(gazette: Served, path: str) -> None:
    text = gazette.items(path)[article_link(gazette.stories, "markets")]
    assert text.startswith("1 number changed (90% → 95%)")
    assert f"Before: {MARKETS_TEXT[0]}" in text
    assert f"After: {MARKETS_TEXT[0].replace('90%', '95%')}" in text


@pytest.mark.parametrize("path", [p for p in FEEDS if "kind=" not in p])
def test_a_headline_change_is_stated_in_words(gazette: Served, path: str) -> None:
    text = gazette.items(path)[article_link(gazette.stories, "minister")]
    assert text.startswith("Headline changed")
    assert f"Headline changed from “{HEADLINE}” to “{NEW_HEADLINE}”." in text
    assert "Before:" not in text  # the text did not change: no passage to show


@pytest.mark.parametrize("path", [p for p in FEEDS if "kind=" not in p])
def test_an_added_correction_notice_is_named_as_one(gazette: Served, path: str) -> None:
    text = gazette.items(path)[article_link(gazette.stories, "mayor")]
    assert "correction notice added" in text.lower().split(".")[0]  # in the summary
    assert f"Correction notice added: {NOTICE}" in text
    assert "Before: Mayor Jon Smyth opened" in text and "After: Mayor Jon Smith opened" in text


@pytest.mark.parametrize("kind", ["xml", "atom"])
def test_an_article_feed_reads_the_same(gazette: Served, kind: str) -> None:
    path = f"/articles/{gazette.stories.markets}/feed.{kind}"
    (text,) = gazette.items(path).values()
    assert f"Before: {MARKETS_TEXT[0]}" in text and "After: Shares in Acme" in text


def test_a_changed_notice_and_byline_are_named(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        story, _ = store.add_article(f"{SITE}/notice", source="gazette", now=T0)
        notice = "Correction: This article was amended on 3 March to give the right date."
        record(store, story.id, T0, article("Calm", "Text.", notice, byline="Ann Lee"))
        later = article("Calm", "Text.", notice.replace("3 March", "4 March"), byline="Bo Chan")
        record(store, story.id, T0 + timedelta(hours=1), later)
        feed = article_feed(store.article(story.id), store.versions(story.id))
    finally:
        store.close()
    text = plain(feedparser.parse(feed).entries[0])
    assert "Byline changed from “Ann Lee” to “Bo Chan”." in text
    assert f"Correction notice changed: Before: {notice} After: Correction:" in text


def test_markup_in_a_passage_is_shown_as_text(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        story, _ = store.add_article("https://gazette.example/x", source="gazette", now=T0)
        record(store, story.id, T0, article("Calm", "Nothing here."))
        record(store, story.id, T0 + timedelta(hours=1), article("Calm", "<b>bold</b> & true."))
        feed = feedparser.parse(article_feed(store.article(story.id), store.versions(story.id)))
    finally:
        store.close()
    described = feed.entries[0].description
    assert "<p>Before: Nothing here.</p>" in described
    assert "<p>After: &lt;b&gt;bold&lt;/b&gt; &amp; true.</p>" in described


def test_guids_differ_between_feeds_and_hold_across_renders_and_restarts(
    gazette: Served, database_url: str
) -> None:
    markets = gazette.stories.markets
    paths = ["/feed.xml", "/feed.xml?kind=numbers", "/sources/gazette/feed.xml"]
    paths.append(f"/articles/{markets}/feed.xml")
    ids = {path: _markets_id(gazette.feed(path)) for path in paths}
    assert len(set(ids.values())) == len(paths), ids
    assert ids["/feed.xml"] == "https://gazette.example/markets#redline-version-1"
    assert {path: _markets_id(gazette.feed(path)) for path in paths} == ids
    restarted = create_app(database_url, base_url="https://elsewhere.example", clock=lambda: NOW)
    try:
        again = Served(Client(restarted), gazette.stories)
        assert {path: _markets_id(again.feed(path)) for path in paths} == ids
        atom = {path: _markets_id(again.feed(path.replace(".xml", ".atom"))) for path in paths}
    finally:
        restarted.state.web.archive.engine.dispose()
    assert atom == ids  # RSS and Atom are one feed in two formats


def _markets_id(feed: feedparser.FeedParserDict) -> str:
    (found,) = [entry.id for entry in feed.entries if "/markets" in entry.id]
    return str(found)


@pytest.mark.parametrize(
    "other",
    ["/articles/{markets}/feed.xml", "/sources/gazette/feed.atom", "/feed.xml?kind=numbers"],
)
def test_feeds_read_together_in_one_reader_keep_all_their_items(
    gazette: Served, other: str
) -> None:
    """A reader that keeps one item per id across its feeds shows each feed what it kept."""
    subscribed = ["/feed.xml", other.format(markets=gazette.stories.markets)]
    kept: dict[str, str] = {}  # id → the feed the reader files the item under
    for path in subscribed:
        for entry in gazette.feed(path).entries:
            kept.setdefault(entry.id, path)
    for path in subscribed:
        shown = [entry_id for entry_id, feed in kept.items() if feed == path]
        assert len(shown) == len(gazette.feed(path).entries) > 0, path
