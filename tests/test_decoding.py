"""Content-Encoding decoded within the size cap: bombs, ordinary pages, broken streams.

The bombs (tests/bombs.py) each decode to a gigabyte; each is fetched in a
child process, as a page, a feed and a robots.txt, and the child's peak
resident memory must stay under 300 MB (redline itself takes about 110).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import os
import subprocess
import sys
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import brotli
import httpx
import pytest
import zstandard

import bombs
from localsite import LocalSite, Route
from redline.config import FetchConfig
from redline.errors import EmptyBodyError, FetchError, TooLargeError
from redline.fetch import Fetcher, Page
from redline.fetch._decoding import ACCEPT_ENCODING, MAX_LAYERS

PEAK_LIMIT = 300 * 1024 * 1024
CONFIG = FetchConfig(timeout=5.0, per_host_delay=0, respect_robots=False)
PAGE = (
    b"<!DOCTYPE html><html><body>"
    + b"".join(
        b"<p>Paragraph %d of an ordinary article, as long as such paragraphs go.</p>" % n
        for n in range(3000)
    )
    + b"</body></html>"
)

Encode = Callable[[bytes], bytes]


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODERS: dict[str, Encode] = {
    "gzip": lambda data: zlib.compress(data, wbits=31),
    "x-gzip": lambda data: zlib.compress(data, wbits=31),
    "deflate": zlib.compress,  # zlib-wrapped, as RFC 9110 says
    "br": lambda data: brotli.compress(data, quality=5),  # the default 11 is slow
    "zstd": zstandard.compress,
}


async def streamed(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def fetch_encoded(
    body: bytes, encoding: str, *, config: FetchConfig = CONFIG, read_size: int = 1000
) -> Page:
    """Fetch ``body`` served with ``Content-Encoding: encoding``, ``read_size`` bytes a read."""

    def respond(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": encoding}
        return httpx.Response(200, headers=headers, content=streamed(body, read_size))

    async def public(host: str) -> list[str]:
        return ["93.184.215.14"]

    async def go() -> Page:
        async with Fetcher(config, transport=httpx.MockTransport(respond), resolver=public) as f:
            return await f.fetch("https://news.example/story")

    return asyncio.run(go())


# --- bombs: refused, in bounded memory -------------------------------------------------


@pytest.fixture(scope="module")
def bomb_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Builds a bomb once, into a file a child process reads."""
    folder = tmp_path_factory.mktemp("bombs")

    @functools.cache
    def build(encoding: str) -> Path:
        path = folder / encoding.replace(", ", "+")
        path.write_bytes(bombs.BOMBS[encoding]())
        return path

    return build


@pytest.mark.parametrize("encoding", list(bombs.BOMBS))
def test_a_bomb_is_too_large_and_memory_stays_bounded(
    encoding: str, bomb_file: Callable[[str], Path]
) -> None:
    child = subprocess.run(
        [sys.executable, bombs.__file__, str(bomb_file(encoding)), encoding],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout)

    # as a page and as a feed, too large; as robots.txt, its first 512 KiB are its rules
    assert report["outcomes"] == {"page": "too_large", "feed": "too_large", "robots": "disallowed"}
    assert report["peak_bytes"] < PEAK_LIMIT


def test_a_body_over_max_bytes_on_the_wire_is_too_large_before_decoding() -> None:
    noise = os.urandom(50_000)  # incompressible: the wire is as large as the page
    small = dataclasses.replace(CONFIG, max_bytes=40_000)

    with pytest.raises(TooLargeError, match=r"over \[fetch\] max_bytes = 40000"):
        fetch_encoded(zstandard.compress(b"<html>" + noise), "zstd", config=small)


# --- ordinary pages: decoded exactly --------------------------------------------------


@pytest.mark.parametrize("encoding", list(ENCODERS))
@pytest.mark.parametrize("read_size", [1, 7, 1000, 1 << 20])
def test_a_compressed_page_decodes_exactly(encoding: str, read_size: int) -> None:
    body = PAGE if read_size > 1 else PAGE[:3000]  # a byte a read: a short page will do
    page = fetch_encoded(ENCODERS[encoding](body), encoding, read_size=read_size)

    assert page.body == body and page.text == body.decode()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("deflate", deflate_raw),  # raw deflate, as many servers send it
        ("gzip, zstd", lambda data: zstandard.compress(zlib.compress(data, wbits=31))),
        ("br, gzip", lambda data: zlib.compress(ENCODERS["br"](data), wbits=31)),
        ("identity, zstd", zstandard.compress),
        ("zstd", lambda data: zstandard.compress(data[:9000]) + zstandard.compress(data[9000:])),
    ],
    ids=["raw deflate", "gzip then zstd", "br then gzip", "identity", "two zstd frames"],
)
def test_other_forms_of_compressed_pages_decode_exactly(encoding: str, encode: Encode) -> None:
    assert fetch_encoded(encode(PAGE), encoding).body == PAGE


def test_a_page_of_exactly_max_bytes_decoded_is_accepted_and_one_more_is_not() -> None:
    exact = dataclasses.replace(CONFIG, max_bytes=len(PAGE))
    short = dataclasses.replace(CONFIG, max_bytes=len(PAGE) - 1)

    assert fetch_encoded(zstandard.compress(PAGE), "zstd", config=exact).body == PAGE
    with pytest.raises(TooLargeError):
        fetch_encoded(zstandard.compress(PAGE), "zstd", config=short)


def test_a_compressed_page_from_a_real_server_decodes(site: LocalSite) -> None:
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    site.routes["/story"] = Route(zlib.compress(PAGE, wbits=31), headers=headers)
    config = dataclasses.replace(CONFIG, allow_private_networks=True)

    async def go() -> Page:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch(site.url("/story"))

    assert asyncio.run(go()).body == PAGE
    assert site.requests[0].headers["accept-encoding"] == ACCEPT_ENCODING
    assert set(ACCEPT_ENCODING.split(", ")) == {"gzip", "deflate", "br", "zstd"}


# --- broken streams: a FetchError, not an exception escaping ---------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_a_cut_short_stream_is_a_fetch_error(encoding: str) -> None:
    whole = ENCODERS[encoding](PAGE)

    with pytest.raises(FetchError, match=f"the {encoding} response body") as caught:
        fetch_encoded(whole[: len(whole) // 2], encoding)

    assert caught.value.kind == "fetch"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_a_corrupt_stream_is_a_fetch_error(encoding: str) -> None:
    whole = bytearray(ENCODERS[encoding](PAGE))
    whole[len(whole) // 3 : len(whole) // 3 + 64] = b"\xff" * 64

    with pytest.raises(FetchError, match=f"the {encoding} response body") as caught:
        fetch_encoded(bytes(whole), encoding)

    assert caught.value.kind == "fetch"


def test_an_unknown_encoding_is_a_fetch_error_naming_it() -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'compress'"):
        fetch_encoded(PAGE, "compress")


def test_too_many_stacked_encodings_are_refused() -> None:
    body = PAGE
    for _ in range(MAX_LAYERS + 1):
        body = zlib.compress(body, wbits=31)

    with pytest.raises(FetchError, match=f"stacks {MAX_LAYERS + 1} encodings"):
        fetch_encoded(body, ", ".join(["gzip"] * (MAX_LAYERS + 1)))


def test_an_empty_compressed_body_is_an_empty_body() -> None:
    with pytest.raises(EmptyBodyError):
        fetch_encoded(b"", "gzip")
