"""Property: whatever servers answer, a check pass returns and records each article once.

Hypothesis generates hostile sites: statuses, redirect targets (any string, bad
ports and hosts, other schemes, loops), headers (content types, encodings,
lying or absurd lengths, raw bytes), bodies (random bytes, HTML fragments,
compressed, cut short or mislabelled) and robots.txt answers. Each example
checks a few articles in one pass of a real Redline with the address guard
on, over httpx.MockTransport.

One Redline (one database) serves every example of a test: each example
tracks articles under hosts of its own, so none sees another's, which is
what makes the function-scoped fixture safe to reuse across examples.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import brotli
import httpx
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mocksite import PUBLIC_ADDRESS
from redline import Config, FetchConfig, Redline
from redline.errors import InvalidURLError
from redline.model import CheckOutcome
from redlines import RedlineFactory
from test_urls import url_like

PROPERTY = settings(
    max_examples=40,
    derandomize=True,  # the same examples every run
    database=None,
    deadline=None,
    # one Redline for all examples, safe to reuse: see the module docstring
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONFIG = Config(fetch=FetchConfig(per_host_delay=0, max_bytes=20_000, max_redirects=3))
STORY = (
    "<!DOCTYPE html><html><head><title>Harbour reopens</title></head><body><article>"
    + "".join(
        f"<p>The harbour reopened on day {n} after the storm, they said.</p>" for n in range(8)
    )
    + "</article></body></html>"
).encode()

ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: zlib.compress(data, wbits=31),
    "x-gzip": lambda data: zlib.compress(data, wbits=31),
    "deflate": zlib.compress,
    "br": lambda data: brotli.compress(data, quality=1),
    "zstd": zstandard.compress,
}
ENCODINGS = [
    *ENCODERS,
    "gzip, zstd",
    "identity",
    "compress",
    "gzip, gzip, gzip, gzip, gzip",
    "zstd;q=1",
]
LOCATIONS = [
    "hop",  # the article's second response: a chain, or a loop when that redirects to itself
    "/story",
    "https://news.example:70000/",
    "http://news.example:0/",
    "http://a..b/",
    f"http://{'a' * 64}.example/",
    "http://xn--zz.example/",
    "http://0177.0.0.1/",
    "http://0x7f.1/",
    "http://10.0.0.1/",
    "http://[::1]/",
    "http://[2002:7f00:1::1]/",
    "http://[::1/",
    "gopher://news.example/",
    "javascript:alert(1)",
    "//other.example/",
    "https://news.example/" + "x" * 3000,
    "http://user:pw@news.example/",
    "\u2603://x",
]
ROBOTS = [b"User-agent: *\nDisallow: /story\n", b"User-agent: *\nAllow: /\n", b"\xff\xfe\x00"]

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
header_value = st.one_of(header_text, st.binary(max_size=40))  # raw bytes: \0, \n, latin-1


@dataclass(frozen=True)
class Answer:
    """One generated response."""

    status: int
    headers: dict[str, str | bytes]
    body: bytes

    def response(self) -> httpx.Response:
        headers = [
            (name.encode(), value if isinstance(value, bytes) else value.encode())
            for name, value in self.headers.items()
        ]
        return httpx.Response(self.status, headers=headers, content=self.body)


@st.composite
def encoded(draw: st.DrawFn) -> tuple[dict[str, str | bytes], bytes]:
    """A body and its Content-Encoding: as labelled, cut short, or not encoded at all."""
    body = draw(
        st.one_of(
            st.just(STORY),
            st.binary(max_size=1500),
            st.text(max_size=300).map(lambda text: f"<html><body><p>{text}".encode()),
            st.just(b""),
        )
    )
    encoding = draw(st.none() | st.sampled_from(ENCODINGS) | header_value)
    if encoding is None:
        return {}, body
    how = draw(st.sampled_from(["as labelled", "cut short", "not encoded"]))
    if how != "not encoded" and isinstance(encoding, str):
        for name in reversed([name.strip() for name in encoding.split(",")]):
            body = ENCODERS[name](body) if name in ENCODERS else body
        if how == "cut short":
            body = body[: len(body) // 2]
    return {"Content-Encoding": encoding}, body


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    usual = [200, 200, 200, 200, 204, 301, 302, 303, 304, 307, 308, 404, 410, 429, 500, 503]
    anything = draw(st.integers(0, 4)) == 0  # one in five: any status at all
    status = draw(st.integers(100, 599) if anything else st.sampled_from(usual))
    headers, body = draw(encoded())
    optional: dict[str, st.SearchStrategy[str | bytes]] = {
        "Content-Type": st.sampled_from(
            ["text/html", "text/html; charset=utf-8", "text/html; charset=x-bogus", "text/plain"]
        )
        | header_value,
        "Content-Length": st.integers(-5, 10**12).map(str) | st.just("9" * 40) | header_value,
        "Location": st.sampled_from(LOCATIONS) | header_value,
        "Retry-After": st.integers(-5, 10**9).map(str) | header_value,
        "ETag": header_value | st.just('"' + "e" * 2000 + '"'),
        "Last-Modified": header_value | st.just("Sun, 01 Nov 2026 08:00:00 GMT"),
    }
    for name, values in optional.items():
        if draw(st.booleans()):
            headers[name] = draw(values)
    return Answer(status, headers, body)


@dataclass(frozen=True)
class HostileArticle:
    """What one article's host answers: the page, a second response (``hop``), robots.txt."""

    page: Answer
    hop: Answer
    robots: Answer | None


hostile_articles = st.builds(
    HostileArticle,
    answers(),
    answers(),
    st.none()
    | st.builds(
        Answer, st.sampled_from([200, 404, 500, 503]), st.just({}), st.sampled_from(ROBOTS)
    ),
)


class HostileSite:
    """Answers by host and path from what the examples generated; 404 for anything else."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], Answer] = {}
        self.transport = httpx.MockTransport(self._handle)

    def serve(self, host: str, article: HostileArticle) -> str:
        self.answers[(host, "/story")] = article.page
        self.answers[(host, "/hop")] = article.hop
        if article.robots is not None:
            self.answers[(host, "/robots.txt")] = article.robots
        return f"https://{host}/story"

    def _handle(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers.get((request.url.host, request.url.path))
        return httpx.Response(404) if answer is None else answer.response()


async def public_dns(host: str) -> list[str]:
    """Every name is public: what the guard refuses it refuses by the URL's own address."""
    return [PUBLIC_ADDRESS]


@pytest.fixture
def hostile(make_redline: RedlineFactory) -> tuple[Redline, HostileSite]:
    site = HostileSite()
    return make_redline(CONFIG, transport=site.transport, resolver=public_dns), site


def assert_checked_once_each(redline: Redline, ids: list[int]) -> None:
    """The pass returned a result for each article and logged exactly one check for each."""
    results = redline.check(ids).results

    assert sorted(result.article_id for result in results) == sorted(ids)
    for result in results:
        (logged,) = redline.checks(result.article_id)
        assert logged.outcome is result.outcome
        assert (result.outcome is CheckOutcome.ERROR) == (result.error_kind is not None)


EXAMPLES = itertools.count()  # hosts of an example's own, across shrinking runs too


@PROPERTY
@given(articles=st.lists(hostile_articles, min_size=1, max_size=4))
def test_a_pass_over_hostile_sites_records_one_outcome_per_article(
    hostile: tuple[Redline, HostileSite], articles: list[HostileArticle]
) -> None:
    redline, site = hostile
    example = next(EXAMPLES)
    urls = [site.serve(f"e{example}-{n}.example", article) for n, article in enumerate(articles)]
    ids = [article.id for article, _ in redline.add(urls)]

    assert_checked_once_each(redline, ids)


label = st.text("abcxyz019-", min_size=1, max_size=12) | st.sampled_from(
    ["xn--bcher-kva", "B\u00fccher"]
)
plausible_urls = st.builds(
    "{}://{}{}/{}".format,
    st.sampled_from(["http", "https"]),
    st.lists(label, min_size=1, max_size=4).map(".".join) | st.ip_addresses(v=4).map(str),
    st.none().map(lambda _: "") | st.integers(0, 70_000).map(":{}".format),
    st.text("abc/?=&%#", max_size=40),
)


@PROPERTY
@given(url=url_like() | plausible_urls)
def test_a_url_add_accepts_can_be_checked(hostile: tuple[Redline, HostileSite], url: str) -> None:
    redline, _ = hostile
    try:
        ((article, _),) = redline.add([url])
    except InvalidURLError:
        return
    before = len(redline.checks(article.id, limit=1000))

    (result,) = redline.check([article.id]).results

    assert len(redline.checks(article.id, limit=1000)) == before + 1
    assert result.outcome is CheckOutcome.ERROR  # nothing is served there
