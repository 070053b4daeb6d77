"""The extraction workers: a time limit per page, a pool that outlives a dead worker, no orphans.

The misbehaving pages are real article pages with a directive for
:mod:`workerhooks`, whose extraction replaces redline's in the worker processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import workerhooks
from handclock import Clock
from localsite import LocalSite, html_route
from redline import (
    CheckOutcome,
    Config,
    ExtractionTimeoutError,
    Redline,
    WorkerCrashedError,
    workers,
)
from redline.config import load_config
from redline.demo import FIRST_EDITION, render_page
from redline.errors import ErrorKind
from redline.workers import ExtractionPool
from redlines import RedlineFactory
from workerhooks import directive

STORY = FIRST_EDITION[0]
PAGES = workers.INLINE_EXTRACTIONS + 4  # enough for a pass to start the pool
URL = "http://127.0.0.1/news/story"


def article_page(*directives: str) -> str:
    """A real article page; the directives go where a site's comments would."""
    return render_page(STORY, FIRST_EDITION, 1).replace("</body>", "".join(directives) + "</body>")


@pytest.fixture
def misbehaving(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers' extraction does what a page's directive says first."""
    monkeypatch.setattr("redline.workers.extract_article", workerhooks.extract_or_misbehave)


@pytest.fixture
def pool(misbehaving: None) -> Iterator[ExtractionPool]:
    """Worker processes with a time limit of one second a page."""
    started = ExtractionPool(time_limit=1.0)
    started.start()
    yield started
    started.close()


def extract(pool: ExtractionPool, html: str) -> str:
    """The headline the pool's workers extract from ``html``."""
    return asyncio.run(pool.extract(html, URL, Config())).title


def restarts(caplog: pytest.LogCaptureFixture) -> int:
    return sum("extraction worker died" in record.getMessage() for record in caplog.records)


# --- the time limit ---------------------------------------------------------------------


def test_a_page_past_the_time_limit_is_stopped_and_its_worker_goes_on(
    pool: ExtractionPool, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ExtractionTimeoutError, match=r"longer than 1s, the time limit per page"):
        extract(pool, article_page(directive("sleep")))
    assert extract(pool, article_page()) == STORY.headline
    assert restarts(caplog) == 0  # the same workers: the page was interrupted, not its worker


def test_a_worker_stuck_where_signals_cannot_reach_is_ended_and_the_page_given_up(
    pool: ExtractionPool, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(WorkerCrashedError, match="died on this page, and again when it was tried"):
        extract(pool, article_page(directive("spin")))  # C code that never sees the SIGALRM
    assert restarts(caplog) == 1
    assert extract(pool, article_page()) == STORY.headline


# --- a dead worker, in a real check pass ------------------------------------------------


def serve_stories(site: LocalSite, poison: str) -> tuple[list[str], str]:
    """Many article pages, and one that carries ``poison``; their URLs."""
    urls = []
    for number in range(PAGES):
        site.page(f"/news/{number}", article_page())
        urls.append(site.url(f"/news/{number}"))
    site.page("/news/poison", article_page(poison))
    return urls, site.url("/news/poison")


@pytest.mark.usefixtures("misbehaving")
def test_a_killed_worker_is_replaced_and_every_page_it_took_down_retried(
    redline: Redline, site: LocalSite, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    killed_once = tmp_path / "killed"
    urls, poisoned = serve_stories(site, directive("kill-once", killed_once))
    redline.add([*urls, poisoned])

    results = redline.check().results

    assert killed_once.exists()  # the poisoned page's first extraction killed its worker
    assert {result.url: result.outcome for result in results} == dict.fromkeys(
        [*urls, poisoned], CheckOutcome.NEW_VERSION
    )
    assert restarts(caplog) == 1


@pytest.mark.usefixtures("misbehaving")
def test_a_page_that_kills_its_worker_again_alone_is_that_articles_error_only(
    redline: Redline, site: LocalSite, caplog: pytest.LogCaptureFixture
) -> None:
    urls, poisoned = serve_stories(site, directive("kill"))
    redline.add([*urls, poisoned])

    outcomes = {result.url: result.outcome for result in redline.check().results}

    assert outcomes == {
        **dict.fromkeys(urls, CheckOutcome.NEW_VERSION),
        poisoned: CheckOutcome.ERROR,
    }
    (logged,) = redline.checks(poisoned)
    assert logged.error_kind == ErrorKind.WORKER_CRASHED
    assert logged.error is not None and "tried alone" in logged.error
    assert restarts(caplog) == 1
    assert redline.article(poisoned).consecutive_failures == 1  # it backs off like any error


def test_reextract_survives_a_page_that_kills_its_worker(
    make_redline: RedlineFactory,
    site: LocalSite,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    urls, poisoned = serve_stories(site, directive("kill"))
    with make_redline() as checker:  # extracted as usual: the directive only archived with it
        checker.add([*urls, poisoned])
        checker.check()
    monkeypatch.setattr("redline.reextract._extract_or_error", workerhooks.reextract_or_misbehave)
    with make_redline() as reextractor:
        results = {result.url: result for result in reextractor.reextract()}
    assert all(results[url].failed == () and results[url].archived == 1 for url in urls)
    ((version, error),) = results[poisoned].failed
    assert version == 0 and "tried alone" in error
    assert restarts(caplog) == 1


# --- no orphans -------------------------------------------------------------------------


def session_processes(session: int) -> dict[int, int]:
    """The live processes of ``session``, each with its parent's pid (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):  # not a process, or it ended as we looked
            continue
        state, parent, _group, member_of = stat.rsplit(")", 1)[1].split()[:4]
        if int(member_of) == session and state != "Z":
            found[int(entry.name)] = int(parent)
    return found


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Whether ``condition()`` came true within ``seconds`` (asked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_kill_9_of_a_check_leaves_no_process_behind(site: LocalSite, tmp_path: Path) -> None:
    urls, held = serve_stories(site, "")
    site.routes["/news/poison"] = replace(html_route(article_page()), delay=120)  # holds the pass
    database, config = tmp_path / "redline.db", tmp_path / "redline.toml"
    config.write_text("[fetch]\nallow_private_networks = true\nper_host_delay = 0\ntimeout = 120\n")
    with Redline.open(database, load_config(config)) as redline:
        redline.add([*urls, held])
    command = [sys.executable, "-m", "redline", "--db", str(database), "--config", str(config)]
    with (tmp_path / "stderr").open("wb") as stderr:
        check = subprocess.Popen([*command, "check"], start_new_session=True, stderr=stderr)
    try:
        assert wait_for(lambda: _has_workers(check.pid), 60), "the check started no workers"
        os.kill(check.pid, signal.SIGKILL)
        check.wait()
        assert wait_for(lambda: not session_processes(check.pid), 5), session_processes(check.pid)
    finally:
        for pid in session_processes(check.pid):
            os.kill(pid, signal.SIGKILL)


def test_without_pidfds_a_worker_still_exits_with_the_main_process() -> None:
    """Where ``os.pidfd_open`` is missing (not Linux), the worker polls the main process."""
    main = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    without_pidfds = "import os; del os.pidfd_open; from redline import workers; print(flush=True)"
    worker = subprocess.Popen(
        [sys.executable, "-c", f"{without_pidfds}; workers._exit_with({main.pid})"],
        stdout=subprocess.PIPE,
    )
    assert worker.stdout is not None
    with worker.stdout as watching:
        try:
            assert watching.readline() == b"\n"  # it is watching
            main.kill()
            main.wait()
            assert worker.wait(timeout=5) == 1
        finally:
            for process in (main, worker):
                process.kill()
                process.wait()


def _has_workers(main: int) -> bool:
    """Whether ``main`` has a child (the forkserver) that has children (its workers)."""
    parents = session_processes(main)
    forkservers = {pid for pid, parent in parents.items() if parent == main}
    return any(parent in forkservers for parent in parents.values())
