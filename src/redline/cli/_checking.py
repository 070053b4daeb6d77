"""Checking: one pass (``check``), the service (``run``), and how it goes (``status``)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING

import click

from ..errors import AlreadyRunningError
from ..model import CheckOutcome, CheckResult
from ..report import describe_outlook
from ._base import (
    RedlineCommand,
    console,
    json_option,
    notifications_line,
    pass_redline,
    print_json,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from ..core import Redline
    from ..sources import PollResult

__all__ = ["check", "run", "status"]


@click.command(cls=RedlineCommand)
@click.argument("articles", nargs=-1)
@click.option("--all", "all_active", is_flag=True, help="Check every active article, due or not.")
@json_option
@pass_redline
def check(redline: Redline, articles: tuple[str, ...], all_active: bool, as_json: bool) -> None:
    """Check due articles for new versions (all with --all, or those named).

    A second check on the same SQLite database while one runs says so and
    exits 0. On PostgreSQL, several can run at once and share the work.

    \b
    Run it from cron, e.g.:
        */10 * * * *  redline check
    """
    with _CheckReport(quiet=as_json) as report:
        try:
            polled = [] if articles else redline.poll_sources()
            summary = redline.check(
                articles, all_active=all_active, on_start=report.start, on_result=report.result
            )
        except AlreadyRunningError as exc:
            click.echo(f"redline: {exc}; not starting another", err=True)
            return
    from ..shapes import CHECK_REPORT, CheckReport

    outlook = redline.outlook()
    counts = CHECK_REPORT.dump(CheckReport(summary, polled, outlook.next_due))
    if as_json:
        print_json(counts)
        return
    for result in polled:
        click.echo(_poll_line(result))
    click.echo(
        f"checked {counts['checked']}: {counts['new_versions']} new version(s), "
        f"{counts['unchanged']} unchanged, {counts['errors']} error(s)"
        + (f", {counts['suspect']} held back as suspect" if counts["suspect"] else "")
        + ("" if summary.results else f"; {describe_outlook(outlook, redline.clock())}")
    )
    if line := notifications_line(summary.notifications):
        click.echo(line)


class _CheckReport:
    """Reports a check as it runs: a progress bar on a terminal, else a line per article."""

    def __init__(self, *, quiet: bool) -> None:
        self._quiet = quiet
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> _CheckReport:
        if not self._quiet and sys.stderr.isatty():
            from rich.progress import Progress

            self._progress = Progress(transient=True, console=console(stderr=True))
            self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, total: int) -> None:
        if self._progress is not None:
            self._task = self._progress.add_task("checking", total=total)

    def result(self, result: CheckResult) -> None:
        if self._quiet:
            return
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)
            if result.outcome in (CheckOutcome.UNCHANGED, CheckOutcome.NOT_MODIFIED):
                return
        click.echo(_result_line(result))


def _poll_line(result: PollResult) -> str:
    if result.error:
        return f"source {result.source}: error: {result.error}"
    return f"source {result.source}: {result.added} new article(s)"


def _result_line(result: CheckResult) -> str:
    if result.outcome in (CheckOutcome.ERROR, CheckOutcome.SUSPECT):
        return f"{result.outcome.value:<12} {result.url}: {result.error}"
    if result.outcome is CheckOutcome.NEW_VERSION:
        return f"new version  {result.url} (version {result.version})"
    return f"{result.outcome.value:<12} {result.url}"


@click.command(cls=RedlineCommand)
@json_option
@pass_redline
def status(redline: Redline, as_json: bool) -> None:
    """Per source: articles, checks and new versions in 24 hours, errors, and alarms;
    then the notifications waiting and given up. "fast" counts the checks the learned
    fast path found unchanged without the full extractor.

    An alarm means a person should look: extraction failing (often a site
    redesign), text that suddenly shrank, articles failing again and again,
    notifications given up after [delivery] max_attempts.
    """
    health = redline.status()
    notifications = redline.delivery_health()
    if as_json:
        from ..shapes import STATUS_REPORT, StatusReport

        print_json(STATUS_REPORT.dump(StatusReport(health, notifications)))
        return
    from rich.table import Table

    table = Table(
        "source", "articles", "active", "stopped", "checks 24h", "fast", "new 24h", "errors"
    )
    for entry in health:
        table.add_row(
            entry.source or "(added by hand)",
            *map(str, (entry.articles, entry.active, entry.stopped, entry.checks)),
            str(entry.fast_checks),
            str(entry.new_versions),
            f"{entry.error_rate:.0%}",
        )
    out = console()
    out.print(table)
    for entry in health:
        for alarm in entry.alarms:
            out.print(f"[bold red]ALARM[/] {entry.source or '(added by hand)'}: {alarm}")
    if notifications.pending or notifications.failed:
        out.print(
            f"notifications: {notifications.pending} pending"
            f" ({notifications.retrying} retrying), {notifications.failed} given up",
            markup=False,
        )
    for alarm in notifications.alarms:
        out.print("[bold red]ALARM[/] notifications: ", end="")
        out.print(alarm, markup=False, highlight=False)


@click.command(cls=RedlineCommand)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    help="How much to log (one line per check at info).",
)
@pass_redline
def run(redline: Redline, log_level: str) -> None:
    """Run as a service: poll sources and check due articles continuously.

    Stops cleanly on SIGTERM or SIGINT. See README.md for a systemd unit.
    """
    from ..service import run_service

    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler says "Running job" and "executed successfully" at info on every tick
    scheduler_level = logging.DEBUG if log_level.lower() == "debug" else logging.WARNING
    logging.getLogger("apscheduler").setLevel(scheduler_level)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_service(redline, stop)
