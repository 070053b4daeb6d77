"""RSS and Atom feeds of the changes redline has seen to articles, built with feedgen.

`article_feed` builds one article's RSS feed from its versions. The pieces it is built
from are public so that the web app can build feeds of many articles, in RSS or Atom,
from changes it has described once and kept (`describe_change`, `add_change`, `Channel`).

An item reads right in any reader: after the change card's summary it states the change
in words ("Headline changed from “…” to “…”.", "Before: …" / "After: …" for each changed
passage, "Correction notice added: …"), which a text-only reader that drops every style
and tag still shows, and then the diff itself, coloured with inline styles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator

from .cards.notices import is_notice
from .cards.text import squash
from .diff import ArticleDiff, diff_versions, render_html
from .model import Article, ChangeCard, Version

if TYPE_CHECKING:
    from .notify import Passage

__all__ = [
    "ARCHIVE_FEED",
    "ARTICLE_FEED",
    "Channel",
    "FeedChange",
    "add_change",
    "article_feed",
    "describe_change",
    "item_guid",
]

ARCHIVE_FEED = ""
"""The archive-wide feed's name in its items' GUIDs: none, so that they stay the GUIDs
every feed gave before feeds had names, and its subscribers see no old item as new."""

ARTICLE_FEED = "article"
"""An article's feed's name in its items' GUIDs, on the web and from ``redline feed``."""

_CONTEXT_PARAGRAPHS = 1
"""Unchanged paragraphs shown either side of a change in a feed item."""

_PASSAGES_IN_WORDS = 10
"""Changed passages an item states in words; a bigger change leaves the rest to its diff."""

_LONGEST_PASSAGE = 1500
"""Characters of one passage stated in words: a page that is one huge paragraph must not
make every item carry its text twice."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry, which a scraped page may still contain."""

_MARKUP_OPENER = re.compile(r"<(?=[A-Za-z/!?])")
"""A ``<`` an HTML parser would take as the start of a tag, end tag, comment or declaration."""

_WORD_JOINER = "\u2060"
"""An invisible character that keeps a ``<`` from starting markup without changing the text."""


def article_feed(
    article: Article,
    versions: Sequence[Version],
    *,
    link: str | None = None,
    cards: Mapping[int, ChangeCard] | None = None,
) -> bytes:
    """The article's changes as an RSS 2.0 feed: one item per change, newest first.

    Each item compares version n with version n - 1, states the change in words and
    shows it as an HTML diff with inline styles, only the changed paragraphs and their
    neighbours (see `describe_change`);
    where `cards` (by version number) holds the change's card, the item's title and
    description open with its summary (see `add_change`). The
    channel links to `link`, or else to the article. `versions` may come in any order (none
    gives a feed without items) but must be the article's and numbered without gaps; raises
    ValueError otherwise, or if a time has no timezone. The feed depends only on its input,
    never on the clock, so the same data always gives the same bytes: lastBuildDate is the
    newest change, or the article's first sighting if it has not changed.
    """
    ordered = _in_order(article, versions)
    channel_link = link or article.url
    channel = Channel(
        title=f"Changes to: {ordered[-1].title if ordered else article.url}",
        link=channel_link,
        description=f"How the article at {article.url} has been changed, newest change first.",
        last_build=ordered[-1].seen_at if len(ordered) > 1 else article.first_seen,
    )
    for old, new in reversed(list(pairwise(ordered))):
        add_change(
            channel,
            describe_change(old, new),
            article_url=article.url,
            number=new.number,
            title=new.title,
            seen_at=new.seen_at,
            link=channel_link,
            feed=ARTICLE_FEED,
            card=(cards or {}).get(new.number),
        )
    return channel.rss()


def _in_order(article: Article, versions: Sequence[Version]) -> list[Version]:
    """The versions by number, checked to be the article's and to have no gaps or repeats."""
    ordered = sorted(versions, key=lambda version: version.number)
    if any(version.article_id != article.id for version in ordered):
        raise ValueError(f"versions of another article given for article {article.id}")
    numbers = [version.number for version in ordered]
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ValueError(f"version numbers must run without gaps or repeats, not {numbers}")
    return ordered


@dataclass(frozen=True)
class FeedChange:
    """What a feed item says about one change; it depends only on the two versions' texts."""

    title_changed: bool
    in_words: str
    """The change stated in sentences, as HTML paragraphs without any style ("" if only
    whitespace changed): what a reader that drops styles and tags still shows."""
    diff: str
    """The change as an HTML diff with inline styles, around the changed paragraphs."""


def describe_change(old: Version, new: Version) -> FeedChange:
    """Diff version `old` with version `new`, and state and render the diff for a feed item."""
    diff = diff_versions(old, new)
    styled = render_html(diff, inline_styles=True, context=_CONTEXT_PARAGRAPHS)
    return FeedChange(diff.title_changed, _in_words(diff), styled)


def _in_words(diff: ArticleDiff) -> str:
    """The headline, byline and changed passages as they were and became, in sentences."""
    # redline.notify brings apprise and Pillow (0.1 s): loaded when a feed is built, not by
    # every command, which imports this module through redline.core
    from .notify import changed_passages

    said: list[str] = []
    if diff.title_changed:
        said.append(f"Headline changed from “{diff.old_title}” to “{diff.new_title}”.")
    if diff.byline_changed:
        said.append(_byline_words(diff.old_byline, diff.new_byline))
    passages = changed_passages(diff.body)
    for passage in passages[:_PASSAGES_IN_WORDS]:
        said.extend(_passage_words(passage))
    if len(passages) > _PASSAGES_IN_WORDS:
        more = len(passages) - _PASSAGES_IN_WORDS
        said.append(f"… and {more} more changed passages: see the changes below.")
    if not said:
        return ""
    paragraphs = [f"<p>{html.escape(text, quote=False)}</p>" for text in said]
    return "\n".join(['<div class="redline-in-words">', *paragraphs, "</div>"])


def _byline_words(old: str | None, new: str | None) -> str:
    if not old:
        return f"Byline added: “{new}”."
    if not new:
        return f"Byline removed: “{old}”."
    return f"Byline changed from “{old}” to “{new}”."


def _passage_words(passage: Passage) -> list[str]:
    """A passage as "Added: …", "Removed: …" or "Before: …" and "After: …"; one that is a
    correction notice (or part of one) named as such, so that it does not read as story."""
    before, after = _clipped(passage.before), _clipped(passage.after)
    notice = "Correction notice" if _is_notice(before) or _is_notice(after) else None
    if before is None:
        return [f"{notice} added: {after}" if notice else f"Added: {after}"]
    if after is None:
        return [f"{notice} removed: {before}" if notice else f"Removed: {before}"]
    changed = [f"{notice} changed:"] if notice else []
    return [*changed, f"Before: {before}", f"After: {after}"]


def _is_notice(text: str | None) -> bool:
    return text is not None and is_notice(squash(text))


def _clipped(text: str | None) -> str | None:
    if text is None or len(text) <= _LONGEST_PASSAGE:
        return text
    return text[: _LONGEST_PASSAGE - 1].rstrip() + "…"


def add_change(
    channel: Channel,
    change: FeedChange,
    *,
    article_url: str,
    number: int,
    title: str,
    seen_at: datetime,
    link: str,
    feed: str,
    card: ChangeCard | None = None,
) -> None:
    """Add the item for `change`, which made version `number` (headline `title`, seen at
    `seen_at`) of the article at `article_url`, to the feed named `feed` (see `item_guid`).

    The description states the change in words, then shows its diff. With the change's
    `card`, the title says what changed before whose headline it is
    (``Version 3: 1 number changed (90% → 95%) — Headline``), the description opens with
    the summary, and each of its kinds is a category of the item, which readers filter by.
    Without one (a change not yet classified), the title says whether the headline changed.
    """
    parts = [change.in_words, change.diff] if change.in_words else [change.diff]
    if card is None:
        headline = f"new headline: {title}" if change.title_changed else title
        item_title, categories = f"Version {number}: {headline}", []
    else:
        summary = html.escape(card.summary, quote=False)
        parts.insert(0, f'<p class="redline-summary">{summary}</p>')
        item_title = f"Version {number}: {card.summary.rstrip('.')} — {title}"
        categories = [kind.value for kind in card.kinds]
    channel.add_item(
        title=item_title,
        link=link,
        guid=item_guid(article_url, number, feed),
        published=seen_at,
        description="\n".join(parts),
        categories=categories,
    )


def item_guid(article_url: str, number: int, feed: str) -> str:
    """The GUID of the item for version `number` of the article at `article_url` in the
    feed named `feed`: the same in every render, run and database.

    Some readers keep one item per GUID across all their feeds, so the same change in two
    feeds (the archive's and an article's, or one feed filtered two ways) needs two GUIDs,
    or one of the feeds loses it. `feed` names the feed among those that can hold the
    change: `ARCHIVE_FEED` (no name: the GUIDs redline always gave), `ARTICLE_FEED`, or
    another name, with the query string of a filtered feed.
    """
    guid = f"{article_url}#redline-version-{number}"
    return f"{guid}/{feed}" if feed else guid


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; raises ValueError for a time without a timezone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time without a timezone: {moment.isoformat()}")
    return moment.astimezone(UTC)


def _xml_safe(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def _plain_text(text: str) -> str:
    """`text` for a feed element that holds plain text (titles, Atom's subtitle).

    Plain text is what RSS and Atom say titles are, but many readers render them as HTML
    anyway, and feedparser itself promotes a title that looks like HTML to HTML (keeping an
    `<img>` it finds). A word joiner after every `<` that would open markup leaves the text
    reading the same in either kind of reader, while no HTML parser finds an element in it.
    """
    return _MARKUP_OPENER.sub("<" + _WORD_JOINER, _xml_safe(text))


class Channel:
    """A feed being built: a typed face on the few feedgen calls redline makes.

    The same channel gives RSS 2.0 or Atom; Atom's feed id is the channel's link and an
    entry's id its GUID. Titles and descriptions may hold article text (headlines, source
    names, URLs), so each goes out in a form no reader can take for markup: titles and Atom's
    subtitle as plain text (see `_plain_text`), RSS's description, which readers render as
    HTML, escaped as HTML before feedgen escapes it as XML.
    """

    def __init__(self, *, title: str, link: str, description: str, last_build: datetime) -> None:
        self._feed = FeedGenerator()
        self._feed.title(_plain_text(title))
        self._feed.id(_xml_safe(link))
        self._feed.link(href=_xml_safe(link), rel="alternate")
        self._description = description
        self._feed.lastBuildDate(_utc(last_build))
        self._feed.generator("redline")

    def add_item(
        self,
        *,
        title: str,
        link: str,
        guid: str,
        published: datetime,
        description: str,
        categories: Sequence[str] = (),
    ) -> None:
        """Add an item after those already added."""
        entry = self._feed.add_entry(order="append")
        entry.title(_plain_text(title))
        for term in categories:
            entry.category(term=_xml_safe(term))
        entry.link(href=_xml_safe(link))
        entry.guid(_xml_safe(guid), permalink=False)
        entry.pubDate(_utc(published))
        entry.updated(_utc(published))
        entry.content(_xml_safe(description), type="html")

    def rss(self) -> bytes:
        """The channel as an RSS 2.0 document, UTF-8 encoded."""
        self._feed.description(html.escape(_xml_safe(self._description), quote=False))
        document: bytes = self._feed.rss_str(pretty=True)
        return document

    def atom(self) -> bytes:
        """The channel as an Atom document, UTF-8 encoded."""
        self._feed.subtitle(_plain_text(self._description))  # feedgen's description, in Atom
        document: bytes = self._feed.atom_str(pretty=True)
        return document
