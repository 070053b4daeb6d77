"""Feeds of changes, RSS 2.0 and Atom side by side: per article, per source, archive-wide.

Items are built by :mod:`redline.feeds` (an article's feed has the same titles and GUIDs as
``redline feed``); each item's title and description open with the change's summary, the
description then states the change in words and shows its diff, described once and kept
(see :mod:`.diffs`). Every feed takes the listings' filters
(``?kind=numbers&min_significance=0.5``, see :mod:`.cards`). The same change has another
GUID in each feed (see :func:`redline.feeds.item_guid`): the archive's unfiltered feed
keeps the GUIDs it always had; a source's, an article's and a filtered feed's are named.
Every link in a feed is absolute, under the prefix the app is mounted at: at the configured
public address (``[web] base_url``), else at the address the request came to, and then the
feed varies with the request's ``Host``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..feeds import ARCHIVE_FEED, ARTICLE_FEED, Channel, add_change
from ..store.queries import Change, ChangeFilter
from .cards import change_filter, filter_query
from .http import cached_response, path_int, relative_path
from .state import modified, named_source, web

__all__ = ["FEED_SIZE", "routes"]

FEED_SIZE = 50
"""Changes in a feed, newest first."""

_MEDIA_TYPES = {
    "xml": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}

_SOURCE_FEED = "source"
"""A source's feed's name in its items' GUIDs (an article is in one source's feed only)."""

_FILTERED_ARCHIVE_FEED = "all"
"""The archive's feed's name in its items' GUIDs once filtered (unfiltered, it has none)."""

_EMPTY_ARCHIVE = datetime(1970, 1, 1, tzinfo=UTC)
"""A feed's date before anything has changed: a constant, so its ETag holds."""


def archive_feed(request: Request) -> Response:
    """Every article's changes (those the filters let through)."""
    only = change_filter(request)
    changes = web(request).changes(limit=FEED_SIZE, before=None, only=only)
    title = f"redline: {'changes' if only.needs_card else 'all changes'}{_filtered(only)}"
    link = _absolute(request, "index") + filter_query(only)  # the index filtered the same way
    name = _FILTERED_ARCHIVE_FEED if only.needs_card else ARCHIVE_FEED
    return _feed(request, title, link, changes.items, _named(name, only))


def source_feed(request: Request) -> Response:
    """The changes to a source's articles."""
    name, only = named_source(request), change_filter(request)
    changes = web(request).changes(limit=FEED_SIZE, before=None, source=name, only=only)
    title, link = (
        f"redline: changes to articles from {name}{_filtered(only)}",
        _absolute(request, "source", name=name) + filter_query(only),
    )
    return _feed(request, title, link, changes.items, _named(_SOURCE_FEED, only))


def article_feed(request: Request) -> Response:
    """The changes to one article."""
    only = change_filter(request)
    found = web(request).archive.article(path_int(request, "article_id"))
    changes = web(request).changes(limit=FEED_SIZE, before=None, article_id=found.id, only=only)
    title = f"Changes to: {found.title or found.url}{_filtered(only)}"
    link = _absolute(request, "article", article_id=found.id)
    name = _named(ARTICLE_FEED, only)
    return _feed(request, title, link, changes.items, name, empty=found.first_seen)


def _named(name: str, only: ChangeFilter) -> str:
    """A feed's name in its items' GUIDs: ``name``, and which changes it lets through."""
    return name + filter_query(only)


def _filtered(only: ChangeFilter) -> str:
    """What a filtered feed's title adds: which changes it holds."""
    if not only.needs_card:
        return ""
    said = [" or ".join(kind.value for kind in only.kinds)] if only.kinds else []
    if only.min_significance > 0:
        said.append(f"significance at least {only.min_significance:g}")
    return f" ({'; '.join(said)})"


def _feed(
    request: Request,
    title: str,
    link: str,
    changes: Sequence[Change],
    name: str,
    *,
    empty: datetime = _EMPTY_ARCHIVE,
) -> Response:
    """The feed named ``name`` (in its GUIDs) of ``changes`` (newest first), in the format
    the path asks for."""
    kind = request.path_params["kind"]
    if kind not in _MEDIA_TYPES:
        raise HTTPException(404, f"there is no feed at {request.url.path} (try .xml or .atom)")
    newest = changes[0].new.seen_at if changes else None
    channel = Channel(
        title=title,
        link=link,
        description=f"{title}, newest first, as redline saw them.",
        last_build=newest or empty,
    )
    shared = web(request)
    for change, described in zip(
        changes, shared.diffs.feed_changes_for(shared.archive, changes), strict=True
    ):
        diff_link = _absolute(
            request,
            "diff",
            article_id=change.article_id,
            old=change.old.number,
            new=change.new.number,
        )
        add_change(
            channel,
            described,
            article_url=change.article_url,
            number=change.new.number,
            title=change.new.title,
            seen_at=change.new.seen_at,
            link=diff_link,
            feed=name,
            card=change.card,
        )
    body = channel.rss() if kind == "xml" else channel.atom()
    last_modified = modified(request, newest)
    response = cached_response(request, body, _MEDIA_TYPES[kind], last_modified=last_modified)
    if shared.origin is None:  # the links came from the Host header: a cache must key on it
        response.headers["Vary"] = "Host"
    return response


def _absolute(request: Request, route: str, /, **params: object) -> str:
    """The absolute URL of the route named ``route``."""
    origin = web(request).origin or f"{request.url.scheme}://{request.url.netloc}"
    return origin + relative_path(request, route, **params)


routes = [
    Route("/feed.{kind}", archive_feed, name="feed"),
    Route("/sources/{name}/feed.{kind}", source_feed, name="source_feed"),
    Route("/articles/{article_id}/feed.{kind}", article_feed, name="article_feed"),
]
