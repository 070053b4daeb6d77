"""Times as people read them on a tracker page: "about 2 hours", "over 40 days"."""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["approximately", "format_time"]

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


def approximately(delta: timedelta) -> str:
    """``timedelta(hours=2, minutes=5)`` → ``"about 2 hours"``; under a minute, ``"a moment"``."""
    seconds = abs(delta.total_seconds())
    for name, size in _UNITS:
        if seconds >= size:
            count = round(seconds / size)
            return f"about {count} {name}{'s' if count != 1 else ''}"
    return "a moment"


def format_time(moment: datetime | None) -> str:
    """An aware datetime as ``2026-11-22 03:12 UTC``; ``None`` as ``never``."""
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")
