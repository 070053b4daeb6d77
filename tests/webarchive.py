"""A small archive for the web tests, written through the store as checks would write it.

Article 1 ("example") has three versions: the headline and a word change, then an added
paragraph; each keeps the page it came from (with a script in it). Article 2
("hostile") carries markup in its headline, text, byline and URL. Article 3 ("The
Daily") was seen once and is no longer checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import anyio
import httpx
from starlette.applications import Starlette
from starlette.types import ASGIApp

from redline.extract import EXTRACTOR_VERSION, ExtractedArticle
from redline.model import ArticleStatus, NextCheck, Observation
from redline.store import Store
from redline.web import create_app

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
BASE_URL = "http://archive.test"
NOW = T0 + timedelta(days=3)

HEADLINE = "Harbour bridge approved after decade of debate"
PARAGRAPHS = (
    "The city council approved the new harbour bridge on Tuesday evening.",
    "The bridge will cost 410 million pounds and open in 2029.",
    "Opponents said the money would be better spent on ferries.",
)
ADDED = "A public consultation on the design will open in the spring."

HOSTILE_TITLE = "<script>alert(1)</script> Breaking"
HOSTILE_TEXT = '<img src=x onerror="alert(2)"> and a <a href="javascript:alert(3)">link</a>'
HOSTILE_URL = 'https://evil.example/story?q="><script>alert(4)</script>'


@dataclass(frozen=True)
class Archive:
    """The ids of the archive's articles."""

    bridge: int
    hostile: int
    stopped: int


def article(title: str, *paragraphs: str, byline: str | None = "Maria Okafor") -> ExtractedArticle:
    return ExtractedArticle(
        title, byline, None, paragraphs, method="generic", extractor_version=EXTRACTOR_VERSION
    )


def fetched_page(body: ExtractedArticle) -> bytes:
    """The HTML a check of ``body`` would have fetched."""
    paragraphs = "".join(f"<p>{text}</p>" for text in body.paragraphs)
    script = "<script>document.title = 'run';</script>"
    return f"<html><body>{script}<h1>{body.title}</h1>{paragraphs}</body></html>".encode()


def record(
    store: Store,
    article_id: int,
    at: datetime,
    body: ExtractedArticle,
    status: ArticleStatus = ArticleStatus.ACTIVE,
    *,
    archived_from: str | None = None,
) -> None:
    """Record a check at ``at`` that saw ``body`` (and archived its page, fetched from there)."""

    def plan(changed: bool, previous: timedelta | None) -> NextCheck:
        return NextCheck(at + timedelta(hours=1), timedelta(hours=1), status)

    seen = Observation(
        checked_at=at,
        duration=0.1,
        http_status=200,
        final_url=archived_from,
        article=body,
        extractor_version="test",
        body=fetched_page(body) if archived_from else None,
        headers=(("content-type", "text/html; charset=utf-8"),),
    )
    store.record_check(article_id, seen, plan)


def fill(database_url: str) -> Archive:
    """Create the database at ``database_url`` and write the three articles into it."""
    store = Store.open(database_url)
    try:
        bridge, _ = store.add_article("https://news.example/bridge", source="example", now=T0)
        record(store, bridge.id, T0, article(HEADLINE, *PARAGRAPHS), archived_from=bridge.url)
        edited = PARAGRAPHS[1].replace("410", "420")
        changed = article(f"{HEADLINE} at last", PARAGRAPHS[0], edited, PARAGRAPHS[2])
        record(store, bridge.id, T0 + timedelta(hours=2), changed, archived_from=bridge.url)
        grown = article(f"{HEADLINE} at last", PARAGRAPHS[0], edited, PARAGRAPHS[2], ADDED)
        record(store, bridge.id, T0 + timedelta(hours=5), grown, archived_from=bridge.url)

        hostile, _ = store.add_article(HOSTILE_URL, source="hostile", now=T0)
        record(store, hostile.id, T0 + timedelta(hours=1), article("Calm", "Nothing here."))
        nasty = article(HOSTILE_TITLE, HOSTILE_TEXT, byline='<b onmouseover="x()">Eve</b>')
        record(store, hostile.id, T0 + timedelta(hours=3), nasty)

        stopped, _ = store.add_article("https://daily.example/once", source="The Daily", now=T0)
        once = article("A story told once", "It never changed.")
        record(store, stopped.id, T0 + timedelta(hours=4), once, ArticleStatus.STOPPED)
    finally:
        store.close()
    return Archive(bridge.id, hostile.id, stopped.id)


class Client:
    """Requests to an ASGI app in process, over httpx's ASGI transport: no sockets."""

    def __init__(self, app: ASGIApp, *, root_path: str = "", raise_errors: bool = True) -> None:
        self._transport = httpx.ASGITransport(
            app, root_path=root_path, raise_app_exceptions=raise_errors
        )

    def get(
        self,
        path: str,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.request("GET", path, headers=headers, params=params)

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self._transport, base_url=BASE_URL) as client:
                return await client.request(method, path, headers=headers, params=params)

        return anyio.run(send)


@dataclass(frozen=True)
class Served:
    """The archive's app, a client for it, and the ids of its articles."""

    app: Starlette
    client: Client
    ids: Archive


@contextmanager
def served(
    database_url: str,
    *,
    root_path: str = "",
    base_url: str | None = None,
    raise_errors: bool = True,
) -> Iterator[Served]:
    """The test archive in ``database_url``, served by the app with the clock at NOW."""
    ids = fill(database_url)
    app = create_app(database_url, root_path=root_path, base_url=base_url, clock=lambda: NOW)
    try:
        yield Served(app, Client(app, raise_errors=raise_errors), ids)
    finally:
        app.state.web.archive.engine.dispose()
