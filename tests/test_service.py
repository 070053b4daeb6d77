"""Unattended running: overlapping checks, shared workers, the service and its shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, update

from handclock import Clock
from localsite import LocalSite, Route
from redline import AlreadyRunningError, CheckOutcome, Config, FetchConfig, Redline
from redline.demo import FIRST_EDITION, render_page
from redline.service import run_service
from redline.store.tables import ArticleRow, CheckRow
from redlines import RedlineFactory

CONFIG = "[fetch]\nallow_private_networks = true\nper_host_delay = 0\nper_host_concurrency = 16\n"


def serve_articles(site: LocalSite, count: int, delay: float = 0.0) -> list[str]:
    for number in range(count):
        page = render_page(FIRST_EDITION[number % 3], FIRST_EDITION, number).encode()
        site.routes[f"/a/{number}"] = Route(page, delay=delay)
    return [site.url(f"/a/{number}") for number in range(count)]


def redline_command(database: str, config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "redline", "--db", database, "--config", str(config), *args]


def checks_per_article(database: str) -> Counter[int]:
    engine = create_engine(database)
    with engine.connect() as connection:
        counts = Counter(connection.scalars(select(CheckRow.article_id)))
    engine.dispose()
    return counts


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "redline.toml"
    path.write_text(CONFIG)
    return path


def start_together(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def test_two_checks_started_together_on_sqlite_check_each_article_once(
    site: LocalSite, tmp_path: Path, config_file: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    urls = serve_articles(site, 20, delay=0.05)
    subprocess.run(redline_command(database, config_file, "add", *urls), check=True)
    runs = start_together([redline_command(database, config_file, "check")] * 2)
    assert [run.returncode for run in runs] == [0, 0]
    assert checks_per_article(database) == Counter({n: 1 for n in range(1, 21)})
    skipped = [run for run in runs if "already running" in run.stderr]
    assert len(skipped) == 1 and "checked" not in skipped[0].stdout


@pytest.mark.postgres
def test_three_workers_share_a_postgres_database_without_checking_twice(
    site: LocalSite, database_url: str, config_file: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite case is the test above")
    urls = serve_articles(site, 150, delay=0.02)
    subprocess.run(redline_command(database_url, config_file, "add", *urls), check=True)
    runs = start_together([redline_command(database_url, config_file, "check", "--json")] * 3)
    assert [run.returncode for run in runs] == [0, 0, 0], [run.stderr for run in runs]
    counts = checks_per_article(database_url)
    assert len(counts) == 150 and set(counts.values()) == {1}
    shares = [int(run.stdout.split('"checked": ')[1].split(",")[0]) for run in runs]
    assert sum(shares) == 150 and sum(1 for share in shares if share) >= 2


def test_a_second_pass_in_the_same_process_is_refused_on_sqlite(
    site: LocalSite, tmp_path: Path
) -> None:
    config = Config(fetch=FetchConfig(allow_private_networks=True, per_host_delay=0))
    database = tmp_path / "x.db"
    with Redline.open(database, config) as first, Redline.open(database, config) as second:
        first.add(serve_articles(site, 1))
        entered = threading.Event()
        release = threading.Event()

        def hold(total: int) -> None:
            entered.set()
            release.wait(5)

        worker = threading.Thread(target=lambda: first.check(on_start=hold))
        worker.start()
        assert entered.wait(5)
        with pytest.raises(AlreadyRunningError, match="already running"):
            second.check()
        release.set()
        worker.join()


def test_a_big_pass_extracts_in_worker_processes(
    make_redline: RedlineFactory, site: LocalSite
) -> None:
    redline = make_redline()
    redline.add(serve_articles(site, 12))
    summary = redline.check()
    assert redline._extraction._pool is not None  # the pool path, not inline
    assert summary.count(CheckOutcome.NEW_VERSION) == 12


def test_setting_stop_ends_a_pass_and_releases_its_claims(
    make_redline: RedlineFactory, site: LocalSite
) -> None:
    redline = make_redline(Config(fetch=FetchConfig(allow_private_networks=True, timeout=30)))
    stop = threading.Event()
    redline.add(serve_articles(site, 3, delay=30))
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    summary = redline.check(stop=stop)
    assert time.monotonic() - started < 5
    assert summary.results == ()
    assert all(a.version_count == 0 and a.last_checked is None for a in redline.articles())
    lease = timedelta(minutes=15)
    assert len(redline.store.claim_due_articles("other", redline.clock(), lease)) == 3


def test_startup_spreads_an_overdue_backlog(make_redline: RedlineFactory, clock: Clock) -> None:
    redline = make_redline()
    redline.add([f"https://news.test/{n}" for n in range(10)])
    later = clock.now + timedelta(hours=5)
    assert redline.store.spread_overdue(later, timedelta(seconds=100)) == 10
    times = sorted(a.next_check for a in redline.articles() if a.next_check)
    assert times[0] == later and times[-1] == later + timedelta(seconds=90)
    assert redline.store.count_due(later) == 1


def test_the_service_spreads_only_the_overdue_articles_a_second_each(
    make_redline: RedlineFactory, clock: Clock
) -> None:
    redline = make_redline()
    redline.add([f"https://news.test/{n}" for n in range(15)])
    later = clock.now + timedelta(days=1)
    with redline.store.engine.begin() as connection:  # five were checked since: not due
        connection.execute(update(ArticleRow).where(ArticleRow.id > 10).values(next_check=later))
    clock.advance(hours=5)
    stopped = threading.Event()
    stopped.set()  # the service spreads the backlog, then returns at once
    run_service(redline, stopped)
    due = sorted(a.next_check for a in redline.articles() if a.next_check and a.next_check < later)
    assert len(due) == 10
    assert (due[0], due[-1]) == (clock.now, clock.now + timedelta(seconds=9))  # a 10s window


def test_run_stops_cleanly_on_sigterm_within_ten_seconds(
    site: LocalSite, tmp_path: Path, config_file: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'service.db'}"
    fast = serve_articles(site, 2)
    site.routes["/slow"] = Route(b"<p>never</p>", delay=60)
    subprocess.run(
        redline_command(database, config_file, "add", *fast, site.url("/slow")), check=True
    )
    service = subprocess.Popen(
        redline_command(database, config_file, "run", "--log-level", "info"),
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sum(checks_per_article(database).values()) < 2:
        time.sleep(0.2)
    service.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    _, log = service.communicate(timeout=15)
    assert time.monotonic() - stopped < 10
    assert service.returncode == 0, log
    assert "checked http" in log and "redline service stopped" in log
    assert checks_per_article(database) == Counter({1: 1, 2: 1})
    assert [line for line in log.splitlines() if " apscheduler" in line] == []  # each tick


def test_run_shows_the_schedulers_own_lines_only_at_debug(
    tmp_path: Path, config_file: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'service.db'}"
    command = redline_command(database, config_file, "run", "--log-level", "debug")
    service = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert service.stderr is not None
    watchdog = threading.Timer(60, service.kill)  # a guard against a hang, not a measurement
    watchdog.start()
    seen = []
    for line in service.stderr:  # the first tick runs at once
        seen.append(line)
        if "apscheduler" in line and "Running job" in line:
            break
    service.send_signal(signal.SIGINT)
    _, log = service.communicate(timeout=15)
    watchdog.cancel()
    assert service.returncode == 0, "".join(seen) + log


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_run_also_stops_on_sigint(tmp_path: Path, config_file: Path) -> None:
    database = f"sqlite:///{tmp_path / 'service.db'}"
    command = redline_command(database, config_file, "run")
    service = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert service.stderr is not None
    for line in service.stderr:  # wait until it is up (a cold start compiles .pyc files)
        if "redline service started" in line:
            break
    service.send_signal(signal.SIGINT)
    _, log = service.communicate(timeout=15)
    assert service.returncode == 0, log
    assert "redline service stopped" in log
