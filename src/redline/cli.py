"""The ``redline`` command: a thin shell over :class:`redline.Redline`."""

from __future__ import annotations

import dataclasses
import json
import logging
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from ._version import __version__
from .cli_archive import export, reextract
from .cli_sources import source
from .config import SiteRule, load_config, rule_toml, site_rule
from .core import Redline, utc_now
from .demo import run_demo
from .diff import diff_to_json, render_html, render_text
from .errors import AlreadyRunningError, RedlineError
from .model import CheckOutcome, CheckResult
from .report import (
    article_json,
    article_summary,
    check_json,
    describe_article,
    health_json,
    poll_json,
)
from .service import run_service
from .sources import PollResult
from .store import database_url, display_url, upgrade_database
from .timefmt import format_time

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


class RedlineGroup(click.Group):
    """Turns every :class:`RedlineError`, and a file that cannot be opened, into one line on
    stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (RedlineError, click.FileError) as exc:
            message = exc.format_message() if isinstance(exc, click.FileError) else exc
            click.echo(f"redline: error: {message}", err=True)
            ctx.exit(2)


@click.group(cls=RedlineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "database",
    envvar="REDLINE_DB",
    metavar="URL_OR_PATH",
    help="SQLAlchemy URL (sqlite:///x.db, postgresql+psycopg://...) or a SQLite file path. "
    "Default: redline.db in your data directory.",
)
@click.option(
    "--config",
    "config_path",
    envvar="REDLINE_CONFIG",
    type=click.Path(dir_okay=False),
    help="TOML settings file (see config.example.toml).",
)
@click.version_option(__version__, prog_name="redline")
@click.pass_context
def cli(ctx: click.Context, database: str | None, config_path: str | None) -> None:
    """Track news articles, store every version, and show how they were rewritten.

    \b
    Example:
        redline add https://example.com/news/story
        redline check            # from cron, e.g. every 10 minutes
        redline show 1
        redline diff 1
    """
    ctx.obj = _Opener(database, config_path)


class _Opener:
    """Opens the library on first use, so ``--help`` never touches the database."""

    def __init__(self, database: str | None, config_path: str | None) -> None:
        self.database, self.config_path = database, config_path
        self._redline: Redline | None = None

    def __call__(self) -> Redline:
        if self._redline is None:
            config = load_config(self.config_path)
            self._redline = Redline.open(self.database, config)
            click.get_current_context().call_on_close(self._redline.close)
        return self._redline


def _redline() -> Redline:
    opener: _Opener = click.get_current_context().find_object(_Opener)  # type: ignore[assignment]
    return opener()


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--source", help="Name of the source the articles belong to.")
def add(urls: tuple[str, ...], source: str | None) -> None:
    """Track article URLs. Re-adding a tracked URL is fine.

    \b
    Example:
        redline add https://example.com/a https://example.com/b --source example
    """
    for article, created in _redline().add(urls, source=source):
        click.echo(f"{'added' if created else 'already tracked'} {article.id} {article.url}")


@cli.command()
@click.argument("article")
def remove(article: str) -> None:
    """Stop tracking ARTICLE (a URL or id) and delete its versions."""
    removed = _redline().remove(article)
    click.echo(f"removed {removed.id} {removed.url}")


@cli.command(name="list")
@json_option
def list_articles(as_json: bool) -> None:
    """List tracked articles."""
    articles = _redline().articles()
    if as_json:
        _print_json([article_summary(article) for article in articles])
        return
    table = Table("id", "status", "versions", "last changed", "title / url", box=None)
    for article in articles:
        label = article.title or article.url
        table.add_row(
            str(article.id),
            article.status.value,
            str(article.version_count),
            format_time(article.last_changed),
            f"{label}\n[dim]{article.url}[/dim]" if article.title else label,
        )
    Console(soft_wrap=False).print(table)


@cli.command()
@click.argument("articles", nargs=-1)
@click.option("--all", "all_active", is_flag=True, help="Check every active article, due or not.")
@json_option
def check(articles: tuple[str, ...], all_active: bool, as_json: bool) -> None:
    """Check due articles for new versions (all with --all, or those named).

    A second check on the same SQLite database while one runs says so and
    exits 0. On PostgreSQL, several can run at once and share the work.

    \b
    Run it from cron, e.g.:
        */10 * * * *  redline check
    """
    redline = _redline()
    with _CheckReport(quiet=as_json) as report:
        try:
            polled = [] if articles else redline.poll_sources()
            summary = redline.check(
                articles, all_active=all_active, on_start=report.start, on_result=report.result
            )
        except AlreadyRunningError as exc:
            click.echo(f"redline: {exc}; not starting another", err=True)
            return
    counts = check_json(summary) | {"sources": [poll_json(result) for result in polled]}
    if as_json:
        _print_json(counts)
        return
    for result in polled:
        click.echo(_poll_line(result))
    click.echo(
        f"checked {counts['checked']}: {counts['new_versions']} new version(s), "
        f"{counts['unchanged']} unchanged, {counts['errors']} error(s)"
        + (f", {counts['suspect']} held back as suspect" if counts["suspect"] else "")
    )


class _CheckReport:
    """Reports a check as it runs: a progress bar on a terminal, else a line per article."""

    def __init__(self, *, quiet: bool) -> None:
        self._quiet = quiet
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> _CheckReport:
        if not self._quiet and sys.stderr.isatty():
            self._progress = Progress(transient=True, console=Console(stderr=True))
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


@cli.command()
@json_option
def status(as_json: bool) -> None:
    """Per source: articles, checks and new versions in 24 hours, errors, and alarms.

    An alarm means a person should look: extraction failing (often a site
    redesign), text that suddenly shrank, articles failing again and again.
    """
    health = _redline().status()
    if as_json:
        _print_json([health_json(entry) for entry in health])
        return
    table = Table("source", "articles", "active", "stopped", "checks 24h", "new 24h", "errors")
    for entry in health:
        table.add_row(
            entry.source or "(added by hand)",
            *map(str, (entry.articles, entry.active, entry.stopped, entry.checks)),
            str(entry.new_versions),
            f"{entry.error_rate:.0%}",
        )
    console = Console(soft_wrap=False)
    console.print(table)
    for entry in health:
        for alarm in entry.alarms:
            console.print(f"[bold red]ALARM[/] {entry.source or '(added by hand)'}: {alarm}")


@cli.command()
@click.argument("article")
def resume(article: str) -> None:
    """Check ARTICLE (a URL or id) again after redline stopped checking it."""
    resumed = _redline().resume(article)
    click.echo(f"resumed {resumed.id} {resumed.url}: it will be checked on the next run")


@cli.command()
@click.argument("article")
@json_option
def show(article: str, as_json: bool) -> None:
    """Show ARTICLE (a URL or id): source, when seen and changed, versions, recent checks."""
    redline = _redline()
    found = redline.article(article)
    versions, checks = redline.versions(found.id), redline.checks(found.id, limit=5)
    if as_json:
        _print_json(article_json(found, versions, checks))
    else:
        click.echo(describe_article(found, versions, checks, utc_now()))


@cli.command()
@click.argument("article")
@click.option("--from", "from_number", type=click.IntRange(min=0), help="Old version number.")
@click.option("--to", "to_number", type=click.IntRange(min=0), help="New version number.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "html", "json"]),
    default="text",
    show_default=True,
)
def diff(article: str, from_number: int | None, to_number: int | None, output_format: str) -> None:
    """Show what changed in ARTICLE; by default its latest change.

    \b
    Example:
        redline diff 1 --from 0 --to 2 --format html > change.html
    """
    old, new, changes = _redline().diff(article, from_number, to_number)
    if output_format == "json":
        _print_json(diff_to_json(changes, old.number, new.number))
    elif output_format == "html":
        click.echo(render_html(changes))
    else:
        click.echo(f"Version {old.number} → Version {new.number}")
        click.echo(render_text(changes, color=sys.stdout.isatty()))


@cli.command()
@click.argument("article")
@click.option("-o", "--output", type=click.File("wb"), default="-", help="File to write.")
def feed(article: str, output: Any) -> None:
    """Write the RSS feed of ARTICLE's changes (to stdout by default)."""
    output.write(_redline().feed(article))


@cli.command()
@click.argument("page", metavar="URL|FILE")
@click.option("--url", help="For a FILE: the URL it was saved from (picks the [[sites]] rule).")
@click.option("--title", "title_selector", metavar="CSS", help="Try a rule: the headline.")
@click.option("--body", "body_selector", metavar="CSS", help="Try a rule: the article body.")
@click.option("--byline", "byline_selector", metavar="CSS", help="Try a rule: the author(s).")
@click.option("--drop", multiple=True, metavar="CSS", help="Try a rule: remove these first.")
@json_option
def extract(
    page: str,
    url: str | None,
    title_selector: str | None,
    body_selector: str | None,
    byline_selector: str | None,
    drop: tuple[str, ...],
    as_json: bool,
) -> None:
    """Show what the extractor makes of a page, and which rule or path produced it.

    With --title, --body, --byline or --drop it tries a [[sites]] rule for the
    page's host first, and prints it ready to paste into your config.

    \b
    Examples:
        redline --config mine.toml extract https://www.example.com/news/story
        redline extract saved.html --url https://www.example.com/news/x --drop .promo
    """
    selectors = {"title": title_selector, "body": body_selector, "byline": byline_selector}
    rule = _trial_rule(page, url, selectors, drop)
    found = _redline().extract(page, url=url, rule=rule)
    if as_json:
        trial = {"rule": rule_toml(rule)} if rule else {}
        _print_json(dataclasses.asdict(found) | {"text": found.text} | trial)
        return
    click.echo(f"Headline:  {found.title}")
    click.echo(f"Byline:    {found.byline or '-'}")
    click.echo(f"Published: {found.published or '-'}")
    click.echo(f"Canonical: {found.canonical_url or '-'}")
    click.echo(f"Method:    {found.method}")
    click.echo(f"Paragraphs ({len(found.paragraphs)}):")
    for number, paragraph in enumerate(found.paragraphs, 1):
        click.echo(f"  {number:>3}. {paragraph}")
    if rule is not None:
        click.echo(f"\nThe rule tried, for your config file:\n{rule_toml(rule)}")


def _trial_rule(
    page: str, url: str | None, selectors: dict[str, str | None], drop: tuple[str, ...]
) -> SiteRule | None:
    """The [[sites]] rule the extract options describe, for the page's host; None if none."""
    chosen = {key: value for key, value in selectors.items() if value is not None}
    if not chosen and not drop:
        return None
    host = urlsplit(url or page).hostname
    if not host:
        raise click.UsageError("a rule needs the page's host: give --url for a saved page")
    return site_rule({"host": host, **chosen, "drop": list(drop)})


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--root-path", default="", help="Path prefix behind a proxy, e.g. /archive.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, root_path: str) -> None:
    """Serve the archive on the web, read-only: articles, diffs, feeds, search, JSON API.

    \b
    Example:
        redline serve --port 8000     # then open http://127.0.0.1:8000/
    """
    from .web import serve as serve_web  # the web stack loads only for this command

    opener = ctx.find_object(_Opener)
    assert opener is not None
    url = database_url(opener.database or load_config(opener.config_path).database)
    serve_web(url, host=host, port=port, root_path=root_path)


@cli.group()
def db() -> None:
    """Manage the database."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Create the database or bring its schema up to date."""
    opener = ctx.find_object(_Opener)
    assert opener is not None
    url = database_url(opener.database or load_config(opener.config_path).database)
    ran = upgrade_database(url)
    click.echo(f"{'upgraded' if ran else 'already up to date:'} {display_url(url)}")


@cli.command()
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    help="How much to log (one line per check at info).",
)
def run(log_level: str) -> None:
    """Run as a service: poll sources and check due articles continuously.

    Stops cleanly on SIGTERM or SIGINT. See README.md for a systemd unit.
    """
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redline, stop = _redline(), threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_service(redline, stop)


@cli.command()
@click.option(
    "--keep", type=click.Path(dir_okay=False), help="Keep the demo database at this path."
)
def demo(keep: str | None) -> None:
    """Run the whole pipeline against a small news site served on 127.0.0.1.

    Needs no internet access and leaves your own database alone: the demo
    uses a throwaway SQLite database unless --keep names a file.
    """
    with tempfile.TemporaryDirectory(prefix="redline-demo-") as scratch:
        database = keep or str(Path(scratch) / "demo.db")
        run_demo(click.echo, database=database, color=sys.stdout.isatty())


cli.add_command(source)
cli.add_command(reextract)
cli.add_command(export)


def main() -> None:
    cli(prog_name="redline")
