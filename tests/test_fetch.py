"""Tests of redline.fetch: a real local server for the network, MockTransport for the rest.

Politeness (per-host limits, robots.txt, Retry-After) is off here and tested in
test_politeness.py, so that these tests see exactly the requests they make. Time
limits run on virtual time (:mod:`virtualtime`), but for one on a real socket.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import tracemalloc
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from typing import Any

import httpx
import pytest

from localsite import LocalSite, Request, Route
from redline.config import FetchConfig
from redline.errors import (
    BlockedAddressError,
    ConnectError,
    ContentTypeError,
    EmptyBodyError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    RedirectError,
    TooLargeError,
    TooManyRedirectsError,
)
from redline.fetch import Fetcher, Page, Resolver
from virtualtime import START, VirtualTime

IMPOLITE = FetchConfig(timeout=5.0, per_host_delay=0, respect_robots=False)
LOCAL = dataclasses.replace(IMPOLITE, allow_private_networks=True)
PUBLIC = IMPOLITE
PUBLIC_IP = "93.184.216.34"
ARTICLE = b"<!DOCTYPE html><html><body><p>Story</p></body></html>"

SyncHandler = Callable[[httpx.Request], httpx.Response]
Handler = SyncHandler | Callable[[httpx.Request], Coroutine[Any, Any, httpx.Response]]


def fetch(
    url: str,
    config: FetchConfig = LOCAL,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
    time: VirtualTime | None = None,
    **validators: str,
) -> Page:
    """Fetch one URL with a fresh Fetcher, from synchronous test code; on ``time`` if given."""
    clock: dict[str, Any] = {"monotonic": time.monotonic, "sleep": time.sleep} if time else {}

    async def go() -> Page:
        async with Fetcher(config, transport=transport, resolver=resolver, **clock) as fetcher:
            return await fetcher.fetch(url, **validators)

    return time.run(go()) if time else asyncio.run(go())


def dns(table: dict[str, list[str]]) -> Resolver:
    """A fake resolver answering from ``table``; unknown hosts fail like real DNS."""

    async def resolve(host: str) -> Sequence[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


PUBLIC_DNS = dns({"news.example": [PUBLIC_IP], "other.example": [PUBLIC_IP]})


def fetch_mock(
    handler: Handler,
    url: str = "https://news.example/story",
    config: FetchConfig = PUBLIC,
    resolver: Resolver = PUBLIC_DNS,
    time: VirtualTime | None = None,
    **validators: str,
) -> Page:
    """Fetch through httpx.MockTransport, as if from the public internet."""
    transport = httpx.MockTransport(handler)
    return fetch(url, config, transport=transport, resolver=resolver, time=time, **validators)


def html(body: bytes = ARTICLE, content_type: str = "text/html", **headers: str) -> SyncHandler:
    """A handler answering every request with one page."""
    return lambda request: httpx.Response(
        200, headers={"Content-Type": content_type, **headers}, content=body
    )


def unreachable(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"{request.url} should not have been requested")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- a plain fetch ---------------------------------------------------------------------


def test_fetches_a_page_with_its_metadata(site: LocalSite) -> None:
    site.page("/story", "<html><p>Café</p></html>", ETag='W/"abc"')

    page = fetch(site.url("/story"))

    assert page.url == page.final_url == site.url("/story")
    assert (page.status, page.not_modified) == (200, False)
    assert page.text == "<html><p>Café</p></html>"
    assert (page.content_type, page.encoding) == ("text/html", "utf-8")
    assert page.nbytes == len(page.body) == len("<html><p>Café</p></html>".encode())
    assert page.etag == 'W/"abc"'
    assert page.last_modified is None


def test_sends_a_clear_user_agent(site: LocalSite) -> None:
    site.page("/story", ARTICLE)

    fetch(site.url("/story"))
    fetch(site.url("/story"), dataclasses.replace(LOCAL, user_agent="redline-test/1.0"))

    agents = [request.headers["user-agent"] for request in site.requests]
    assert agents == [FetchConfig().user_agent, "redline-test/1.0"]
    assert agents[0].startswith("redline/")


def test_many_concurrent_fetches_share_one_fetcher(site: LocalSite) -> None:
    for n in range(20):
        site.page(f"/story/{n}", f"<html><p>Story {n}</p></html>")

    async def fetch_all() -> list[Page]:
        async with Fetcher(dataclasses.replace(LOCAL, concurrency=4)) as fetcher:
            urls = [site.url(f"/story/{n}") for n in range(20)]
            return await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    pages = asyncio.run(fetch_all())

    assert [page.text for page in pages] == [f"<html><p>Story {n}</p></html>" for n in range(20)]


def test_at_most_concurrency_requests_run_at_once() -> None:
    time = VirtualTime()
    running = 0
    most = 0

    async def slow_page(request: httpx.Request) -> httpx.Response:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await time.sleep(0.25)
        running -= 1
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=ARTICLE)

    async def fetch_all() -> None:
        transport = httpx.MockTransport(slow_page)
        config = dataclasses.replace(PUBLIC, concurrency=3, per_host_concurrency=10)
        async with Fetcher(
            config,
            transport=transport,
            resolver=PUBLIC_DNS,
            monotonic=time.monotonic,
            sleep=time.sleep,
        ) as fetcher:
            await asyncio.gather(*(fetcher.fetch("https://news.example/") for _ in range(10)))

    time.run(fetch_all())

    assert most == 3
    assert time.now - START == 1.0  # four rounds of a quarter second: 3, 3, 3 and 1


def test_fetch_outside_async_with_is_a_programming_error() -> None:
    async def fetch_unopened() -> None:
        await Fetcher(LOCAL).fetch("https://news.example/")

    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(fetch_unopened())


# --- 1. conditional requests -----------------------------------------------------------


def conditional_story(request: Request) -> Route:
    if request.headers.get("if-none-match") == '"v1"':
        return Route(status=304, headers={"ETag": '"v1"', "Last-Modified": "Tue, 02 Jan 2024"})
    return Route(ARTICLE, headers={"Content-Type": "text/html", "ETag": '"v1"'})


def test_sends_validators_back_and_returns_304_as_a_page(site: LocalSite) -> None:
    site.routes["/story"] = conditional_story
    lm = "Mon, 01 Jan 2024 00:00:00 GMT"

    page = fetch(site.url("/story"), etag='"v1"', last_modified=lm)

    assert site.requests[0].headers["if-none-match"] == '"v1"'
    assert site.requests[0].headers["if-modified-since"] == lm
    assert page.not_modified and page.status == 304
    assert (page.body, page.text, page.nbytes, page.encoding) == (b"", "", 0, None)
    assert (page.etag, page.last_modified) == ('"v1"', "Tue, 02 Jan 2024")


def test_a_changed_page_comes_back_whole_with_its_new_validators(site: LocalSite) -> None:
    site.routes["/story"] = conditional_story

    page = fetch(site.url("/story"), etag='"v0"')

    assert page.status == 200 and page.body == ARTICLE
    assert page.etag == '"v1"'


def test_without_validators_no_conditional_headers_are_sent(site: LocalSite) -> None:
    site.routes["/story"] = conditional_story

    fetch(site.url("/story"))

    assert "if-none-match" not in site.requests[0].headers
    assert "if-modified-since" not in site.requests[0].headers


def test_a_304_without_validators_keeps_the_ones_sent() -> None:
    page = fetch_mock(lambda request: httpx.Response(304), etag='"v1"', last_modified="yesterday")

    assert page.not_modified
    assert (page.etag, page.last_modified) == ('"v1"', "yesterday")


def test_validators_that_are_not_plain_ascii_are_not_sent() -> None:
    seen: list[httpx.Headers] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return html()(request)

    fetch_mock(record, etag='"caf\u00e9"', last_modified="Mon\r\nX-Injected: 1")

    assert "if-none-match" not in seen[0] and "if-modified-since" not in seen[0]


# --- 2. whole-request time limit -------------------------------------------------------


def test_a_server_that_never_answers_times_out(site: LocalSite) -> None:
    # the one time-out on a real socket and the real clock: the limit must end a read
    # that the network stack is waiting in
    site.routes["/slow"] = Route(ARTICLE, delay=30)

    with pytest.raises(FetchTimeoutError) as caught:
        fetch(site.url("/slow"), dataclasses.replace(LOCAL, timeout=0.25))

    assert str(caught.value) == "timed out after 0.25s"
    assert caught.value.url == site.url("/slow") and caught.value.kind == "timeout"


def test_the_time_limit_runs_on_the_fetchers_clock() -> None:
    time = VirtualTime()

    async def never_answers(request: httpx.Request) -> httpx.Response:
        await time.sleep(3600)
        return html()(request)

    with pytest.raises(FetchTimeoutError, match="timed out after 5s"):
        fetch_mock(never_answers, time=time)

    assert time.now - START == 5.0


def test_the_time_limit_covers_a_body_that_trickles_in() -> None:
    time = VirtualTime()

    async def trickle() -> AsyncIterator[bytes]:
        yield b"<html>"
        for _ in range(60):  # 15s, each read quick: only a whole-request limit stops it early
            await time.sleep(0.25)
            yield b"<p>more</p>"

    def slow_body(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=trickle())

    with pytest.raises(FetchTimeoutError, match="timed out after 0.5s"):
        fetch_mock(slow_body, config=dataclasses.replace(PUBLIC, timeout=0.5), time=time)

    assert time.now - START == 0.5


def test_the_time_limit_covers_all_redirect_hops() -> None:
    time = VirtualTime()

    async def hops(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/c":
            return html()(request)
        await time.sleep(0.25)
        return httpx.Response(302, headers={"Location": {"/a": "/b", "/b": "/c"}[request.url.path]})

    short = dataclasses.replace(PUBLIC, timeout=0.375)
    with pytest.raises(FetchTimeoutError):  # each hop is quicker than the limit
        fetch_mock(hops, "https://news.example/a", short, time=time)
    page = fetch_mock(hops, "https://news.example/a", time=time)

    assert (page.final_url, page.elapsed) == ("https://news.example/c", 0.5)


def test_an_httpx_timeout_is_a_fetch_timeout() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("connect timed out", request=request)

    with pytest.raises(FetchTimeoutError, match="timed out after 5s"):
        fetch_mock(time_out)


# --- 3. size cap -----------------------------------------------------------------------


def test_a_huge_streamed_body_is_abandoned_without_being_held(site: LocalSite) -> None:
    chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>"
    chunks_sent = 0

    def sixty_megabytes() -> Iterator[bytes]:
        nonlocal chunks_sent
        for _ in range(60 * 1024 * 1024 // len(chunk)):
            chunks_sent += 1
            yield chunk

    site.routes["/huge"] = Route(sixty_megabytes)
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError, match=r"over \[fetch\] max_bytes = 1000000"):
            fetch(site.url("/huge"), dataclasses.replace(LOCAL, max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 10 * 1024 * 1024
    assert chunks_sent * len(chunk) < 30 * 1024 * 1024  # the download was abandoned


def test_a_streamed_body_of_exactly_max_bytes_is_accepted(site: LocalSite) -> None:
    site.routes["/exact"] = Route(lambda: iter([b"<html>", b"x" * 994]))
    site.routes["/over"] = Route(lambda: iter([b"<html>", b"x" * 995]))
    config = dataclasses.replace(LOCAL, max_bytes=1000)

    assert fetch(site.url("/exact"), config).nbytes == 1000
    with pytest.raises(TooLargeError):
        fetch(site.url("/over"), config)


class UnreadableStream(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        raise AssertionError("the body should not have been read")
        yield b""  # pragma: no cover (makes this an async generator)


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    def huge(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Length": "60000000"}
        return httpx.Response(200, headers=headers, stream=UnreadableStream())

    with pytest.raises(TooLargeError) as caught:
        fetch_mock(huge)

    assert str(caught.value) == (
        "response body is 60000000 bytes, over [fetch] max_bytes = 10000000"
    )


# --- 4. only HTML ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/html", "text/html; charset=utf-8", "application/xhtml+xml"]
)
def test_html_types_are_accepted(content_type: str) -> None:
    page = fetch_mock(html(content_type=content_type))

    assert page.text == ARTICLE.decode()
    assert page.content_type == content_type.split(";")[0]


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/json", "text/plain"]
)
def test_other_types_are_refused_by_name(content_type: str) -> None:
    with pytest.raises(ContentTypeError) as caught:
        fetch_mock(html(b"%PDF-1.7 or whatever", content_type))

    assert str(caught.value) == f"not an HTML page: {content_type}"


@pytest.mark.parametrize(
    "body", [b"<!DOCTYPE html><p>Hi", b"\n  <html lang=en><p>Hi", b"\xef\xbb\xbf<!doctype HTML>"]
)
def test_a_missing_content_type_is_sniffed_as_html(site: LocalSite, body: bytes) -> None:
    site.routes["/untyped"] = Route(body, headers={})

    page = fetch(site.url("/untyped"))

    assert page.content_type is None
    assert page.text == body.decode("utf-8-sig")  # the page as sent, without a byte order mark


def test_a_missing_content_type_on_a_non_html_body_is_refused(site: LocalSite) -> None:
    site.routes["/untyped"] = Route(b"%PDF-1.7\n...", headers={})

    with pytest.raises(ContentTypeError, match="no Content-Type"):
        fetch(site.url("/untyped"))


def test_an_empty_body_is_an_error(site: LocalSite) -> None:
    site.routes["/empty"] = Route(b"")

    with pytest.raises(EmptyBodyError) as caught:
        fetch(site.url("/empty"))

    assert (str(caught.value), caught.value.status) == ("empty response body", 200)
    assert (caught.value.url, caught.value.kind) == (site.url("/empty"), "empty_body")


# --- 5. error statuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "HTTP 404 Not Found"),
        (410, "HTTP 410 Gone"),
        (500, "HTTP 500 Internal Server Error"),
        (503, "HTTP 503 Service Unavailable"),
    ],
)
def test_error_statuses_raise_with_the_status(site: LocalSite, status: int, message: str) -> None:
    site.routes["/story"] = Route(b"<html>oops</html>", status=status)

    with pytest.raises(HTTPStatusError) as caught:
        fetch(site.url("/story"))

    assert (str(caught.value), caught.value.status) == (message, status)


def test_a_redirect_status_without_location_is_an_error() -> None:
    with pytest.raises(RedirectError, match="HTTP 302 redirect without a Location") as caught:
        fetch_mock(lambda request: httpx.Response(302))

    assert (caught.value.status, caught.value.url) == (302, "https://news.example/story")
    assert type(caught.value) is RedirectError and caught.value.kind == "redirect"


# --- 6. character encodings ------------------------------------------------------------

CP1252_TEXT = "<p>\u201cCaf\u00e9,\u201d she said. It\u2019s na\u00efve.</p>"


def test_a_meta_charset_is_used_when_the_header_has_none(site: LocalSite) -> None:
    page_html = f'<html><head><meta charset="windows-1252"></head><body>{CP1252_TEXT}'
    site.routes["/story"] = Route(page_html.encode("cp1252"), headers={"Content-Type": "text/html"})

    page = fetch(site.url("/story"))

    assert CP1252_TEXT in page.text
    assert page.encoding == "cp1252"


@pytest.mark.parametrize("label", ["iso-8859-1", "latin-1", "us-ascii", "ISO_8859-1"])
def test_latin1_and_ascii_labels_decode_as_windows_1252(label: str) -> None:
    content_type = f"text/html; charset={label}"
    page = fetch_mock(html(CP1252_TEXT.encode("cp1252"), content_type))

    assert page.text == CP1252_TEXT
    assert page.encoding == "cp1252"


def test_a_meta_http_equiv_declaration_is_used() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    page = fetch_mock(html(f"<html><head>{head}</head>{CP1252_TEXT}".encode("cp1252")))

    assert CP1252_TEXT in page.text


def test_the_header_charset_wins_over_a_conflicting_meta() -> None:
    body = f'<html><meta charset="windows-1252">{CP1252_TEXT}'.encode()
    page = fetch_mock(html(body, "text/html; charset=utf-8"))

    assert CP1252_TEXT in page.text
    assert page.encoding == "utf-8"


def test_a_utf8_bom_without_any_declaration(site: LocalSite) -> None:
    body = "\ufeff<html><p>Naïve “quotes”</p>".encode()
    site.routes["/story"] = Route(body, headers={"Content-Type": "text/html"})

    page = fetch(site.url("/story"))

    assert page.text == "<html><p>Naïve “quotes”</p>"
    assert page.encoding == "utf-8"


def test_a_bom_wins_over_a_conflicting_header() -> None:
    body = "\ufeff<html><p>Naïve</p>".encode()
    page = fetch_mock(html(body, "text/html; charset=iso-8859-1"))

    assert page.text == "<html><p>Naïve</p>"


def test_a_utf16_bom_is_honoured() -> None:
    page = fetch_mock(html("\ufeff<html><p>Naïve</p>".encode("utf-16-le"), "text/html"))

    assert page.text == "<html><p>Naïve</p>"


def test_a_meta_claiming_utf16_on_an_ascii_readable_page_means_utf8() -> None:
    page = fetch_mock(html('<html><meta charset="utf-16"><p>Naïve</p>'.encode()))

    assert "<p>Naïve</p>" in page.text and page.encoding == "utf-8"


def test_an_unknown_or_non_text_label_falls_through_to_the_meta() -> None:
    body = f'<html><meta charset="windows-1252">{CP1252_TEXT}'.encode("cp1252")

    for label in ["x-no-such-charset", "base64"]:
        page = fetch_mock(html(body, f"text/html; charset={label}"))
        assert CP1252_TEXT in page.text


def test_an_undeclared_utf8_page_is_detected() -> None:
    page = fetch_mock(html("<html><p>Naïve “quotes” — déjà vu</p>".encode()))

    assert page.text == "<html><p>Naïve “quotes” — déjà vu</p>"
    assert page.encoding == "utf-8"


def test_an_undeclared_legacy_page_is_detected() -> None:
    news = (
        "<p>Россия и мир: главные новости дня. Правительство объявило о новых мерах "
        "поддержки малого бизнеса, а синоптики обещают тёплую погоду на выходных.</p>"
    )
    text = f"<html><head><title>Новости</title></head><body>{news * 3}</body></html>"

    page = fetch_mock(html(text.encode("cp1251")))

    assert page.text == text
    assert page.encoding == "cp1251"


def test_undecodable_bytes_are_replaced_not_raised() -> None:
    page = fetch_mock(html(b"<html><p>broken \xff\xfe bytes</p>", "text/html; charset=utf-8"))

    assert page.text == "<html><p>broken \ufffd\ufffd bytes</p>"


# --- 7. redirects ----------------------------------------------------------------------


def test_a_relative_redirect_is_followed_and_the_final_url_recorded(site: LocalSite) -> None:
    site.routes["/old"] = Route(status=301, headers={"Location": "new?from=old"})
    site.page("/new", ARTICLE)

    page = fetch(site.url("/old"))

    assert page.url == site.url("/old")
    assert page.final_url == site.url("/new?from=old")
    assert [request.path for request in site.requests] == ["/old", "/new?from=old"]


def test_validators_reach_the_final_hop(site: LocalSite) -> None:
    site.routes["/old"] = Route(status=302, headers={"Location": "/story"})
    site.routes["/story"] = conditional_story

    page = fetch(site.url("/old"), etag='"v1"')

    assert page.not_modified and page.final_url == site.url("/story")


def chain(site: LocalSite, length: int) -> str:
    """Serve /hop0 -> /hop1 -> ... -> /hop{length} (a page); return the first URL."""
    for n in range(length):
        site.routes[f"/hop{n}"] = Route(status=307, headers={"Location": f"/hop{n + 1}"})
    site.page(f"/hop{length}", ARTICLE)
    return site.url("/hop0")


def test_a_chain_of_max_redirects_is_followed(site: LocalSite) -> None:
    page = fetch(chain(site, 3), dataclasses.replace(LOCAL, max_redirects=3))

    assert page.final_url == site.url("/hop3")


def test_a_chain_longer_than_max_redirects_is_refused(site: LocalSite) -> None:
    with pytest.raises(TooManyRedirectsError, match="more than 3 redirects"):
        fetch(chain(site, 4), dataclasses.replace(LOCAL, max_redirects=3))


def test_max_redirects_zero_refuses_any_redirect(site: LocalSite) -> None:
    with pytest.raises(TooManyRedirectsError, match="more than 0 redirects"):
        fetch(chain(site, 1), dataclasses.replace(LOCAL, max_redirects=0))


def test_a_redirect_loop_is_refused(site: LocalSite) -> None:
    site.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    site.routes["/b"] = Route(status=302, headers={"Location": "/a"})

    with pytest.raises(TooManyRedirectsError, match="redirect loop at .*/a"):
        fetch(site.url("/a"))

    assert len(site.requests) == 2


def cookie_gate(request: Request) -> Route:
    if "seen=1" in request.headers.get("cookie", ""):
        return Route(ARTICLE)
    return Route(status=302, headers={"Location": "/set-cookie"})


def test_cookies_set_during_a_redirect_chain_are_sent_along_it(site: LocalSite) -> None:
    site.routes["/story"] = cookie_gate
    site.routes["/set-cookie"] = Route(
        status=302, headers={"Location": "/story", "Set-Cookie": "seen=1; Path=/"}
    )

    page = fetch(site.url("/story"))  # /story, /set-cookie, /story again: not a loop

    assert page.final_url == site.url("/story") and page.body == ARTICLE


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])  # some cookie jars skip IPs
def test_cookies_do_not_outlive_one_fetch(site: LocalSite, host: str) -> None:
    site.routes["/set-cookie"] = Route(
        ARTICLE, headers={"Content-Type": "text/html", "Set-Cookie": "seen=1; Path=/"}
    )
    site.page("/story", ARTICLE)

    async def fetch_both() -> None:
        async with Fetcher(LOCAL) as fetcher:
            await fetcher.fetch(site.url("/set-cookie").replace("127.0.0.1", host))
            await fetcher.fetch(site.url("/story").replace("127.0.0.1", host))

    asyncio.run(fetch_both())

    assert "cookie" not in site.requests[1].headers


@pytest.mark.parametrize(
    ("location", "refusal"),
    [
        ("ftp://files.example/story", "unsupported URL scheme 'ftp' in 'ftp://files.example/"),
        ("file:///etc/passwd", "unsupported URL scheme 'file' in 'file:///etc/passwd'"),
        ("javascript:alert(1)", "not a valid URL: 'javascript:alert(1)'"),
    ],
)
def test_a_redirect_to_another_scheme_is_refused(location: str, refusal: str) -> None:
    def redirect(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"Location": location})
        raise AssertionError(f"{request.url} should not have been requested")

    with pytest.raises(RedirectError) as caught:
        fetch_mock(redirect)

    assert type(caught.value) is RedirectError and caught.value.kind == "redirect"
    assert str(caught.value).startswith(f"refusing to follow a redirect: {refusal}")
    assert caught.value.url == "https://news.example/story"
    assert caught.value.status == 302


# --- 9. URLs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://news.example/story",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "news.example/story",
        "http://",
        "",
        "http://[::1/",
        "https://xn--/",  # an IDNA label that does not decode
    ],
)
def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    with pytest.raises(InvalidURLError):
        fetch_mock(unreachable, url)


# --- 10. SSRF guard --------------------------------------------------------------------


def test_a_loopback_url_is_refused_by_default_naming_the_setting(site: LocalSite) -> None:
    site.page("/x", ARTICLE)
    url = site.url("/x")

    with pytest.raises(BlockedAddressError) as caught:
        fetch(url, PUBLIC)

    assert str(caught.value) == (
        f"refusing to fetch {url}: 127.0.0.1 is a loopback address"
        " (set [fetch] allow_private_networks = true to allow)"
    )
    assert site.requests == []


def rebinding(host: str, first: str, then: str) -> Resolver:
    """A DNS server that answers ``first`` for ``host`` once, then ``then``: DNS rebinding."""
    answers = [first]

    async def resolve(name: str) -> Sequence[str]:
        if name != host:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [answers.pop() if answers else then]

    return resolve


def test_dns_rebinding_cannot_reach_a_private_address(site: LocalSite) -> None:
    site.page("/admin", ARTICLE)
    resolver = rebinding("rebind.example", first=PUBLIC_IP, then="127.0.0.1")

    with pytest.raises(BlockedAddressError) as caught:
        fetch(f"http://rebind.example:{site.port}/admin", PUBLIC, resolver=resolver)

    assert str(caught.value).startswith(
        "refusing to connect to rebind.example: 127.0.0.1 is a loopback address"
    )
    assert site.requests == []


def test_connections_go_to_the_checked_address_with_the_host_name_kept(site: LocalSite) -> None:
    site.page("/story", ARTICLE)
    resolver = dns({"news.example": ["127.0.0.1"]})  # the only way to reach it: our resolver

    page = fetch(f"http://news.example:{site.port}/story", LOCAL, resolver=resolver)

    assert page.body == ARTICLE and page.final_url == f"http://news.example:{site.port}/story"
    assert site.requests[0].headers["host"] == f"news.example:{site.port}"


def test_the_system_resolver_is_checked_too(site: LocalSite) -> None:
    site.page("/x", ARTICLE)

    with pytest.raises(BlockedAddressError, match="is a loopback address"):
        fetch(f"http://localhost:{site.port}/x", PUBLIC)

    assert site.requests == []


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("10.0.0.1", "a private"),
        ("192.168.1.1", "a private"),
        ("172.16.0.1", "a private"),
        ("169.254.169.254", "a link-local"),
        ("0.0.0.0", "an unspecified"),
        ("224.0.0.1", "a multicast"),
        ("240.0.0.1", "a reserved"),
        ("100.64.0.1", "a non-global"),
        ("[::1]", "a loopback"),
        ("[fe80::1]", "a link-local"),
        ("[fd00::1]", "a private"),
        ("[::ffff:127.0.0.1]", "a loopback"),
        ("[::ffff:10.0.0.1]", "a private"),
        # IPv6 forms that carry an IPv4 address (see fetch/_netguard.py)
        ("[64:ff9b::127.0.0.1]", "a loopback"),  # NAT64: judged by the IPv4 address
        ("[64:ff9b::10.0.0.1]", "a private"),
        ("[64:ff9b::169.254.169.254]", "a link-local"),
        ("[64:ff9b:1::8.8.8.8]", "a local-use NAT64"),  # refused whatever it carries
        ("[2002:7f00:1::1]", "a 6to4"),
        ("[2002:808:808::1]", "a 6to4"),
        ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "a Teredo"),
        ("[::127.0.0.1]", "an IPv4-compatible"),
        ("[::8.8.8.8]", "an IPv4-compatible"),
    ],
)
def test_ip_literals_outside_the_public_internet_are_refused(host: str, kind: str) -> None:
    with pytest.raises(BlockedAddressError, match=f"is {kind} address"):
        fetch_mock(unreachable, f"http://{host}/admin", resolver=dns({}))


@pytest.mark.parametrize("address", [PUBLIC_IP, "::ffff:" + PUBLIC_IP, "64:ff9b::" + PUBLIC_IP])
def test_an_ipv6_form_of_a_public_ipv4_address_is_allowed(address: str) -> None:
    resolver = dns({"news.example": [address]})  # as DNS64 answers on an IPv6-only network

    assert fetch_mock(html(), resolver=resolver).body == ARTICLE


def test_a_host_resolving_to_a_6to4_address_is_refused() -> None:
    resolver = dns({"news.example": ["2002:a00:1::1"]})  # 6to4 around 10.0.0.1

    with pytest.raises(BlockedAddressError, match="2002:a00:1::1 is a 6to4 address"):
        fetch_mock(unreachable, resolver=resolver)


@pytest.mark.parametrize(
    "addresses", [["10.0.0.1"], [PUBLIC_IP, "127.0.0.1"], ["::ffff:192.168.0.1", PUBLIC_IP]]
)
def test_a_host_with_any_private_address_is_refused(addresses: list[str]) -> None:
    with pytest.raises(BlockedAddressError, match="refusing to fetch https://intranet.example/"):
        fetch_mock(
            unreachable, "https://intranet.example/", resolver=dns({"intranet.example": addresses})
        )


def test_a_redirect_to_a_private_host_is_refused_on_the_hop() -> None:
    requested: list[str] = []

    def redirect_inward(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://internal.example/secrets"})

    resolver = dns({"news.example": [PUBLIC_IP], "internal.example": ["10.0.0.1"]})
    with pytest.raises(BlockedAddressError) as caught:
        fetch_mock(redirect_inward, resolver=resolver)

    assert str(caught.value).startswith(
        "refusing to fetch http://internal.example/secrets: 10.0.0.1 is a private address"
    )
    assert requested == ["https://news.example/story"]


def test_public_hosts_and_redirects_between_them_are_fetched() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example":
            return httpx.Response(301, headers={"Location": "https://other.example/story"})
        return html()(request)

    page = fetch_mock(handler)

    assert page.final_url == "https://other.example/story"


def test_allow_private_networks_lets_private_hosts_through() -> None:
    config = dataclasses.replace(PUBLIC, allow_private_networks=True)

    page = fetch_mock(html(), "http://intranet.example/", config, dns({}))

    assert page.body == ARTICLE


def test_a_dns_failure_is_a_connect_error() -> None:
    with pytest.raises(ConnectError, match="cannot resolve nowhere.example: Name or service"):
        fetch_mock(unreachable, "https://nowhere.example/")


def test_a_host_without_addresses_is_a_connect_error() -> None:
    with pytest.raises(ConnectError, match="cannot resolve empty.example: no addresses"):
        fetch_mock(unreachable, "https://empty.example/", resolver=dns({"empty.example": []}))


# --- 11. transport errors --------------------------------------------------------------


def test_a_refused_connection_is_a_one_line_connect_error() -> None:
    with pytest.raises(ConnectError) as caught:
        fetch(f"http://127.0.0.1:{free_port()}/story")

    assert str(caught.value).startswith("connection failed: ")
    assert "\n" not in str(caught.value)


def test_a_tls_failure_is_a_connect_error(site: LocalSite) -> None:
    with pytest.raises(ConnectError) as caught:  # TLS to a plain-HTTP server
        fetch(f"https://127.0.0.1:{site.port}/story")

    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ConnectError, ConnectError),
        (httpx.ReadError, ConnectError),
        (httpx.RemoteProtocolError, ConnectError),
        (httpx.ProxyError, ConnectError),
        (httpx.UnsupportedProtocol, ConnectError),
        (httpx.ReadTimeout, FetchTimeoutError),
    ],
)
def test_no_httpx_exception_escapes(error: Any, expected: type[FetchError]) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error("something broke\nsecond line", request=request)

    with pytest.raises(expected) as caught:
        fetch_mock(fail)

    assert "\n" not in str(caught.value)


def test_a_malformed_response_is_a_connect_error(site: LocalSite) -> None:
    headers = {"Content-Type": "text/html", "Content-Length": "many"}
    site.routes["/story"] = Route(lambda: iter([ARTICLE]), headers=headers)

    with pytest.raises(ConnectError, match="connection failed: "):
        fetch(site.url("/story"))


def test_a_long_header_is_read_like_any_other(site: LocalSite) -> None:
    policy = "default-src 'self' " + " ".join(f"https://cdn{n}.example" for n in range(600))
    assert len(policy) > 12_000  # news sites send such Content-Security-Policy headers
    site.page("/story", ARTICLE, Content_Security_Policy=policy)

    assert fetch(site.url("/story")).body == ARTICLE


def test_a_body_that_fails_to_decompress_is_a_fetch_error() -> None:
    with pytest.raises(FetchError):
        fetch_mock(html(b"this is not gzip", **{"Content-Encoding": "gzip"}))
