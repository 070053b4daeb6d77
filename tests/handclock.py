"""A clock tests move by hand: redline takes its clock as a parameter, so no test sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


class Clock:
    """Tells ``now``, which only the test moves."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
