"""Find the character encoding of an HTML page and decode it (for fetch and extract).

The order follows the WHATWG encoding-sniffing algorithm, simplified: a byte
order mark, then the charset of the HTTP Content-Type header, then a
``<meta charset>`` or ``<meta http-equiv>`` declaration near the start, then
detection. Decoding never fails: undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import codecs
import email.message
import re
from collections.abc import Iterator

import charset_normalizer

__all__ = ["charset_param", "decode_html"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PRESCAN_BYTES = 4096
# Matches both <meta charset="x"> and <meta http-equiv=... content="text/html; charset=x">.
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
# Python codec names for labels that WHATWG (and so every browser) decodes differently.
_WHATWG_CODECS = {"iso8859-1": "cp1252", "ascii": "cp1252"}
_UTF16 = frozenset({"utf-16", "utf-16-le", "utf-16-be"})
_FALLBACK = "cp1252"


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """Decode ``body``; return the text and the name of the Python codec used.

    ``header_charset`` is the charset parameter of the Content-Type header.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, "replace"), codec
    for codec in _candidate_codecs(body, header_charset):
        try:
            return body.decode(codec, "replace"), codec
        except LookupError:  # a bytes-to-bytes codec such as "base64"
            continue
    return body.decode(_FALLBACK, "replace"), _FALLBACK


def _candidate_codecs(body: bytes, header_charset: str | None) -> Iterator[str]:
    """Codecs to try, most authoritative first; detection runs only if needed."""
    for codec in (_codec(header_charset), _meta_codec(body)):
        if codec is not None:
            yield codec
    detected = _detected_codec(body)
    if detected is not None:
        yield detected


def _codec(label: str | None) -> str | None:
    """The Python codec for an encoding label, or None if the label is unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("'\"")).name
    except LookupError:
        return None
    return _WHATWG_CODECS.get(name, name)


def _meta_codec(body: bytes) -> str | None:
    """The codec a ``<meta>`` tag near the start of the page declares."""
    match = _META_CHARSET.search(body[:_PRESCAN_BYTES])
    if match is None:
        return None
    codec = _codec(match[1].decode("ascii"))
    # A page whose meta tag can be read as ASCII is not UTF-16, whatever it says.
    return "utf-8" if codec in _UTF16 else codec


def _detected_codec(body: bytes) -> str | None:
    """UTF-8 if the body is valid UTF-8, otherwise charset-normalizer's best guess."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(body).best()
        return _codec(best.encoding) if best is not None else None
    return "utf-8"


def charset_param(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, lower-cased, if any."""
    if not content_type:
        return None
    message = email.message.Message()
    message["content-type"] = content_type
    return message.get_content_charset()
