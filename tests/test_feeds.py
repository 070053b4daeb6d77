"""RSS feeds of an article's changes."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from lxml import etree

from markup import as_html, shown
from redline.feeds import ARTICLE_FEED, Channel, FeedChange, add_change, article_feed
from redline.model import Article, ArticleStatus, Version

URL = "https://news.example/world/iraq-troops?id=9542131&ref=front"
FIRST_SEEN = datetime(2014, 6, 17, 9, tzinfo=UTC)
HEADLINE = "Iraq crisis: US urgently deploys hundreds of armed troops"
PARAGRAPHS = tuple(f"Paragraph {number} of the report stays as it was." for number in range(12))


def make_article(*, article_id: int = 1) -> Article:
    return Article(
        id=article_id,
        url=URL,
        final_url=None,
        source="example",
        title=HEADLINE,
        first_seen=FIRST_SEEN,
        last_checked=None,
        last_changed=None,
        next_check=None,
        status=ArticleStatus.ACTIVE,
        etag=None,
        last_modified=None,
        version_count=3,
        consecutive_failures=0,
    )


def make_version(
    number: int,
    *,
    title: str = HEADLINE,
    paragraphs: tuple[str, ...] = PARAGRAPHS,
    seen_at: datetime | None = None,
) -> Version:
    return Version(
        article_id=1,
        number=number,
        seen_at=seen_at or FIRST_SEEN + timedelta(hours=2 * number, minutes=7),
        title=title,
        byline=None,
        paragraphs=paragraphs,
        content_hash=f"hash-{number}",
        extractor_version="test",
    )


def history() -> list[Version]:
    """Version 1 fixes a word in paragraph 10; version 2 changes the headline."""
    fixed = PARAGRAPHS[:10] + ("Paragraph 10 of the report stays as it stood.",) + PARAGRAPHS[11:]
    return [
        make_version(0),
        make_version(1, paragraphs=fixed),
        make_version(2, title=HEADLINE + " to Baghdad", paragraphs=fixed),
    ]


def parse(feed: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def raw_descriptions(feed: bytes) -> list[str]:
    """The items' descriptions as written, before feedparser sanitises them."""
    descriptions = etree.fromstring(feed).xpath("/rss/channel/item/description/text()")
    assert isinstance(descriptions, list)
    return [str(text) for text in descriptions]


def shuffled(versions: Sequence[Version]) -> list[Version]:
    mixed = list(versions)
    random.Random(3).shuffle(mixed)
    return mixed


def test_the_feed_is_valid_rss_with_one_item_per_change_newest_first() -> None:
    parsed = parse(article_feed(make_article(), history()))
    assert parsed.version == "rss20"
    assert parsed.feed.title == f"Changes to: {HEADLINE} to Baghdad"
    assert parsed.feed.link == URL
    assert parsed.feed.description
    assert [entry.title for entry in parsed.entries] == [
        f"Version 2: new headline: {HEADLINE} to Baghdad",
        f"Version 1: {HEADLINE}",
    ]


def test_the_channel_links_where_asked() -> None:
    parsed = parse(article_feed(make_article(), history(), link="https://redline.example/a/1"))
    assert parsed.feed.link == "https://redline.example/a/1"
    assert {entry.link for entry in parsed.entries} == {"https://redline.example/a/1"}


def test_guids_are_stable_across_builds_and_not_permalinks() -> None:
    first = parse(article_feed(make_article(), history()))
    again = parse(article_feed(make_article(article_id=1), shuffled(history())))
    guids = [entry.id for entry in first.entries]
    assert guids == [entry.id for entry in again.entries]
    assert len(set(guids)) == 2 and all(URL in guid for guid in guids)
    assert not any(entry.guidislink for entry in first.entries)


def test_pubdate_is_when_the_version_was_seen() -> None:
    versions = history()
    parsed = parse(article_feed(make_article(), versions))
    published = [parsedate_to_datetime(entry.published) for entry in parsed.entries]
    assert published == [versions[2].seen_at, versions[1].seen_at]


def test_pubdate_is_given_in_utc() -> None:
    cest = timezone(timedelta(hours=2))
    moment = datetime(2014, 6, 17, 13, 30, tzinfo=cest)
    versions = [make_version(0), make_version(1, title="Changed", seen_at=moment)]
    feed = article_feed(make_article(), versions)
    assert b"<pubDate>Tue, 17 Jun 2014 11:30:00 +0000</pubDate>" in feed


def test_the_description_holds_just_the_change() -> None:
    feed = article_feed(make_article(), history())
    headline_change, word_fix = raw_descriptions(feed)
    assert ">stood</ins>" in word_fix and ">was</del>" in word_fix
    assert 'style="' in word_fix and 'class="redline-insert"' not in word_fix
    assert "Paragraph 9 of" in word_fix and "Paragraph 11 of" in word_fix
    assert "Paragraph 8 of" not in word_fix and "Paragraph 0 of" not in word_fix
    assert "> to Baghdad</ins></h2>" in headline_change
    assert "Paragraph" not in headline_change
    assert "stood" in parse(feed).entries[1].description


def test_last_build_date_is_the_newest_change() -> None:
    versions = history()
    parsed = parse(article_feed(make_article(), versions))
    assert parsedate_to_datetime(parsed.feed.updated) == versions[2].seen_at


def test_two_builds_are_byte_identical() -> None:
    assert article_feed(make_article(), history()) == article_feed(
        make_article(), shuffled(history())
    )


def test_an_article_with_one_version_has_a_feed_without_items() -> None:
    feed = article_feed(make_article(), [make_version(0)])
    parsed = parse(feed)
    assert parsed.entries == []
    assert parsed.feed.title == f"Changes to: {HEADLINE}"
    assert parsedate_to_datetime(parsed.feed.updated) == FIRST_SEEN


def test_an_article_not_yet_fetched_has_a_feed_without_items() -> None:
    parsed = parse(article_feed(make_article(), []))
    assert parsed.entries == []
    assert parsed.feed.title == f"Changes to: {make_article().url}"


def test_a_window_of_later_versions_gives_their_changes() -> None:
    parsed = parse(article_feed(make_article(), history()[1:]))
    assert [entry.title for entry in parsed.entries] == [
        f"Version 2: new headline: {HEADLINE} to Baghdad"
    ]


def test_text_xml_cannot_carry_is_dropped() -> None:
    versions = [make_version(0), make_version(1, title="Bell\x07 rings", paragraphs=("A\x0bB",))]
    parsed = parse(article_feed(make_article(), versions))
    assert parsed.entries[0].title == "Version 1: new headline: Bell rings"


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        ([make_version(0), make_version(2)], "without gaps or repeats"),
        ([make_version(0), make_version(1), make_version(1)], "without gaps or repeats"),
        ([make_version(0), make_version(1, seen_at=datetime(2014, 6, 17))], "timezone"),
    ],
)
def test_unusable_versions_are_refused(versions: list[Version], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        article_feed(make_article(), versions)


def test_versions_of_another_article_are_refused() -> None:
    with pytest.raises(ValueError, match="another article"):
        article_feed(make_article(article_id=2), history())


HOSTILE_HEADLINES = [
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "<img src=x onerror=alert(1)></p>",  # feedparser takes a title with </p> for HTML
]


@pytest.mark.parametrize("headline", HOSTILE_HEADLINES)
def test_a_headline_with_markup_is_only_text_to_every_reader(headline: str) -> None:
    article = dataclasses.replace(make_article(), url=f"https://news.example/{headline}")
    versions = [make_version(0, title="Calm"), make_version(1, title=headline)]
    feed = article_feed(article, versions)
    parsed = parse(feed)
    texts = [parsed.feed.title_detail, parsed.feed.subtitle_detail, parsed.entries[0].title_detail]
    for detail in texts:
        assert as_html(detail.value).elements == [], detail
    assert headline in shown(parsed.feed.title, parsed.feed.title_detail.type)
    assert headline in shown(parsed.entries[0].title, parsed.entries[0].title_detail.type)
    assert article.url in shown(parsed.feed.description, parsed.feed.subtitle_detail.type)
    for summary in [parsed.entries[0].summary, *raw_descriptions(feed)]:
        assert {tag for tag, _ in as_html(summary).elements} <= {"div", "h2", "p", "ins", "del"}
        assert {name for _, names in as_html(summary).elements for name in names} <= {
            "class",
            "style",
        }
        assert "alert(1)" in as_html(summary).text


@pytest.mark.parametrize("headline", HOSTILE_HEADLINES)
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_channel_says_hostile_text_as_text_in_rss_and_atom(headline: str, kind: str) -> None:
    channel = Channel(
        title=f"Changes to: {headline}",
        link="https://redline.example/",
        description=f"From {headline} & co",
        last_build=FIRST_SEEN,
    )
    change = FeedChange(title_changed=True, in_words="", diff="<p>a change</p>")
    add_change(
        channel,
        change,
        article_url=URL,
        number=1,
        title=headline,
        seen_at=FIRST_SEEN,
        link="https://redline.example/1",
        feed=ARTICLE_FEED,
    )
    parsed = parse(channel.rss() if kind == "rss" else channel.atom())
    for detail in (parsed.feed.title_detail, parsed.feed.subtitle_detail):
        assert as_html(detail.value).elements == []
        assert headline in shown(detail.value, detail.type)
    entry = parsed.entries[0].title_detail
    assert as_html(entry.value).elements == []
    assert shown(entry.value, entry.type) == f"Version 1: new headline: {headline}"
    assert shown(parsed.feed.subtitle, parsed.feed.subtitle_detail.type).endswith(" & co")
