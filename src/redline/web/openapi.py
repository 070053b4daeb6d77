"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Its schemas are :mod:`redline.shapes`' own, so what a route answers and what this says it
answers are one declaration. Every status a route can answer is listed, each error with
the Error body, and each parameter's schema takes exactly the values the route takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..model import ChangeKind
from ..shapes import (
    ARTICLE,
    ARTICLE_PAGE,
    CHANGE_PAGE,
    DIFF,
    ERROR,
    ID,
    MAX_ID,
    SEARCH_HIT_PAGE,
    SOURCE_NAME_PAGE,
    VERSION,
    VERSION_INFO_PAGE,
    Shape,
    schemas,
)
from .pages import MAX_QUERY_LENGTH

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "openapi_document"]

DEFAULT_LIMIT = 50
"""Items on a page of a listing unless ``limit=`` says otherwise."""

MAX_LIMIT = 200

JSON = "application/json"

_TEXT = {"type": "string"}


def _header(description: str, *, required: bool) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": _TEXT}


_VALIDATORS = {
    "ETag": _header("A digest of the body, for If-None-Match.", required=True),
    "Cache-Control": _header("`no-cache`: revalidate before each use.", required=True),
}
_LAST_MODIFIED = {
    # absent where there is no date yet: an article never checked, or never changed
    "Last-Modified": _header(
        "When the content last changed, for If-Modified-Since.", required=False
    )
}


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": ID}


def _query_param(
    name: str, description: str, schema: dict[str, Any], *, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


_ARTICLE_ID = _path_param("article_id", "The article's id.")
_BEFORE = _query_param(
    "before",
    "Continue a listing: the value its `next` path gives.",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
)
_LIMIT = _query_param(
    "limit",
    "Items a page.",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
)
_SOURCE = _query_param("source", "Only this source's.", _TEXT)
_QUERY = _query_param(
    "q",
    "The words to find, all of them found. A query must hold at least one word (a letter or"
    " digit of any script): one of punctuation and spaces alone is a 400.",
    # in words, not a pattern: JSON Schema's regexes are ECMA-262's, whose \w is ASCII alone
    {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    required=True,
)
_PAGED = [_BEFORE, _LIMIT]
_KIND = _query_param(
    "kind",
    "Only changes of any of these kinds (repeat for more: `kind=numbers&kind=quotes`).",
    {"type": "array", "items": {"type": "string", "enum": [kind.value for kind in ChangeKind]}},
) | {"style": "form", "explode": True}
_MIN_SIGNIFICANCE = _query_param(
    "min_significance",
    "Only changes at least this significant, from 0 (every change) to 1.",
    {"type": "number", "minimum": 0, "maximum": 1, "default": 0},
)
_CHANGE_FILTERS = [_KIND, _MIN_SIGNIFICANCE]

_NOT_VALID = "A parameter is not valid."
_NOT_FOUND = "There is no such article or version."
_SERVER_ERROR = "Something went wrong on the server's side; it has been logged."


@dataclass(frozen=True)
class _Get:
    """A GET answering ``shape`` as JSON (or 304), else an Error with one of ``errors``."""

    summary: str
    shape: Shape[Any]
    parameters: list[dict[str, Any]]
    errors: dict[int, str]
    dated: bool = False
    """The answer carries Last-Modified, so If-Modified-Since can answer 304 too."""

    def path_item(self) -> dict[str, Any]:
        headers = _VALIDATORS | (_LAST_MODIFIED if self.dated else {})
        responses: dict[str, Any] = {
            "200": {"description": "OK", "headers": headers, "content": _json(self.shape)},
            "304": {
                "description": "Not modified since the ETag or date given.",
                "headers": headers,
            },
        }
        for status, description in (self.errors | {500: _SERVER_ERROR}).items():
            responses[str(status)] = {"description": description, "content": _json(ERROR)}
        operation = {"summary": self.summary, "parameters": self.parameters, "responses": responses}
        return {"get": operation}


def _json(shape: Shape[Any]) -> dict[str, Any]:
    return {JSON: {"schema": shape.ref()}}


_ROUTES = {
    "/api/articles": _Get(
        "Articles, newest first.", ARTICLE_PAGE, [*_PAGED, _SOURCE], {400: _NOT_VALID}
    ),
    "/api/articles/{article_id}": _Get(
        "One article.", ARTICLE, [_ARTICLE_ID], {404: _NOT_FOUND}, dated=True
    ),
    "/api/articles/{article_id}/versions": _Get(
        "An article's versions, from number 0, without their text, each with its change card.",
        VERSION_INFO_PAGE,
        [_ARTICLE_ID],
        {404: _NOT_FOUND},
        dated=True,
    ),
    "/api/articles/{article_id}/versions/{number}": _Get(
        "One version, with its text.",
        VERSION,
        [_ARTICLE_ID, _path_param("number", "The version's number, from 0.")],
        {404: _NOT_FOUND},
        dated=True,
    ),
    "/api/articles/{article_id}/diff/{old}/{new}": _Get(
        "The word diff from version `old` to a later version `new`.",
        DIFF,
        [
            _ARTICLE_ID,
            _path_param("old", "The older version's number."),
            _path_param("new", "The newer version's number: greater than `old`."),
        ],
        {400: "`old` is not less than `new`.", 404: _NOT_FOUND},
        dated=True,
    ),
    "/api/changes": _Get(
        "The latest changes: new versions with the versions they replaced, newest first.",
        CHANGE_PAGE,
        [*_PAGED, _SOURCE, *_CHANGE_FILTERS],
        {
            400: f"{_NOT_VALID} `before` must name a version, as a `next` path's does;"
            " a `kind` must be one of the kinds listed."
        },
    ),
    "/api/sources": _Get("Every source's name.", SOURCE_NAME_PAGE, [], {}),
    "/api/search": _Get(
        "Versions whose headline or text holds every word of `q`, newest first.",
        SEARCH_HIT_PAGE,
        [_QUERY, *_PAGED],
        {400: _NOT_VALID},
    ),
}

_PATHS = {path: route.path_item() for path, route in _ROUTES.items()}
_SCHEMAS = schemas([ERROR, *(route.shape for route in _ROUTES.values())])


def openapi_document(root_path: str) -> dict[str, Any]:
    """The API's description, its server at ``root_path`` (the app's mount prefix)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "redline archive",
            "version": __version__,
            "description": "Read-only access to tracked articles, their versions and changes.",
        },
        "servers": [{"url": root_path or "/"}],
        "paths": _PATHS,
        "components": {"schemas": _SCHEMAS},
    }
