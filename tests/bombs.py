"""Decompression bombs, and a child process that fetches one and reports its peak memory.

Each bomb decodes to :data:`DECODED_SIZE` bytes: a robots.txt that disallows
everything, then zeros. Gzip and deflate are built from one compressed
megabyte repeated (a full flush makes every block alike), so building a
gigabyte's bomb takes a fraction of a second.

Run as a script, ``python bombs.py BOMB ENCODING`` fetches the bomb in a
fresh process as a page, as a feed and as a robots.txt, through
httpx.MockTransport, and prints what came of each and the process's peak
resident memory, as JSON: the parent cannot measure a child's peak otherwise.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import brotli
import httpx
import zstandard

ROBOTS = b"User-agent: *\nDisallow: /\n"
DECODED_SIZE = 1 << 30
"""A gigabyte: httpx's whole-read decoding took redline far past any bound on less."""

_MEGABYTE = b"\0" * (1 << 20)
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"


def raw_deflate_bomb() -> bytes:
    """ROBOTS and zeros up to DECODED_SIZE, deflated (raw, RFC 1951)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(ROBOTS) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(_MEGABYTE) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(_MEGABYTE) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # after a full flush nothing refers back: each block is alike
    megabytes = (DECODED_SIZE - len(ROBOTS)) // len(_MEGABYTE)
    return first + block * megabytes + compressor.flush()


def gzip_bomb() -> bytes:
    crc = zlib.crc32(ROBOTS)
    megabytes = (DECODED_SIZE - len(ROBOTS)) // len(_MEGABYTE)
    for _ in range(megabytes):
        crc = zlib.crc32(_MEGABYTE, crc)
    size = len(ROBOTS) + megabytes * len(_MEGABYTE)
    trailer = crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")
    return _GZIP_HEADER + raw_deflate_bomb() + trailer


def zstd_bomb() -> bytes:
    compressor = zstandard.ZstdCompressor(level=3).compressobj()
    return _streamed_bomb(compressor.compress, compressor.flush)


def br_bomb() -> bytes:
    compressor = brotli.Compressor(quality=1)  # fast, and still a gigabyte
    return _streamed_bomb(compressor.process, compressor.finish)


def stacked_bomb() -> bytes:
    """``Content-Encoding: gzip, zstd``: the gzip bomb, compressed again with zstd."""
    return zstandard.ZstdCompressor(level=3).compress(gzip_bomb())


def _streamed_bomb(compress: Callable[[bytes], bytes], finish: Callable[[], bytes]) -> bytes:
    parts = [compress(ROBOTS)]
    parts += [compress(_MEGABYTE) for _ in range((DECODED_SIZE - len(ROBOTS)) // len(_MEGABYTE))]
    return b"".join([*parts, finish()])


BOMBS: dict[str, Callable[[], bytes]] = {
    "gzip": gzip_bomb,
    "deflate": raw_deflate_bomb,
    "br": br_bomb,
    "zstd": zstd_bomb,
    "gzip, zstd": stacked_bomb,
}


def _serving(bomb: bytes, encoding: str) -> httpx.MockTransport:
    """A site whose every answer is the bomb: a page, a feed, a robots.txt."""

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(bomb), 64 * 1024):
            yield bomb[start : start + 64 * 1024]

    def respond(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": encoding}
        return httpx.Response(200, headers=headers, content=chunks())

    return httpx.MockTransport(respond)


async def _fetch_all(bomb: bytes, encoding: str) -> dict[str, str]:
    from redline.config import FetchConfig
    from redline.errors import FetchError
    from redline.fetch import Fetcher

    async def public(host: str) -> list[str]:
        return ["93.184.215.14"]

    outcomes: dict[str, str] = {}
    for what, robots in (("page", False), ("feed", False), ("robots", True)):
        config = FetchConfig(per_host_delay=0, respect_robots=robots)
        async with Fetcher(config, transport=_serving(bomb, encoding), resolver=public) as fetcher:
            try:
                if what == "feed":
                    await fetcher.fetch_document("https://news.example/feed")
                else:
                    await fetcher.fetch("https://news.example/story")
                outcomes[what] = "fetched"
            except FetchError as exc:
                outcomes[what] = exc.kind.value
    return outcomes


def peak_bytes() -> int:
    """This process's own peak resident memory.

    Linux's ``ru_maxrss`` survives fork and exec, so a child started by a large
    parent (pytest, late in a full run) reports the parent's size; ``VmHWM`` belongs
    to the address space exec made, and so to this process alone.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def main(bomb_path: str, encoding: str) -> None:
    outcomes = asyncio.run(_fetch_all(Path(bomb_path).read_bytes(), encoding))
    print(json.dumps({"outcomes": outcomes, "peak_bytes": peak_bytes()}))


if __name__ == "__main__":
    main(*sys.argv[1:])
