"""Extraction off the event loop, in worker processes that no page can stop.

Extraction is CPU work. Once a pass is big enough to pay for it, it runs in a
forkserver process pool, one worker per core; smaller passes extract in-process,
bounded by the extractor's own limit on the page's elements (``MAX_ELEMENTS``),
which keeps any page that passes it to seconds.

In the pool, three more things keep one page from holding up a pass:

- **A time limit per page**, kept in the worker: a SIGALRM timer interrupts the
  extraction at :data:`PAGE_TIME_LIMIT` (an :class:`ExtractionTimeoutError`) and
  the worker goes on with the next page. Python code and regular expressions
  see the signal; should the worker be stuck in C code that never looks, a
  CPU-time timer whose signal keeps its default action kills it at twice the limit.
- **A worker that dies** (that timer, the OOM killer, a crash) breaks the whole
  pool: the pool is replaced at once, and every extraction the break took down
  is tried once more in a process of its own, where a second death can only be
  that page's doing (:class:`WorkerCrashedError`); the others come out as usual.
- **No orphans**: a worker exits when the process that started the pool does,
  even after a ``kill -9``. It watches that process itself (a pidfd, or polling
  where there is none): its parent is the forkserver, which outlives the main
  process as long as any worker lives (each holds its "alive" pipe open), and
  ``PR_SET_PDEATHSIG`` would fire when the *thread* that started the forkserver
  ends. Once the workers are gone, the forkserver sees its pipe close and exits,
  and then the resource tracker, whose pipe they all held.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import TypeVar

from .config import Config, SiteRule
from .errors import ExtractionError, ExtractionTimeoutError, WorkerCrashedError
from .extract import LearnedRule, extract_article, learn_rule, rule_for
from .model import ExtractedArticle

__all__ = ["INLINE_EXTRACTIONS", "PAGE_TIME_LIMIT", "ExtractionPool"]

log = logging.getLogger("redline")

T = TypeVar("T")

INLINE_EXTRACTIONS = 8
"""Passes of up to this many articles extract in-process: a pool costs more to start."""

PAGE_TIME_LIMIT = 30.0
"""Seconds a worker spends on one page at most; real pages take under one."""

_HARD_LIMIT_FACTOR = 2  # CPU seconds past which the kernel ends a worker, per second of the limit
_POLL_SECONDS = 1.0  # how often a worker without pidfds looks whether the main process lives


class ExtractionPool:
    """Runs extraction off the event loop, in worker processes once started."""

    def __init__(self, *, time_limit: float = PAGE_TIME_LIMIT) -> None:
        self._time_limit = time_limit
        self._pool: ProcessPoolExecutor | None = None
        self._alone: ProcessPoolExecutor | None = None  # one worker: for retries
        self._alone_lock = threading.Lock()  # one retry at a time in it, so a death is its own

    def start(self) -> None:
        """Start the worker processes (one per core) if they are not running."""
        if self._pool is None:
            self._pool = self._new_pool(os.cpu_count() or 1)

    @property
    def started(self) -> bool:
        """Whether extractions run in the worker processes."""
        return self._pool is not None

    async def extract(self, html: str, url: str, config: Config) -> ExtractedArticle:
        """The article of one page: in-process, or on a worker once started.

        Raises:
            ExtractionError: none was found, or a limit (time, size, worker) stopped it.
        """
        return await self._run(functools.partial(extract_article, html, url, rules=config.sites))

    async def extract_and_learn(
        self, html: str, url: str, config: Config, *, previous: LearnedRule | None, learned_at: str
    ) -> tuple[ExtractedArticle, LearnedRule | None]:
        """:meth:`extract`, and the fast path's rule for finding the article again (None
        if no rule finds it exactly; see :func:`~redline.extract.learn_rule`), learned on
        the same worker."""
        # extract_article goes along by name, as extract() sends it: a test may replace it
        work = functools.partial(
            _extract_and_learn, extract_article, html, url, config.sites, previous, learned_at
        )
        return await self._run(work)

    async def _run(self, work: Callable[[], T]) -> T:
        pool = self._pool
        if pool is None:
            return work()
        limited = functools.partial(_run_limited, work, self._time_limit)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, limited)
        except BrokenProcessPool:
            self._replace(pool)
        return await asyncio.to_thread(self._run_alone, limited)

    def map(self, jobs: Sequence[Callable[[], T]]) -> list[T | ExtractionError]:
        """Run picklable ``jobs`` on the workers, once started: each one's result, or its error."""
        pool = self._pool
        if pool is None:
            return [job() for job in jobs]
        limited = [functools.partial(_run_limited, job, self._time_limit) for job in jobs]
        futures = [_submit(pool, job) for job in limited]
        results: list[T | ExtractionError] = []
        for job, future in zip(limited, futures, strict=True):
            try:
                results.append(future.result())
            except BrokenProcessPool:
                self._replace(pool)
                results.append(self._alone_or_error(job))
            except ExtractionError as exc:
                results.append(exc)
        return results

    def close(self) -> None:
        for pool in (self._pool, self._alone):
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        self._pool = self._alone = None

    def _alone_or_error(self, job: Callable[[], T]) -> T | ExtractionError:
        try:
            return self._run_alone(job)
        except ExtractionError as exc:
            return exc

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool for ``broken``, unless another extraction it took down replaced it."""
        if self._pool is broken:
            log.warning("an extraction worker died: restarting the workers, retrying its pages")
            broken.shutdown(wait=False)
            self._pool = self._new_pool(os.cpu_count() or 1)

    def _run_alone(self, job: Callable[[], T]) -> T:
        """Run ``job`` again in a worker of its own: if that one dies too, the page is why."""
        with self._alone_lock:
            if self._alone is None:
                self._alone = self._new_pool(1)
            try:
                return self._alone.submit(job).result()
            except BrokenProcessPool:
                self._alone.shutdown(wait=False)
                self._alone = None
        raise WorkerCrashedError(
            "the extraction worker died on this page, and again when it was tried alone"
            " (killed, out of memory, or stuck past the time limit)"
        )

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["redline.extract"])
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )


def _extract_and_learn(
    extract: Callable[..., ExtractedArticle],
    html: str,
    url: str,
    rules: Sequence[SiteRule],
    previous: LearnedRule | None,
    learned_at: str,
) -> tuple[ExtractedArticle, LearnedRule | None]:
    extracted = extract(html, url, rules=rules)
    try:
        learned = learn_rule(
            html, extracted, rule=rule_for(url, rules), learned_at=learned_at, previous=previous
        )
    except (
        Exception
    ) as exc:  # a page learning trips on (nested too deep...) is extracted all the same
        log.debug("learning the fast path's rule for %s failed", url, exc_info=exc)
        learned = None
    return extracted, learned


def _submit(pool: ProcessPoolExecutor, job: Callable[[], T]) -> Future[T]:
    """``job`` submitted to ``pool``; a pool already broken gives a future that says so."""
    try:
        return pool.submit(job)
    except BrokenProcessPool as exc:
        failed: Future[T] = Future()
        failed.set_exception(exc)
        return failed


# In the worker processes


class _Overrun(BaseException):
    """The page's time is up: a BaseException, so no ``except Exception`` in a library eats it."""


def _start_worker(main_pid: int) -> None:
    """Make this worker keep the time limit and exit with the process that started the pool."""
    signal.signal(signal.SIGALRM, _time_is_up)
    signal.signal(signal.SIGVTALRM, signal.SIG_DFL)  # the hard limit: the kernel ends the worker
    lifeline = threading.Thread(target=_exit_with, args=(main_pid,), daemon=True)
    lifeline.start()


def _time_is_up(signum: int, frame: FrameType | None) -> None:
    raise _Overrun


def _run_limited(work: Callable[[], T], seconds: float) -> T:
    """Run ``work`` for at most ``seconds`` (in a worker: the timers are the process's)."""
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        signal.setitimer(signal.ITIMER_VIRTUAL, seconds * _HARD_LIMIT_FACTOR)
        try:
            return work()
        finally:  # the hard timer first: should the soft one strike between, it is spent
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Overrun:  # also if it struck as the page was done: the page did take that long
        raise ExtractionTimeoutError(
            f"extraction took longer than {seconds:g}s, the time limit per page"
        ) from None


def _exit_with(pid: int) -> None:
    """Wait for process ``pid`` to end, then end this one at once."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)  # it ended before we looked
    except (AttributeError, OSError):  # no pidfds (not Linux, or before 5.3): poll
        while _alive(pid):
            time.sleep(_POLL_SECONDS)
    else:
        select.select([handle], [], [])  # readable once the process has ended
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone; or its pid is someone else's now
        return False
    return True
