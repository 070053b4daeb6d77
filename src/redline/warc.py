"""Write the raw archive as a WARC file (ISO 28500), the web archivists' container.

One ``warcinfo`` record describes the file; then one ``response`` record per
archived page, in article then version order: the HTTP status line and the
headers redline kept, then the body exactly as received. A body's transfer and
content encodings were undone when it was fetched, so the record states its
length and names neither. Records are gzip-compressed one by one (``.warc.gz``),
as archive tools expect.
"""

from __future__ import annotations

import http
import io
from collections.abc import Iterable
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from ._version import __version__
from .model import Capture

__all__ = ["write_warc"]


def write_warc(captures: Iterable[Capture], stream: BinaryIO, *, filename: str) -> int:
    """Write ``captures`` to ``stream`` as a gzipped WARC file; return how many were written."""
    writer = WARCWriter(stream, gzip=True, warc_version="1.1")
    info = {
        "software": f"redline/{__version__}",
        "format": "WARC File Format 1.1",
        "description": "pages archived by redline, each the source of a stored article version",
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    written = 0
    for capture in captures:
        writer.write_record(_response_record(writer, capture))
        written += 1
    return written


def _response_record(writer: WARCWriter, capture: Capture) -> object:
    headers = [(name.title(), value) for name, value in capture.headers]
    headers.append(("Content-Length", str(len(capture.body))))
    status_line = f"{capture.status} {_reason(capture.status)}".strip()
    return writer.create_warc_record(
        capture.url,
        "response",
        payload=io.BytesIO(capture.body),
        length=len(capture.body),  # known: warcio need not spool the body to a temporary file
        http_headers=StatusAndHeaders(status_line, headers, protocol="HTTP/1.1"),
        warc_headers_dict={
            "WARC-Date": datetime_to_iso_date(capture.fetched_at),
            "WARC-Identified-Payload-Type": _media_type(capture),
        },
    )


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _media_type(capture: Capture) -> str:
    content_type = capture.header("content-type") or "text/html"
    return content_type.split(";")[0].strip().lower()
