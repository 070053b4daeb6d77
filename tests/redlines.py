"""How tests open a Redline: one factory over the test's database and clock.

The ``make_redline`` fixture (conftest.py) is a :class:`RedlineFactory`; a
module-scoped fixture, which cannot use it, makes a factory of its own.
"""

from __future__ import annotations

from typing import Unpack

from mocksite import MockSite
from redline import Config, FetchConfig, Redline
from redline.core import World
from redline.model import Clock

LOOPBACK = Config(fetch=FetchConfig(allow_private_networks=True, timeout=2, per_host_delay=0))
"""Reaches a LocalSite on 127.0.0.1: the address guard off, no waiting between requests."""

GUARDED = Config(fetch=FetchConfig(per_host_delay=0))
"""Reaches a MockSite as if on the internet: the ``[fetch]`` defaults, the address guard on."""


class RedlineFactory:
    """Opens Redlines over one database, reading one clock; :meth:`close` closes them all."""

    def __init__(self, database_url: str, clock: Clock) -> None:
        self._database_url = database_url
        self._clock = clock
        self._opened: list[Redline] = []

    def __call__(
        self,
        config: Config | None = None,
        *,
        over: MockSite | None = None,
        **overrides: Unpack[World],
    ) -> Redline:
        """An open Redline; ``config`` defaults to :data:`LOOPBACK`.

        ``over`` a MockSite: the Redline reaches only that site, through its
        transport and resolver, and ``config`` defaults to :data:`GUARDED`.
        ``overrides`` replace the clock, the random source (0.5: no jitter), ...
        """
        options: World = {"clock": self._clock, "random": lambda: 0.5}
        if over is not None:
            options["transport"], options["resolver"] = over.transport, over.dns
        options.update(overrides)
        default = LOOPBACK if over is None else GUARDED
        redline = Redline.open(self._database_url, config or default, **options)
        self._opened.append(redline)
        return redline

    def close(self) -> None:
        """Close every Redline opened (closing one twice is harmless)."""
        for redline in self._opened:
            redline.close()
