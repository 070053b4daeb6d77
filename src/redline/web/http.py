"""HTTP plumbing: reading parameters, conditional responses, and the security headers."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote, quote_from_bytes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..shapes import MAX_ID

__all__ = [
    "SECURITY_HEADERS",
    "AsciiQuery",
    "SecurityHeaders",
    "cached_response",
    "choice_param",
    "cursor_param",
    "diff_numbers",
    "limit_param",
    "path_int",
    "relative_path",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""No script at all, no inline style, nothing from elsewhere: article text can run nothing."""

SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


_SECURITY_HEADER_NAMES = {name for name, _ in SECURITY_HEADERS}


class SecurityHeaders:
    """ASGI middleware giving every response the Content-Security-Policy and its companions,
    each once: any the app set already are replaced."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _SECURITY_HEADER_NAMES
                ]
                message["headers"] = [*kept, *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


_QUERY_SAFE = bytes(range(0x21, 0x7F)).decode()
"""Bytes a query string keeps as they are: printable ASCII, escapes and separators too."""


class AsciiQuery:
    """ASGI middleware percent-escaping the bytes of a query string that are not printable
    ASCII, as browsers do before sending one.

    Starlette reads the query string as UTF-8 wherever it builds the request's URL, and
    fails on anything else; escaped, a stray byte is just a parameter value that says
    nothing (a 400 where a value matters). The scope changes in place, so the error
    handlers outside see it too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            scope["query_string"] = quote_from_bytes(query, safe=_QUERY_SAFE).encode()
        await self.app(scope, receive, send)


def path_int(request: Request, name: str) -> int:
    """A path parameter that must be a number (an id, a version number); else 404."""
    value = request.path_params[name]
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise HTTPException(404, f"there is nothing at {request.url.path}")
    return int(value)


def diff_numbers(request: Request) -> tuple[int, int, int]:
    """A diff route's article id and the numbers of the versions it goes from and to: 404
    for one that is no number, 400 unless the diff goes from an older version to a newer."""
    article_id = path_int(request, "article_id")
    old, new = path_int(request, "old"), path_int(request, "new")
    if old >= new:
        raise HTTPException(400, "a diff goes from an older version to a newer one")
    return article_id, old, new


def cursor_param(request: Request) -> int | None:
    """The ``before`` query parameter continuing a listing: an id; else 400."""
    value = request.query_params.get("before")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
        raise HTTPException(400, "before= must be the id a listing's next link gives")
    return int(value)


def limit_param(request: Request, default: int, maximum: int) -> int:
    """The ``limit`` query parameter: 1 to ``maximum`` items a page; else 400."""
    value = request.query_params.get("limit", str(default))
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise HTTPException(400, f"limit= must be a whole number from 1 to {maximum}")
    return int(value)


def choice_param(request: Request, name: str, choices: tuple[str, ...]) -> str:
    """A query parameter that is one of ``choices`` (the first by default); else 400."""
    value = request.query_params.get(name, choices[0])
    if value not in choices:
        raise HTTPException(400, f"{name}= must be one of: {', '.join(choices)}")
    return value


def relative_path(request: Request, route: str, /, **params: object) -> str:
    """The path of the route named ``route``, under the prefix the app is mounted at."""
    quoted = {key: quote(str(value), safe="") for key, value in params.items()}
    path = request.app.url_path_for(route, **quoted)
    return f"{request.scope.get('root_path', '')}{path}"


def cached_response(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    last_modified: datetime | None = None,
    status_code: int = 200,
) -> Response:
    """A response with an ETag (a digest of ``body``) and Last-Modified, or a 304.

    If-None-Match wins over If-Modified-Since, as RFC 9110 asks. Clients must revalidate
    (``no-cache``): a page's wording moves with the clock ("about 2 hours ago").
    """
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.replace(microsecond=0), True)
    if status_code == 200 and _not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)


def _not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's copy is current, by its conditional request headers."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, OverflowError):  # not a date, or a year past any
        return False
    return since.tzinfo is not None and last_modified.replace(microsecond=0) <= since
