"""Dates as pages state them, turned into ISO 8601."""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime

import htmldate
import lxml.html

__all__ = ["found_date", "iso_date"]

_DATE_ONLY = re.compile(r"\d{4}-?\d{2}-?\d{2}")
_EXCESS_FRACTION = re.compile(r"(\.\d{6})\d+")
_WRITTEN_FORMATS = ("%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def iso_date(value: str) -> str | None:
    """``value`` as an ISO 8601 date or date-time, or None if it is not a date.

    Accepts ISO 8601 (with or without time and offset), RFC 2822
    ("Tue, 02 Jan 2024 10:00:00 GMT") and a few written dates ("January 2, 2024").
    A value without a time of day gives a date alone.
    """
    value = value.strip()
    for parse in (_iso, _rfc2822, _written):
        result = parse(value)
        if result:
            return result
    return None


def _iso(value: str) -> str | None:
    try:
        if _DATE_ONLY.fullmatch(value):
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(_EXCESS_FRACTION.sub(r"\1", value)).isoformat()
    except ValueError:
        return None


def _rfc2822(value: str) -> str | None:
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _written(value: str) -> str | None:
    for written in _WRITTEN_FORMATS:
        try:
            return datetime.strptime(value, written).date().isoformat()
        except ValueError:
            continue
    return None


def found_date(tree: lxml.html.HtmlElement, url: str) -> str | None:
    """The publication date htmldate finds in a page that states none in its metadata.

    htmldate (trafilatura's date finder) reads the URL, time elements, date-like
    class names and the text, preferring the original date over an "updated" one
    (``original_date``); it searches a copy of ``tree``. A date alone, ISO 8601.
    Its extensive search finds a date on a third more of the pages that state none,
    but it is wrong on a third of those, and costs five times as much (dateparser).
    """
    try:
        return htmldate.find_date(
            tree, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d"
        )
    except Exception:  # noqa: BLE001 - a page htmldate cannot read only has no date
        return None
