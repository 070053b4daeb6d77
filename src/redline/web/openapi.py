"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from .. import __version__

__all__ = ["openapi_document"]

_ID = {"type": "integer", "minimum": 0}
_TIME = {"type": "string", "format": "date-time"}
_TEXT_OR_NULL = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "properties": properties}


def _listing(item: str) -> dict[str, Any]:
    """A page of a listing: its items and the path of the next page (null on the last)."""
    return _object({"items": {"type": "array", "items": _ref(item)}, "next": _TEXT_OR_NULL})


_VERSION_INFO = {
    "number": _ID,
    "seen_at": _TIME,
    "title": {"type": "string"},
    "content_hash": {"type": "string"},
}

_SCHEMAS: dict[str, Any] = {
    "Article": _object(
        {
            "id": _ID,
            "url": {"type": "string"},
            "final_url": _TEXT_OR_NULL,
            "source": _TEXT_OR_NULL,
            "title": _TEXT_OR_NULL,
            "version_count": _ID,
            "first_seen": _TIME,
            "last_checked": {"type": ["string", "null"], "format": "date-time"},
            "last_changed": {"type": ["string", "null"], "format": "date-time"},
            "next_check": {"type": ["string", "null"], "format": "date-time"},
            "status": {"enum": ["active", "stopped"]},
        }
    ),
    "VersionInfo": _object(_VERSION_INFO),
    "Version": _object(
        _VERSION_INFO
        | {
            "article_id": _ID,
            "byline": _TEXT_OR_NULL,
            "paragraphs": {"type": "array", "items": {"type": "string"}},
            "extractor_version": {"type": "string"},
        }
    ),
    "Change": _object(
        {
            "version_id": _ID,
            "article_id": _ID,
            "url": {"type": "string"},
            "source": _TEXT_OR_NULL,
            "from": _ref("VersionInfo"),
            "to": _ref("VersionInfo"),
        }
    ),
    "Diff": _object(
        {
            "from": _ID,
            "to": _ID,
            "title": _object({"old": {"type": "string"}, "new": {"type": "string"}}),
            "byline": _object({"old": _TEXT_OR_NULL, "new": _TEXT_OR_NULL}),
            "ops": {
                "type": "array",
                "items": _object(
                    {"op": {"enum": ["equal", "insert", "delete"]}, "text": {"type": "string"}}
                ),
            },
        }
    ),
    "Source": _object({"name": {"type": "string"}}),
    "SearchHit": _object(
        {
            "version_id": _ID,
            "article_id": _ID,
            "url": {"type": "string"},
            "source": _TEXT_OR_NULL,
            "version": _ref("VersionInfo"),
        }
    ),
    "Error": _object(
        {"error": _object({"status": {"type": "integer"}, "message": {"type": "string"}})}
    ),
}
_SCHEMAS |= {
    f"{name}Page": _listing(name) for name in ("Article", "VersionInfo", "Change", "Source")
}
_SCHEMAS["SearchHitPage"] = _listing("SearchHit")


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": _ID}


def _query_param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_ARTICLE_ID = _path_param("article_id", "The article's id.")
_BEFORE = _query_param("before", "Continue a listing: the value its `next` path gives.", _ID)
_LIMIT = _query_param(
    "limit", "Items a page.", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
)
_SOURCE = _query_param("source", "Only this source's.", {"type": "string"})
_PAGED = [_BEFORE, _LIMIT]


def _operation(
    summary: str, schema: str, parameters: list[dict[str, Any]], errors: tuple[int, ...]
) -> dict[str, Any]:
    """A GET operation answering ``schema`` as JSON, or an Error with one of ``errors``."""
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}},
        "304": {"description": "Not modified since the ETag or date the request gave."},
    }
    for status in errors:
        error = {
            "description": _ERRORS[status],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        responses[str(status)] = error
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


_ERRORS = {400: "A parameter is not valid.", 404: "There is no such article or version."}

_PATHS = {
    "/api/articles": _operation(
        "Articles, newest first.", "ArticlePage", [*_PAGED, _SOURCE], (400,)
    ),
    "/api/articles/{article_id}": _operation("One article.", "Article", [_ARTICLE_ID], (404,)),
    "/api/articles/{article_id}/versions": _operation(
        "An article's versions, from number 0, without their text.",
        "VersionInfoPage",
        [_ARTICLE_ID],
        (404,),
    ),
    "/api/articles/{article_id}/versions/{number}": _operation(
        "One version, with its text.",
        "Version",
        [_ARTICLE_ID, _path_param("number", "The version's number, from 0.")],
        (404,),
    ),
    "/api/articles/{article_id}/diff/{old}/{new}": _operation(
        "The word diff from version `old` to a later version `new`.",
        "Diff",
        [
            _ARTICLE_ID,
            _path_param("old", "The older version's number."),
            _path_param("new", "The newer version's number."),
        ],
        (400, 404),
    ),
    "/api/changes": _operation(
        "The latest changes: new versions with the versions they replaced, newest first.",
        "ChangePage",
        [*_PAGED, _SOURCE],
        (400,),
    ),
    "/api/sources": _operation("Every source's name.", "SourcePage", [], ()),
    "/api/search": _operation(
        "Versions whose headline or text holds every word of `q`, newest first.",
        "SearchHitPage",
        [
            {
                **_query_param("q", "The words to find.", {"type": "string", "maxLength": 200}),
                "required": True,
            },
            *_PAGED,
        ],
        (400,),
    ),
}


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
