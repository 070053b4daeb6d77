"""The web archive never answers 5xx, whatever a request's path, parameters or headers hold.

Requests go straight to the ASGI app, so a path, query string or header can hold bytes no
HTTP client would send but a raw socket can: undecodable percent-escapes, ``..``, numbers
past every id column, Latin-1 in headers, a Host no URL can carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlencode

import anyio
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.routing import Route
from starlette.types import Message, Scope

from redline.web.pages import MAX_QUERY_LENGTH
from webarchive import Served, served

NASTY_NUMBERS = [
    "0",
    "-1",
    "-0",
    "+1",
    "1.0",
    "1e3",
    " 1",
    str(2**31 - 1),
    str(2**31),
    str(2**32),
    str(2**53 + 1),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "9" * 400,
    "٣",  # an Arabic-Indic three: str.isdigit() says yes, int() takes it
    "１",  # a fullwidth one
    "²",  # isdigit() yes, int() no
]
NASTY_SEGMENTS = [
    "",
    ".",
    "..",
    "%2e%2e",
    "%2F",
    "%00",
    "%ff%fe",
    "%",
    "%zz",
    "%C0%AF",
    "%ED%A0%80",  # an encoded surrogate
    "x" * 5000,
    "nobody",
    "The%20Daily",
    "hostile",
    "xml",
    "atom",
]

segments = st.one_of(
    st.sampled_from(NASTY_NUMBERS + NASTY_SEGMENTS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=4).map(str),  # ids and numbers that exist
    st.text(max_size=12).map(lambda text: quote(text, safe="")),
    st.binary(max_size=8).map(lambda raw: "".join(f"%{byte:02x}" for byte in raw)),
)
"""One path segment as sent on the wire, percent-escapes and all."""

PARAMETERS = ["before", "limit", "view", "q", "kind", "source"]
values = st.one_of(
    st.sampled_from([*NASTY_NUMBERS, "", "inline", "side-by-side", "bridge", "a" * 10_000]),
    st.sampled_from(['"', "*", "%", "\x00", "q" * (MAX_QUERY_LENGTH + 1)]),
    st.integers().map(str),
    st.text(max_size=30),
)
query_strings = st.one_of(
    st.lists(st.tuples(st.sampled_from(PARAMETERS) | st.text(max_size=5), values), max_size=6).map(
        lambda pairs: urlencode(pairs).encode()
    ),
    st.binary(max_size=40),  # not even a query string: stray %, &, =, bytes past ASCII
)

DATES = [
    "Sun, 01 Nov 2026 14:00:00 GMT",
    "Sun, 01 Nov 2026 14:00:00",  # no zone
    "Mon, 99 Foo 99999 25:61:61 GMT",
    "Thu, 01 Jan 99999999999 00:00:00 GMT",
    "Thu, 01 Jan 0000 00:00:00 GMT",
    "Thu, 01 Jan 1 00:00:00 +9999",
    "yesterday",
    "",
    "1",
]
HEADER_VALUES: dict[str, list[str]] = {
    "if-none-match": ["*", '"x"', 'W/"x"', ",,,", '"' * 50, "W/"],
    "if-modified-since": DATES,
    "host": ["[", "[::1", "a b", "x:99999", "x:-1", ":", "@", "ex%41mple", "a/b", "é.example"],
    "accept": ["*/*", "text/html;q=x", "application/json;;;", "\x7f"],
    "range": ["bytes=0-0", "bytes=-1", "bytes=9999999999999999999-", "bytes=5-1", "lines=1"],
    "accept-encoding": ["gzip;q=nan", "br, zstd, *;q=0"],
    "x-forwarded-proto": ["javascript", ""],
    "cookie": ["a=\x00", "=;=;"],
}
headers = st.lists(
    st.one_of(
        st.sampled_from(sorted(HEADER_VALUES)).flatmap(
            lambda name: st.tuples(
                st.just(name),
                st.sampled_from(HEADER_VALUES[name]) | st.text(max_size=20),
            )
        ),
        st.tuples(st.sampled_from(sorted(HEADER_VALUES)), st.binary(max_size=20)),
    ),
    max_size=5,
).map(lambda pairs: [(name.encode(), _header_bytes(value)) for name, value in pairs])


def _header_bytes(value: str | bytes) -> bytes:
    """A header value as it can arrive on the wire: any byte but CR, LF and NUL."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return re.sub(rb"[\r\n\x00]", b"", raw)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    error: BaseException | None


def call(archive: Served, method: str, raw_path: str, query: bytes, sent: list[Any]) -> Answer:
    """One request to the app, as uvicorn would hand it over."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path),  # as uvicorn decodes it: bad UTF-8 becomes U+FFFD
        "raw_path": raw_path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": sent
        if any(name == b"host" for name, _ in sent)
        else [(b"host", b"a.test"), *sent],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    async def run() -> BaseException | None:
        try:
            await archive.app(scope, receive, send)
        except Exception as exc:  # the server error middleware re-raises after its 500
            return exc
        return None

    error = anyio.run(run)
    starts = [message for message in messages if message["type"] == "http.response.start"]
    body = b"".join(message.get("body", b"") for message in messages[1:])
    return Answer(starts[0]["status"] if starts else 0, body, error)


def templates(archive: Served) -> list[str]:
    """Every route's path template, and the static files'."""
    found = [route.path for route in archive.app.routes if isinstance(route, Route)]
    return [*found, "/static/{file}"]


@pytest.fixture
def archive(database_url: str) -> Iterator[Served]:
    """The small archive, served once for all of a test's requests (they only read)."""
    with served(database_url, raise_errors=False) as opened:
        yield opened


ROUTES = [
    "/",
    "/sources",
    "/sources/{name}",
    "/articles/{article_id}",
    "/articles/{article_id}/diff/{old}/{new}",
    "/articles/{article_id}/diff/{old}/{new}.png",
    "/articles/{article_id}/versions/{number}",
    "/articles/{article_id}/versions/{number}/page",
    "/search",
    "/feed.{kind}",
    "/sources/{name}/feed.{kind}",
    "/articles/{article_id}/feed.{kind}",
    "/api/articles",
    "/api/articles/{article_id}",
    "/api/articles/{article_id}/versions",
    "/api/articles/{article_id}/versions/{number}",
    "/api/articles/{article_id}/diff/{old}/{new}",
    "/api/changes",
    "/api/sources",
    "/api/search",
    "/api/openapi.json",
    "/static/{file}",
]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_route_is_thrown_at(archive: Served) -> None:
    """The routes above are all there are: a new route gets thrown at too, or this fails."""
    found = [route.path for route in archive.app.routes if isinstance(route, Route)]
    assert sorted([*found, "/static/{file}"]) == sorted(ROUTES)


def fill_in(template: str, data: st.DataObject | None) -> str:
    """``template`` with a drawn segment for each parameter; without ``data``, the nastiest."""

    def segment(match: re.Match[str]) -> str:
        if data is None:
            return "xml" if match[1] == "kind" else str(2**63)
        return data.draw(segments, label=match[1])

    return _PLACEHOLDER.sub(segment, template)


def no_server_error(archive: Served, method: str, path: str, query: bytes, sent: Any) -> None:
    answer = call(archive, method, path, query, sent)
    assert answer.error is None and 0 < answer.status < 500, (path, query, sent, answer)
    assert b"Traceback" not in answer.body and b'File "' not in answer.body


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    template=st.sampled_from(ROUTES),
    data=st.data(),
    method=st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "OPTIONS"]),
    query=query_strings,
    sent=headers,
)
@example(
    template="/api/changes",
    data=None,
    method="GET",
    query=b"before=2147483648&limit=99999999999999999999",
    sent=[],
)
@example(template="/search", data=None, method="GET", query=b"q=%ff&q=&view=&view=inline", sent=[])
@example(
    template="/",
    data=None,
    method="GET",
    query=b"",
    sent=[(b"if-modified-since", b"Thu, 01 Jan 99999999999 00:00:00 GMT")],
)
def test_no_request_gets_a_server_error(
    archive: Served,
    template: str,
    data: st.DataObject | None,
    method: str,
    query: bytes,
    sent: list[tuple[bytes, bytes]],
) -> None:
    no_server_error(archive, method, fill_in(template, data), query, sent)


def test_every_route_takes_the_largest_ids_and_a_broken_host(archive: Served) -> None:
    for template in ROUTES:
        for host in [b"[", b"a b", b"x:99999", b"\xff", b"archive.test"]:
            query = b"before=9223372036854775808&limit=-1&view=%ff\xff"
            no_server_error(archive, "GET", fill_in(template, None), query, [(b"host", host)])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/sources/%00", 404),
        ("/sources/a%00b/feed.xml", 404),
        ("/api/articles?source=%00", 200),
        ("/api/changes?source=hostile%00", 200),
    ],
)
def test_a_source_name_holding_nul_names_no_source_on_either_database(
    archive: Served, path: str, status: int
) -> None:
    """PostgreSQL's text cannot hold a NUL, and fails when asked for one: the archive
    answers as SQLite does, as for any name no source has."""
    response = archive.client.get(path)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json() == {"items": [], "next": None}
