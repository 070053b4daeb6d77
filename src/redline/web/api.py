"""The JSON API under /api/: the archive's articles, versions, diffs, sources and search.

Listings come a page at a time: ``{"items": [...], "next": path or null}``, the ``next``
path continuing the listing. Errors are ``{"error": {"status": ..., "message": ...}}``.
Every document is a :mod:`redline.shapes` shape's, and :mod:`.openapi` describes every
route with those same shapes' schemas.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..shapes import (
    ARTICLE,
    ARTICLE_PAGE,
    CHANGE_PAGE,
    DIFF,
    SEARCH_HIT_PAGE,
    SOURCE_NAME_PAGE,
    VERSION,
    VERSION_INFO_PAGE,
    Listing,
    VersionDiff,
)
from ..store.queries import Page, search_terms
from .cards import change_filter
from .http import cached_response, cursor_param, diff_numbers, limit_param, path_int
from .openapi import DEFAULT_LIMIT, MAX_LIMIT, openapi_document
from .pages import search_query
from .state import modified, web

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "routes"]

JSON = "application/json"

T = TypeVar("T")


def json_response(
    request: Request, data: object, *, last_modified: datetime | None = None
) -> Response:
    """``data`` as JSON that answers conditional requests."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return cached_response(request, body, JSON, last_modified=modified(request, last_modified))


def _listing(request: Request, page: Page[T]) -> Listing[T]:
    """A page of a listing, its ``next`` path keeping the request's other parameters."""
    following = None
    if page.next_before is not None:
        kept = [
            (key, value) for key, value in request.query_params.multi_items() if key != "before"
        ]
        params = [*kept, ("before", str(page.next_before))]  # every kind= of a repeated one
        following = f"{request.scope.get('root_path', '')}{request.url.path}?{urlencode(params)}"
    return Listing(page.items, following)


def articles(request: Request) -> Response:
    """Articles, newest first; ``source=`` for one source's."""
    page = web(request).articles(
        limit=limit_param(request, DEFAULT_LIMIT, MAX_LIMIT),
        before=cursor_param(request),
        source=request.query_params.get("source"),
    )
    return json_response(request, ARTICLE_PAGE.dump(_listing(request, page)))


def article(request: Request) -> Response:
    """One article."""
    found = web(request).archive.article(path_int(request, "article_id"))
    return json_response(request, ARTICLE.dump(found), last_modified=found.last_checked)


def versions(request: Request) -> Response:
    """An article's versions, from number 0, without their text."""
    archive = web(request).archive
    found = archive.article(path_int(request, "article_id"))
    page = VERSION_INFO_PAGE.dump(Listing(archive.versions(found.id)))
    return json_response(request, page, last_modified=found.last_changed)


def version(request: Request) -> Response:
    """One version, with its text."""
    article_id, number = path_int(request, "article_id"), path_int(request, "number")
    found = web(request).archive.version(article_id, number)
    return json_response(request, VERSION.dump(found), last_modified=found.seen_at)


def diff(request: Request) -> Response:
    """The word diff between two versions of an article."""
    shared = web(request)
    article_id, old_number, new_number = diff_numbers(request)
    old = shared.archive.version(article_id, old_number)
    new = shared.archive.version(article_id, new_number)
    data = DIFF.dump(VersionDiff(shared.diffs.article_diff(old, new), old_number, new_number))
    return json_response(request, data, last_modified=new.seen_at)


def changes(request: Request) -> Response:
    """The latest changes, newest first; ``source=`` for one source's, ``kind=`` and
    ``min_significance=`` for those of some kinds or of some significance."""
    page = web(request).changes(
        limit=limit_param(request, DEFAULT_LIMIT, MAX_LIMIT),
        before=cursor_param(request),
        source=request.query_params.get("source"),
        only=change_filter(request),
    )
    return json_response(request, CHANGE_PAGE.dump(_listing(request, page)))


def sources(request: Request) -> Response:
    """Every source's name."""
    names = web(request).archive.source_names()
    return json_response(request, SOURCE_NAME_PAGE.dump(Listing(names)))


def search(request: Request) -> Response:
    """Versions holding every word of ``q``, newest first."""
    terms = search_terms(search_query(request))
    if not terms:
        raise HTTPException(400, "q= must hold at least one word to search for")
    page = web(request).archive.search(
        terms, limit=limit_param(request, DEFAULT_LIMIT, MAX_LIMIT), before=cursor_param(request)
    )
    return json_response(request, SEARCH_HIT_PAGE.dump(_listing(request, page)))


def openapi(request: Request) -> Response:
    """This API's OpenAPI description."""
    return json_response(request, openapi_document(request.scope.get("root_path", "")))


routes = [
    Route("/api/articles", articles, name="api_articles"),
    Route("/api/articles/{article_id}", article, name="api_article"),
    Route("/api/articles/{article_id}/versions", versions, name="api_versions"),
    Route("/api/articles/{article_id}/versions/{number}", version, name="api_version"),
    Route("/api/articles/{article_id}/diff/{old}/{new}", diff, name="api_diff"),
    Route("/api/changes", changes, name="api_changes"),
    Route("/api/sources", sources, name="api_sources"),
    Route("/api/search", search, name="api_search"),
    Route("/api/openapi.json", openapi, name="api_openapi"),
]
