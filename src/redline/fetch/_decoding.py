"""Response bodies read within a size cap that holds while they are decompressed.

httpx decodes ``Content-Encoding`` a whole network read at a time: 32 KB of
zstd can decode to gigabytes before any cap is looked at. So the Fetcher reads
the raw body (:meth:`httpx.Response.aiter_raw`) and decodes it here, each
layer giving its output in bounded pieces, so that reading stops as soon as
the decoded size passes the cap: memory stays near the cap whatever a server
sends. The raw (wire) size is capped at the same limit.

Encodings, each as httpx knows them and stacked in any order
(``Content-Encoding: gzip, zstd``, at most :data:`MAX_LAYERS`): ``gzip``
(``x-gzip``), ``deflate`` (zlib-wrapped or raw, as servers send either),
``zstd`` (window at most 8 MiB, as RFC 9659 has HTTP encoders keep it) and
``br`` when a ``brotli`` module that can bound its output (1.2 or later) is
installed. An encoding not among them, a corrupt stream or one that ends
early is a :class:`~redline.errors.FetchError`; what follows the end of a
stream is ignored, as httpx ignores it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import httpx
import zstandard

from ..errors import FetchError

try:  # optional, as for httpx; only a version that can bound its output will do
    import brotli
except ImportError:  # pragma: no cover - depends on what is installed
    brotli = None

__all__ = ["ACCEPT_ENCODING", "MAX_LAYERS", "CappedBody", "read_capped"]

MAX_LAYERS = 4
"""The most encodings one body may stack: each costs a decoder's memory."""

_PIECE = 64 * 1024
"""The most output a gzip, deflate or br decoder gives at once."""
_ZSTD_INPUT = 64
"""zstd is fed this many bytes at a time: at most 16 blocks, 2 MiB of output."""
_ZSTD_WINDOW = 8 * 1024 * 1024
_ALIASES = {"x-gzip": "gzip"}  # RFC 9110 section 8.4.1.3
_UNENCODED = frozenset({"", "identity"})


class _Layer(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]:
        """The output of ``data``, in bounded pieces, produced as they are taken."""

    def finish(self) -> None:
        """Raise FetchError if the stream has not ended: the body was cut short."""


class _Zlib:
    """gzip and deflate: zlib's decompressor, its output limited per call."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._decompressor: zlib._Decompress | None = None
        self._start = b""  # a deflate body's first bytes, until they say which kind it is
        if name == "gzip":
            self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._decompressor is None:
            data = self._start = self._start + data
            if len(data) < 2:
                return
            self._decompressor = zlib.decompressobj(_deflate_wbits(data))
        decompressor = self._decompressor
        while not decompressor.eof:
            try:
                piece = decompressor.decompress(data, _PIECE)
            except zlib.error as exc:
                raise FetchError(f"the {self._name} response body is corrupt: {exc}") from None
            if piece:
                yield piece
            data = decompressor.unconsumed_tail
            if not data and len(piece) < _PIECE:  # a full piece: zlib may hold more
                return

    def finish(self) -> None:
        if self._decompressor is None or not self._decompressor.eof:
            raise _cut_short(self._name)


def _deflate_wbits(start: bytes) -> int:
    """Whether a deflate body is zlib-wrapped (RFC 1950), as the standard says, or raw."""
    cmf, flags = start[0], start[1]
    wrapped = cmf & 0x0F == 8 and (cmf << 8 | flags) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


class _Zstd:
    """zstd, fed a few bytes at a time: its decompressor gives all it can of what it has."""

    def __init__(self) -> None:
        self._decompressor = _new_zstd()
        self._midframe = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        view = memoryview(data)
        for start in range(0, len(view), _ZSTD_INPUT):
            piece = view[start : start + _ZSTD_INPUT]
            while piece:
                try:
                    output = self._decompressor.decompress(piece)
                except zstandard.ZstdError as exc:
                    raise FetchError(f"the zstd response body is corrupt: {exc}") from None
                self._midframe = True
                if output:
                    yield output
                piece = memoryview(b"")
                if self._decompressor.eof:  # the frame ended; what is left starts the next
                    piece = memoryview(self._decompressor.unused_data)
                    self._decompressor, self._midframe = _new_zstd(), False

    def finish(self) -> None:
        if self._midframe:
            raise _cut_short("zstd")


def _new_zstd() -> zstandard.ZstdDecompressionObj:
    return zstandard.ZstdDecompressor(max_window_size=_ZSTD_WINDOW).decompressobj()


class _Brotli:
    """br, through brotli's own output limit (brotli 1.2)."""

    def __init__(self) -> None:
        assert brotli is not None
        self._decompressor = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                piece = self._decompressor.process(data, output_buffer_limit=_PIECE)
            except brotli.error as exc:
                raise FetchError(f"the br response body is corrupt: {exc}") from None
            if piece:
                yield piece
            # a full piece: the decompressor may hold more output, to take before more input
            if self._decompressor.can_accept_more_data() and len(piece) < _PIECE:
                return
            data = b""

    def finish(self) -> None:
        if not self._decompressor.is_finished():
            raise _cut_short("br")


def _bounded_brotli() -> bool:
    return brotli is not None and hasattr(brotli.Decompressor(), "can_accept_more_data")


_LAYERS: dict[str, Callable[[], _Layer]] = {
    "gzip": lambda: _Zlib("gzip"),
    "deflate": lambda: _Zlib("deflate"),
    "zstd": _Zstd,
}
if _bounded_brotli():  # pragma: no branch - depends on what is installed
    _LAYERS["br"] = _Brotli

ACCEPT_ENCODING = ", ".join(_LAYERS)
"""The ``Accept-Encoding`` to send: the encodings this module decodes."""


@dataclass(frozen=True)
class CappedBody:
    """A body read up to a cap: its decoded bytes and whether there was more."""

    data: bytes
    """At most the cap; all of the body unless ``over``."""
    over: bool
    """The body, raw or decoded, was longer than the cap: ``data`` is its start."""


async def read_capped(response: httpx.Response, limit: int) -> CappedBody:
    """Read and decode ``response``'s body until its end or until it passes ``limit`` bytes.

    Raises FetchError for an encoding not supported (before reading) and for a
    corrupt or cut-short stream.
    """
    if response.is_stream_consumed:  # a transport that read (and decoded) it: MockTransport's
        content = response.content
        return CappedBody(content[:limit], over=len(content) > limit)
    layers = _layers(response)
    body = bytearray()
    wire = 0
    async for raw in response.aiter_raw():
        wire += len(raw)
        if wire > limit:
            return CappedBody(bytes(body), over=True)
        for piece in _decoded(layers, raw):
            if len(body) + len(piece) > limit:
                body += piece[: limit - len(body)]
                return CappedBody(bytes(body), over=True)
            body += piece
    if wire:  # an empty body is empty in any encoding: the caller says so
        for layer in layers:
            layer.finish()
    return CappedBody(bytes(body), over=False)


def _layers(response: httpx.Response) -> list[_Layer]:
    """A decoder for each encoding, in the order to undo them: the last applied first."""
    names = [
        _ALIASES.get(name, name)
        for value in response.headers.get_list("Content-Encoding", split_commas=True)
        if (name := value.strip().lower()) not in _UNENCODED
    ]
    if len(names) > MAX_LAYERS:
        raise FetchError(f"the response stacks {len(names)} encodings, over {MAX_LAYERS}")
    unknown = [name for name in names if name not in _LAYERS]
    if unknown:
        raise FetchError(
            f"unsupported Content-Encoding {unknown[0]!r} (redline decodes {ACCEPT_ENCODING})"
        )
    return [_LAYERS[name]() for name in reversed(names)]


def _decoded(layers: list[_Layer], data: bytes) -> Iterator[bytes]:
    """``data`` through every layer, a bounded piece at a time."""
    if not layers:
        if data:
            yield data
        return
    first, rest = layers[0], layers[1:]
    for piece in first.decode(data):
        yield from _decoded(rest, piece)


def _cut_short(name: str) -> FetchError:
    return FetchError(f"the {name} response body ends before its stream does (cut short)")
