"""Monotonic time that tests move: delays and time limits pass at once, and exactly.

The fetch stage takes its ``monotonic`` clock and its ``sleep`` as parameters;
:class:`VirtualTime` gives both. Its clock moves only when the event loop has
nothing else to do: then the earliest sleeper wakes, at exactly its time, so
concurrent sleepers (requests waiting for their turn, a slow answer, the time
limit watching them) see one consistent clock. Run the code with
:meth:`VirtualTime.run`, whose event loop tells it when it is idle. Only
in-process transports (httpx.MockTransport) suit it: waiting on a real socket
looks idle too, and would make time jump.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

START = 1024.0  # a power of two: sums of halves and quarters of a second stay exact


class VirtualTime:
    """A monotonic clock (``monotonic``), its ``sleep``, and a ``run`` that drives them."""

    def __init__(self, start: float = START) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()  # sleepers due at the same time wake in turn

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), woken))
        await woken

    def run(self, main: Coroutine[Any, Any, T]) -> T:
        """Run ``main`` to its end, as ``asyncio.run`` would, on this time."""
        with asyncio.Runner(loop_factory=self._event_loop) as runner:
            return runner.run(main)

    def wake_next(self) -> bool:
        """Move the clock to the earliest sleeper's time and wake it; False if none sleeps."""
        while self._sleepers:
            when, _, woken = heapq.heappop(self._sleepers)
            if not woken.done():  # a cancelled sleep wakes no one
                self.now = max(self.now, when)
                woken.set_result(None)
                return True
        return False

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.SelectorEventLoop(_IdleSelector(self))


class _IdleSelector(selectors.DefaultSelector):
    """The event loop's selector: the loop asks it to wait only when it has nothing to run."""

    def __init__(self, time: VirtualTime) -> None:
        super().__init__()
        self._time = time

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout != 0 and self._time.wake_next():
            timeout = 0  # a sleeper woke: back to running it
        return super().select(timeout)
