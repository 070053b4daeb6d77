"""The web archive: a read-only Starlette app over the same database as the CLI."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, event
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import ConfigError, NotFoundError
from ..model import Clock, utc_now
from ..shapes import ERROR, Problem
from ..store import ArchiveStore
from ..store.database import open_engine, upgrade
from ..store.queries import Archive
from . import api, change_images, feeds, pages
from .diffs import DiffCache
from .http import SECURITY_HEADERS, AsciiQuery, SecurityHeaders
from .rendering import HTML, render
from .state import Web

__all__ = ["create_app", "serve"]

log = logging.getLogger("redline.web")

STATIC = Path(__file__).parent / "static"


def create_app(
    database_url: str,
    *,
    root_path: str = "",
    base_url: str | None = None,
    clock: Clock = utc_now,
) -> Starlette:
    """The archive's web app over the database at ``database_url`` (a SQLAlchemy URL).

    The schema is brought up to date first, as every redline command does; after that
    the app's connections are read-only. ``root_path`` is the path prefix the app is
    served under behind a proxy (``/archive``), whether or not the proxy strips it.
    ``base_url`` is the archive's public address (``[web] base_url``): feeds link under
    it, and its path, if any, is the prefix. Raises StoreError if the database cannot be
    opened or upgraded, ConfigError if ``base_url`` and ``root_path`` disagree.
    """
    origin, root_path = _public_address(base_url, root_path)
    engine = _read_only_engine(database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = Starlette(
        routes=[
            *change_images.routes,  # first: the diff page's path would take "2.png" for "2"
            *pages.routes,
            *feeds.routes,
            *api.routes,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(AsciiQuery),
            Middleware(_RootPath, root_path=root_path),
            Middleware(SecurityHeaders),
        ],
        exception_handlers={
            HTTPException: _http_error,
            NotFoundError: _not_found,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.web = Web(Archive(engine), DiffCache(), clock, ArchiveStore(engine), origin)
    return app


def _public_address(base_url: str | None, root_path: str) -> tuple[str | None, str]:
    """The origin absolute links start with, and the path prefix, from both settings.

    Pages link by absolute path under the prefix, so the path of the public address must
    be that prefix: given alone, it becomes the prefix.
    """
    if base_url is None:
        return None, root_path
    parts = urlsplit(base_url)
    prefix, root_path = parts.path.rstrip("/"), root_path.rstrip("/")
    if prefix and root_path and prefix != root_path:
        raise ConfigError(
            f"[web] base_url {base_url} is under {prefix}, but the root path is {root_path}"
        )
    return f"{parts.scheme}://{parts.netloc}", root_path or prefix


def serve(
    database_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    root_path: str = "",
    base_url: str | None = None,
) -> None:
    """Serve the archive with uvicorn until interrupted."""
    import uvicorn

    app = create_app(database_url, root_path=root_path, base_url=base_url)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")


def _read_only_engine(database_url: str) -> Engine:
    """An engine on the upgraded database whose every connection refuses to write."""
    upgrading = open_engine(database_url)
    try:
        upgrade(upgrading)
    finally:
        upgrading.dispose()
    engine = open_engine(database_url)
    event.listen(engine, "connect", _refuse_writes)
    return engine


def _refuse_writes(dbapi_connection: Any, _record: object) -> None:
    """Make a new connection read-only: SQLite's query_only, PostgreSQL's read-only default."""
    cursor = dbapi_connection.cursor()
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor.execute("PRAGMA query_only = ON")
    else:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        dbapi_connection.commit()
    cursor.close()


class _RootPath:
    """Puts the app under its prefix, unless the server already did.

    The ASGI ``root_path`` becomes the prefix and the ``path`` starts with it, as the
    ASGI spec has it, whether the proxy in front passed the prefix on or stripped it.
    The scope changes in place, so the error handlers outside see it too.
    """

    def __init__(self, app: ASGIApp, root_path: str) -> None:
        self.app, self.root_path = app, root_path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.root_path and scope["type"] == "http" and not scope.get("root_path"):
            scope["root_path"] = self.root_path
            if scope["path"] != self.root_path and not scope["path"].startswith(
                f"{self.root_path}/"
            ):
                scope["path"] = self.root_path + scope["path"]
                if scope.get("raw_path"):
                    scope["raw_path"] = self.root_path.encode() + scope["raw_path"]
        await self.app(scope, receive, send)


def _error(
    request: Request, status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """An error as JSON under /api/, else as a page; never a traceback.

    ``headers`` go along: a 405's ``Allow`` names the methods the path answers (RFC 9110).
    """
    reason = HTTPStatus(status_code).phrase
    root = request.scope.get("root_path", "")
    if request.url.path.removeprefix(root).startswith("/api/"):
        body = json.dumps(ERROR.dump(Problem(status_code, message)))
        response = Response(body, status_code, media_type="application/json")
    else:
        page = render(
            request, "error.html", status_code=status_code, reason=reason, message=message
        )
        response = Response(page, status_code, media_type=HTML)
    response.headers.update(headers or {})
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, exc.detail, exc.headers)


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(request, 404, str(exc))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("error serving %s", request.url.path, exc_info=exc)
    response = _error(request, 500, "Something went wrong on our side; it has been logged.")
    # Starlette answers a 500 outside every middleware, SecurityHeaders too
    response.headers.update({name.decode(): value.decode() for name, value in SECURITY_HEADERS})
    return response
