"""Dates as pages state them, turned into ISO 8601."""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime

__all__ = ["iso_date"]

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
