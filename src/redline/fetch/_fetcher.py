"""Fetch article pages: the first stage of the pipeline.

A :class:`Fetcher` owns one :class:`httpx.AsyncClient` and turns a URL into a
:class:`Page` (decoded HTML plus the HTTP metadata the store keeps), or raises
one of the :class:`~redline.errors.FetchError` subclasses, and nothing else
whatever the server or the layers below do. Every ``[fetch]`` limit is
enforced here: a time limit on the whole request, a size cap checked while the
body streams and while it is decompressed (:mod:`._decoding`), a redirect limit
(each target checked as :func:`redline.urls.checked_url` checks URLs that
enter), a refusal to contact private networks, and politeness: per-host limits
and ``Retry-After`` (:mod:`._politeness`) and robots.txt (:mod:`._robots`).

Each HTTP request, every redirect hop and each robots.txt included, goes
through one gate (:meth:`Fetcher._exchange`): the address guard, then the
robots.txt of the hop's site, then the hop's host's turn. Waiting for robots.txt
or a turn does not count against the time limit. Time, for the per-host delays
and the time limit alike, is the injected ``monotonic`` clock and its ``sleep``.

The transport is httpx's own (httpcore). ``httpx-aiohttp`` costs about a
quarter of its CPU per request (``bench/fetch_transports.py``) but, as of
0.2.0, reports a refused connection or a TLS failure as a time-out, lets
aiohttp's own exceptions escape on a header over 8 KB or a malformed response,
and keeps cookies from one fetch to the next; next to extracting the article,
the saving is small.

Security: before every request, including each redirect hop, the host is
resolved and refused if any address is loopback, private, link-local, ... ; and
connections go only to the addresses so checked (:mod:`._netguard`), so
a DNS server answering differently the second time (DNS rebinding) gets nowhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.cookiejar
import logging
import ssl
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import certifi
import httpx
from protego import Protego

from .._charset import decode_html
from ..config import FetchConfig
from ..errors import (
    ConnectError,
    ContentTypeError,
    DisallowedError,
    EmptyBodyError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    RedirectError,
    RedlineError,
    TooLargeError,
    TooManyRedirectsError,
)
from ..model import Monotonic, Sleep
from ..urls import checked_url
from . import _robots
from ._decoding import ACCEPT_ENCODING, read_capped
from ._netguard import AddressGuard, Resolver, guarded_transport
from ._politeness import HostLimiter, retry_after

__all__ = ["Fetcher", "Page", "Resolver"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_STARTS = (b"<!doctype html", b"<html")
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
# The widths of the columns that keep a page's validators: a longer one is not kept.
_MAX_ETAG, _MAX_LAST_MODIFIED = 1024, 128
# What an archived page keeps of its response: enough to decode it again and to
# replay it (WARC); not cookies, and not the transfer or content encoding,
# which no longer apply to the decoded body.
_ARCHIVED_HEADERS = (
    "content-type",
    "content-language",
    "date",
    "last-modified",
    "etag",
    "cache-control",
    "expires",
    "age",
    "link",
)


@dataclass(frozen=True)
class Page:
    """One fetched page, or the news that it has not changed (status 304)."""

    url: str
    """The URL as requested."""
    final_url: str
    """The URL after redirects."""
    status: int
    etag: str | None
    """The ETag header exactly as the server sent it."""
    last_modified: str | None
    """The Last-Modified header exactly as the server sent it."""
    content_type: str | None
    """The media type, lower-cased and without parameters; None if not sent."""
    body: bytes
    text: str
    """The body decoded to text; empty when not modified."""
    encoding: str | None
    """The Python codec that decoded ``body``."""
    elapsed: float
    """Seconds the whole request took, redirects included, waits for a turn excluded."""
    cache_headers: Mapping[str, str] = field(default_factory=dict)
    """The freshness headers (cache-control, expires, date, age), names in lower case."""
    headers: tuple[tuple[str, str], ...] = ()
    """The response headers an archived copy keeps (content type, dates, validators, links)."""

    @property
    def not_modified(self) -> bool:
        """True when the server answered 304: the page is as it was."""
        return self.status == 304

    @property
    def nbytes(self) -> int:
        """The size of the body in bytes."""
        return len(self.body)


@dataclass(frozen=True)
class _Validators:
    """The validators of the copy we hold, sent back to make the request conditional."""

    etag: str | None
    last_modified: str | None

    def as_headers(self) -> dict[str, str]:
        pairs = (("If-None-Match", self.etag), ("If-Modified-Since", self.last_modified))
        return {name: value for name, value in pairs if value and _is_header_safe(value)}


_NO_VALIDATORS = _Validators(None, None)


class _TimeLimit:
    """The time limit of one fetch: it runs while requests run and stops while they wait.

    It counts on the Fetcher's ``monotonic`` clock; :meth:`expire` waits on that
    clock's ``sleep`` and, once the time is used up, makes the ``asyncio.timeout``
    around the fetch pass, which cancels the fetch and raises TimeoutError.
    """

    def __init__(self, seconds: float, monotonic: Monotonic) -> None:
        self._seconds = seconds
        self._monotonic = monotonic
        self._used = 0.0  # before the current run
        self._since: float | None = monotonic()  # when the current run began; None: stopped
        self._running = asyncio.Event()
        self._running.set()

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """Stop the clock for the duration: waiting for robots.txt or a turn is free."""
        self._used, self._since = self.elapsed(), None
        self._running.clear()
        try:
            yield
        finally:
            self._since = self._monotonic()
            self._running.set()

    def elapsed(self) -> float:
        """Seconds used so far."""
        running = 0.0 if self._since is None else self._monotonic() - self._since
        return self._used + running

    async def expire(self, deadline: asyncio.Timeout, sleep: Sleep) -> None:
        """Make ``deadline`` pass once the limit is used up; a stopped clock waits to run."""
        while True:
            await self._running.wait()
            left = self._seconds - self.elapsed()
            if left <= 0:
                break
            await sleep(left)  # the clock may have stopped meanwhile: look again
        deadline.reschedule(asyncio.get_running_loop().time())


class Fetcher:
    """Fetches pages within the limits of a :class:`FetchConfig`.

    Use it as an async context manager; it owns one connection pool, and
    remembers each site's robots.txt and ``Retry-After`` while it is open.
    ``fetch`` may be called from many tasks at once; at most
    ``config.concurrency`` requests run together, at most
    ``config.per_host_concurrency`` to one host, starting at least
    ``config.per_host_delay`` seconds apart, and the others wait (the wait does
    not count against the time limit). ``transport`` and ``resolver`` replace
    the network and DNS, ``monotonic`` and ``sleep`` the clock that delays and
    time limits run on, for tests. ``robots_memory`` keeps sites' robots.txt
    answers across Fetchers.
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        robots_memory: _robots.RobotsMemory | None = None,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._config = config
        self._transport = transport
        self._guard = AddressGuard(resolver, allow_private_networks=config.allow_private_networks)
        self._monotonic, self._sleep = monotonic, sleep
        self._limiter = HostLimiter(
            config.concurrency,
            config.per_host_concurrency,
            config.per_host_delay,
            monotonic=monotonic,
            sleep=sleep,
        )
        self._robots = (
            _robots.RobotsCache(self._load_robots, robots_memory) if config.respect_robots else None
        )
        self._agent = _robots.product_token(config.user_agent)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        self._client = httpx.AsyncClient(
            transport=self._transport or guarded_transport(self._guard, _tls_context()),
            follow_redirects=False,
            timeout=self._config.timeout,
            headers={
                "User-Agent": self._config.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,  # what _decoding decodes, within the cap
            },
            cookies=_cookieless_jar(),
            event_hooks={"response": [_check_redirect_location]},
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Page:
        """Fetch ``url``, conditionally if ``etag`` or ``last_modified`` is given.

        Returns a 304 :class:`Page` when the server says the page is unchanged.
        Raises :class:`InvalidURLError` for a URL redline cannot fetch (see
        :mod:`redline.urls`), and a :class:`FetchError` subclass, its ``url``
        set to ``url``, for everything that can go wrong after (no other
        exception leaves), including a page robots.txt disallows
        (:class:`DisallowedError`: it is never requested) and a host that asked
        us to wait (:class:`RetryLaterError`: ``retry_after`` says how long).
        """
        validators = _Validators(etag, last_modified)

        async def read(response: httpx.Response, limit: _TimeLimit) -> Page:
            return await self._read_page(url, response, validators, limit)

        return await self._fetch(url, read, validators, _ACCEPT)

    async def fetch_document(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Page:
        """Fetch a document of any type (a feed) within the same limits and guards.

        The body is neither type-checked nor decoded (``text`` is empty); an
        error status or an empty body still raise, as for :meth:`fetch`.
        """
        validators = _Validators(etag, last_modified)

        async def read(response: httpx.Response, limit: _TimeLimit) -> Page:
            if response.status_code == 304:
                return _not_modified_page(url, response, validators, limit)
            _refuse_error_status(response)
            body = await self._read_capped_body(response)
            return _page(url, response, body, "", None, limit)

        return await self._fetch(url, read, validators, accept)

    async def _fetch(
        self,
        url: str,
        read: Callable[[httpx.Response, _TimeLimit], Awaitable[Page]],
        validators: _Validators,
        accept: str,
    ) -> Page:
        target = httpx.URL(checked_url(url))
        if self._client is None:
            raise RuntimeError("use the Fetcher in 'async with' before fetching")
        with _noted(url=url), _translated_errors(self._config.timeout):
            async with self._time_limit() as limit:
                return await self._follow_redirects(
                    target,
                    limit,
                    lambda response: read(response, limit),
                    validators=validators,
                    accept=accept,
                )

    @contextlib.asynccontextmanager
    async def _time_limit(self) -> AsyncIterator[_TimeLimit]:
        """``[fetch] timeout`` on the requests made inside; TimeoutError once it runs out."""
        async with asyncio.timeout(None) as deadline:
            limit = _TimeLimit(self._config.timeout, self._monotonic)
            watch = asyncio.create_task(limit.expire(deadline, self._sleep))
            try:
                yield limit
            finally:
                watch.cancel()

    async def _follow_redirects(
        self,
        target: httpx.URL,
        limit: _TimeLimit,
        read: Callable[[httpx.Response], Awaitable[_T]],
        *,
        validators: _Validators = _NO_VALIDATORS,
        obey_robots: bool = True,
        accept: str = _ACCEPT,
    ) -> _T:
        """Request ``target``, then each redirect target in turn; ``read`` the last answer."""
        cookies = httpx.Cookies()  # kept for one redirect chain only
        sent: set[tuple[str, str]] = set()
        while True:
            headers = validators.as_headers() | _cookie_header(cookies, target)
            headers["Accept"] = accept
            request = (str(target), headers.get("Cookie", ""))
            if request in sent:
                raise TooManyRedirectsError(f"redirect loop at {target}")
            sent.add(request)
            async with self._exchange(target, headers, limit, obey_robots) as response:
                cookies.extract_cookies(response)
                if response.next_request is None:
                    with _noted(status=response.status_code):
                        return await read(response)
                next_target = response.next_request.url
            if len(sent) > self._config.max_redirects:
                raise TooManyRedirectsError(f"more than {self._config.max_redirects} redirects")
            target = next_target  # checked as it arrived: _check_redirect_location

    @contextlib.asynccontextmanager
    async def _exchange(
        self, target: httpx.URL, headers: dict[str, str], limit: _TimeLimit, obey_robots: bool
    ) -> AsyncIterator[httpx.Response]:
        """One request, once the address guard, robots.txt and the host's turn allow it."""
        assert self._client is not None
        await self._refuse_blocked_address(target)
        host = _host(target)
        with limit.stopped():
            if obey_robots:
                await self._refuse_disallowed(target)
            await self._limiter.acquire(host)
        try:
            async with self._client.stream("GET", target, headers=headers) as response:
                wait = retry_after(response)
                if wait is not None:
                    self._limiter.cool_down(host, wait)
                yield response
        finally:
            self._limiter.release(host)

    async def _refuse_disallowed(self, url: httpx.URL) -> None:
        """Raise DisallowedError if the site's robots.txt disallows ``url`` to us."""
        if self._robots is None:
            return
        where, rules = await self._robots.rules_for(url)
        if rules is None:
            return
        if delay := rules.crawl_delay(self._agent):  # when longer than per_host_delay
            self._limiter.slow_down(_host(url), delay)
        if not rules.can_fetch(str(url), self._agent):
            raise DisallowedError(f"disallowed by {where} for {self._agent}")

    async def _load_robots(self, url: httpx.URL) -> tuple[Protego | None, bool]:
        """Fetch and parse the robots.txt at ``url``, with its own time limit.

        Returns its rules and whether the site answered; any failure to get an
        answer means everything is allowed (see _robots).
        """
        try:
            with _translated_errors(self._config.timeout):
                async with self._time_limit() as limit:
                    status, body = await self._follow_redirects(
                        url, limit, _read_robots, obey_robots=False
                    )
        except FetchError as exc:
            log.info("no answer from %s (%s): everything is allowed", url, exc)
            return None, False
        if status >= 500:
            return None, False
        return _robots.rules_from(status, body), True

    async def _refuse_blocked_address(self, url: httpx.URL) -> None:
        """Raise BlockedAddressError unless every address of the host is allowed.

        The connection checks again (see _netguard); checking here first names the URL.
        """
        if not self._guard.allow_private_networks:
            await self._guard.addresses(_host(url), refusing=f"fetch {url}")

    async def _read_page(
        self, url: str, response: httpx.Response, validators: _Validators, limit: _TimeLimit
    ) -> Page:
        """Check the final response and read its body into a Page."""
        if response.status_code == 304:
            return _not_modified_page(url, response, validators, limit)
        _refuse_error_status(response)
        media_type = _media_type(response)
        _refuse_non_html_type(media_type)
        body = await self._read_capped_body(response)
        if media_type is None and not _looks_like_html(body):
            raise ContentTypeError("not an HTML page: no Content-Type and the body is not HTML")
        text, encoding = decode_html(body, response.charset_encoding)
        return _page(url, response, body, text, encoding, limit)

    async def _read_capped_body(self, response: httpx.Response) -> bytes:
        """Read the body, giving up as soon as it is known to exceed ``max_bytes``.

        The cap holds for the body as sent and as decoded (see _decoding).
        """
        limit = self._config.max_bytes
        declared = _declared_length(response)
        if declared is not None and declared > limit:
            raise TooLargeError(
                f"response body is {declared} bytes, over [fetch] max_bytes = {limit}"
            )
        body = await read_capped(response, limit)
        if body.over:
            raise TooLargeError(f"response body is over [fetch] max_bytes = {limit}")
        if not body.data:
            raise EmptyBodyError("empty response body", status=response.status_code)
        return body.data


async def _read_robots(response: httpx.Response) -> tuple[int, bytes]:
    """The status of a robots.txt answer and, if it succeeded, its body.

    A body longer than ``_robots.MAX_BYTES`` is cut there, after its last whole line.
    """
    if not response.is_success:
        return response.status_code, b""
    body = await read_capped(response, _robots.MAX_BYTES)
    if body.over:
        return response.status_code, body.data[: body.data.rfind(b"\n") + 1]
    return response.status_code, body.data


def _not_modified_page(
    url: str, response: httpx.Response, validators: _Validators, limit: _TimeLimit
) -> Page:
    """A 304: the server's validators, or the ones we sent if it repeated none."""
    return Page(
        url=url,
        final_url=str(response.url),
        status=304,
        etag=_validator(response, "ETag", _MAX_ETAG) or validators.etag,
        last_modified=(
            _validator(response, "Last-Modified", _MAX_LAST_MODIFIED) or validators.last_modified
        ),
        content_type=None,
        body=b"",
        text="",
        encoding=None,
        elapsed=limit.elapsed(),
        cache_headers=_cache_headers(response),
    )


def _page(
    url: str,
    response: httpx.Response,
    body: bytes,
    text: str,
    encoding: str | None,
    limit: _TimeLimit,
) -> Page:
    return Page(
        url=url,
        final_url=str(response.url),
        status=response.status_code,
        etag=_validator(response, "ETag", _MAX_ETAG),
        last_modified=_validator(response, "Last-Modified", _MAX_LAST_MODIFIED),
        content_type=_media_type(response),
        body=body,
        text=text,
        encoding=encoding,
        elapsed=limit.elapsed(),
        cache_headers=_cache_headers(response),
        headers=_archived_headers(response),
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: building one costs ~60 ms of CPU.

    It trusts what httpx trusts by default: certifi's certificate bundle.
    """
    return ssl.create_default_context(cafile=certifi.where())


def _validator(response: httpx.Response, name: str, longest: int) -> str | None:
    """The validator header ``name``, if it can be sent back and kept (``longest``)."""
    value: str | None = response.headers.get(name)
    if value is None or len(value) > longest or not _is_header_safe(value):
        return None
    return value


def _archived_headers(response: httpx.Response) -> tuple[tuple[str, str], ...]:
    wanted = frozenset(_ARCHIVED_HEADERS)
    return tuple((name, value) for name, value in response.headers.items() if name in wanted)


def _cache_headers(response: httpx.Response) -> dict[str, str]:
    names = ("cache-control", "expires", "date", "age")
    return {name: response.headers[name] for name in names if name in response.headers}


@contextlib.contextmanager
def _noted(*, url: str | None = None, status: int | None = None) -> Iterator[None]:
    """Give a FetchError raised inside the URL fetched or the HTTP status it lacks."""
    try:
        yield
    except FetchError as exc:
        exc.url = exc.url or url
        exc.status = exc.status or status
        raise


@contextlib.contextmanager
def _translated_errors(timeout: float) -> Iterator[None]:
    """Let only redline's FetchErrors out: translate whatever else the request raised.

    httpx's exceptions have their counterparts; anything else from below
    (httpcore, anyio: an ExceptionGroup, an OverflowError, a UnicodeError...)
    is a hostile or broken answer met on the way, a bare FetchError naming it.
    """
    try:
        yield
    except RedlineError:
        raise
    except Exception as exc:
        innermost = _innermost(exc)
        if isinstance(innermost, RedlineError):  # raised below a task group: the guard's
            raise innermost from None
        raise _translated(innermost, timeout) from exc


def _innermost(exc: BaseException) -> BaseException:
    """The first exception an ExceptionGroup (anyio's task groups raise them) holds."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _translated(exc: BaseException, timeout: float) -> FetchError:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return FetchTimeoutError(f"timed out after {timeout:g}s")
    if isinstance(exc, httpx.TransportError):
        return ConnectError(f"connection failed: {_one_line(exc)}")
    if isinstance(exc, httpx.HTTPError | httpx.InvalidURL):
        return FetchError(_one_line(exc))
    log.debug("the request failed with %s", type(exc).__name__, exc_info=exc)
    return FetchError(f"the request failed: {type(exc).__name__}: {_one_line(exc)}")


async def _check_redirect_location(response: httpx.Response) -> None:
    """Refuse a redirect to a URL redline would not fetch, before httpx builds the request.

    A response hook, so it runs before httpx parses the Location itself (which
    fails on some URLs, and lets others through, such as a port past 65535);
    the Location is replaced by the URL checked, its host IDNA-encoded.
    """
    if not response.has_redirect_location:
        return
    try:
        target = urllib.parse.urljoin(str(response.request.url), response.headers["Location"])
        response.headers["Location"] = checked_url(target)
    except (InvalidURLError, ValueError) as exc:  # urljoin: ValueError on a bad IPv6 literal
        raise RedirectError(
            f"refusing to follow a redirect: {_one_line(exc)}", status=response.status_code
        ) from None


def _host(url: httpx.URL) -> str:
    """The host as it is resolved and connected to: IDNA-encoded, not decoded as ``url.host``."""
    return url.raw_host.decode("ascii")


def _refuse_error_status(response: httpx.Response) -> None:
    if response.is_success:
        return
    status = response.status_code
    if response.is_redirect:  # a 3xx that httpx would not follow: no usable Location
        raise RedirectError(f"HTTP {status} redirect without a Location", status=status)
    message = f"HTTP {status} {response.reason_phrase}".rstrip()
    raise HTTPStatusError(message, status=status, retry_after=retry_after(response))


def _media_type(response: httpx.Response) -> str | None:
    header = response.headers.get("Content-Type", "")
    return header.split(";", 1)[0].strip().lower() or None


def _refuse_non_html_type(media_type: str | None) -> None:
    if media_type is not None and media_type not in _HTML_TYPES:
        raise ContentTypeError(f"not an HTML page: {media_type}")


def _looks_like_html(body: bytes) -> bool:
    start = body[:1024].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return start.startswith(_HTML_STARTS)


def _declared_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _cookieless_jar() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing, so no cookie passes from one fetch to another."""
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _cookie_header(cookies: httpx.Cookies, url: httpx.URL) -> dict[str, str]:
    probe = httpx.Request("GET", url)
    cookies.set_cookie_header(probe)
    cookie = probe.headers.get("Cookie")
    return {"Cookie": cookie} if cookie else {}


def _is_header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
