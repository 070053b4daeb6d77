"""The archive's HTML pages: latest changes, sources, articles, diffs, versions, search."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotFoundError
from ..images import alt_text
from ..reextract import capture_html
from ..report import describe_schedule
from ..store.queries import search_terms
from .cards import change_filter
from .change_images import preview_image, shown_change
from .diffs import side_by_side
from .http import cached_response, choice_param, cursor_param, diff_numbers, path_int
from .rendering import anchored_inline_diff, page
from .search import group_hits
from .state import named_source, web

__all__ = ["MAX_QUERY_LENGTH", "PAGE_SIZE", "routes", "search_query"]

PAGE_SIZE = 50
"""Changes or articles on one page of a listing."""

SEARCH_PAGE_SIZE = 20
"""Versions found shown on one page of search results."""

MAX_QUERY_LENGTH = 200
"""The longest search query taken, in characters."""

VIEWS = ("side-by-side", "inline")


def index(request: Request) -> Response:
    """The latest changes across the archive, newest first."""
    before, only = cursor_param(request), change_filter(request)
    changes = web(request).changes(limit=PAGE_SIZE, before=before, only=only)
    newest = changes.items[0].new.seen_at if changes.items else None
    return page(
        request,
        "index.html",
        last_modified=newest,
        changes=changes,
        first_page=before is None,
        only=only,
    )


def sources(request: Request) -> Response:
    """Every source, by name."""
    return page(request, "sources.html", names=web(request).archive.source_names())


def source(request: Request) -> Response:
    """A source's recent changes and its articles, newest first."""
    archive, name = web(request).archive, named_source(request)
    before, only = cursor_param(request), change_filter(request)
    changes = web(request).changes(limit=10, before=None, source=name, only=only)
    articles = web(request).articles(limit=PAGE_SIZE, before=before, source=name)
    newest = [change.new.seen_at for change in changes.items[:1]]
    newest += [article.first_seen for article in articles.items[:1]]
    return page(
        request,
        "source.html",
        last_modified=max(newest, default=None),
        name=name,
        article_count=archive.count_articles(name),
        changes=changes,
        articles=articles,
        first_page=before is None,
        only=only,
    )


def article(request: Request) -> Response:
    """An article page, in the seed tracker's words, with the list of its versions."""
    shared = web(request)
    found = shared.archive.article(path_int(request, "article_id"))
    return page(
        request,
        "article.html",
        last_modified=found.last_checked or found.first_seen,  # a check may stop it: say so
        article=found,
        versions=shared.archive.versions(found.id),
        schedule=describe_schedule(found, shared.archive.latest_check(found.id), shared.clock()),
    )


def diff(request: Request) -> Response:
    """Two versions side by side (or inline), with links to the changes either side."""
    shared = web(request)
    article_id, old_number, new_number = diff_numbers(request)
    view = choice_param(request, "view", VIEWS)
    found = shared.archive.article(article_id)
    old = shared.archive.version(article_id, old_number)
    new = shared.archive.version(article_id, new_number)
    changes = shared.diffs.article_diff(old, new)
    previous = (old_number - 1, old_number) if old_number > 0 else None
    following = (new_number, new_number + 1) if new_number + 1 < found.version_count else None
    sides, inline, jump = None, None, False
    if view == "side-by-side":
        sides = side_by_side(changes)
        jump = sides.first_change is not None
    else:
        inline, jump = anchored_inline_diff(changes)
    return page(
        request,
        "diff.html",
        last_modified=new.seen_at,
        article=found,
        old=old,
        new=new,
        cards=shared.cards_between(article_id, old_number, new_number),
        image_alt=alt_text(shown_change(shared, found, old, new)),
        image_url=preview_image(request, article_id, old_number, new_number),
        diff=changes,
        sides=sides,
        inline=inline,
        jump=jump,
        view=view,
        view_param=None if view == VIEWS[0] else view,
        previous=previous,
        next=following,
    )


def version(request: Request) -> Response:
    """The full text of one version."""
    archive = web(request).archive
    found = archive.article(path_int(request, "article_id"))
    shown = archive.version(found.id, path_int(request, "number"))
    replaced = archive.replaced_texts(found.id, shown.number)
    return page(
        request,
        "version.html",
        last_modified=shown.seen_at,  # or a later re-extraction (see state.modified)
        article=found,
        version=shown,
        archived=web(request).pages.has_capture(found.id, shown.number),
        replaced=replaced,
    )


def fetched_page(request: Request) -> Response:
    """The HTML source of the page a version was extracted from, as text: never run here."""
    article_id, number = path_int(request, "article_id"), path_int(request, "number")
    try:
        fetched = web(request).pages.capture(article_id, number)
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    source = capture_html(fetched).encode()
    response = cached_response(
        request, source, "text/plain; charset=utf-8", last_modified=fetched.fetched_at
    )
    name = f"article-{article_id}-version-{number}.html"
    response.headers["content-disposition"] = f'inline; filename="{name}"'
    return response


def search_query(request: Request) -> str:
    """The ``q`` query parameter, stripped; 400 if it is too long (spaces and all)."""
    query = request.query_params.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        raise HTTPException(400, f"a search can be at most {MAX_QUERY_LENGTH} characters long")
    return query.strip()


def search(request: Request) -> Response:
    """Versions whose headline or text holds every word of ``q``, grouped by article."""
    query, before = search_query(request), cursor_param(request)
    terms = search_terms(query)
    found = web(request).archive.search(terms, limit=SEARCH_PAGE_SIZE, before=before)
    return page(
        request,
        "search.html",
        search_query=query,
        results=group_hits(found.items, terms),
        next_before=found.next_before,
        first_page=before is None,
    )


routes = [
    Route("/", index, name="index"),
    Route("/sources", sources, name="sources"),
    Route("/sources/{name}", source, name="source"),
    Route("/articles/{article_id}", article, name="article"),
    Route("/articles/{article_id}/diff/{old}/{new}", diff, name="diff"),
    Route("/articles/{article_id}/versions/{number}", version, name="version"),
    Route("/articles/{article_id}/versions/{number}/page", fetched_page, name="fetched_page"),
    Route("/search", search, name="search"),
]
