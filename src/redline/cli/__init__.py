"""The ``redline`` command: a thin shell over :class:`redline.Redline`.

Each command is a few lines that call the library and print; they find it
through :func:`~._base.pass_redline`. The commands live by subject:
``_articles`` (tracking and showing), ``_changes`` (the archive's changes and
their cards), ``_checking`` (checking and the service), ``_sources`` (feeds),
``_archive`` (re-extraction and WARC), ``_notify`` (notifications) and
``_admin`` (the web archive, the database, the demo).
"""

from __future__ import annotations

import click

from .._version import __version__
from ._admin import db, demo, serve
from ._archive import export, reextract
from ._articles import add, diff, extract, feed, list_articles, remove, resume, show, stop
from ._base import COLOR_CHOICES, Opener, RedlineGroup, choose_color
from ._changes import changes, reclassify
from ._checking import check, run, status
from ._notify import notify
from ._sources import source

__all__ = ["cli", "main"]


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
@click.option(
    "--color",
    "--colour",
    "color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour diffs, tables and progress: auto is on a terminal unless NO_COLOR is set.",
)
@click.version_option(__version__, prog_name="redline")
@click.pass_context
def cli(ctx: click.Context, database: str | None, config_path: str | None, color: str) -> None:
    """Track news articles, store every version, and show how they were rewritten.

    \b
    Example:
        redline add https://example.com/news/story
        redline check            # from cron, e.g. every 10 minutes
        redline show 1
        redline diff 1
        redline changes --since 24h --min-significance 0.5
    """
    if not isinstance(ctx.obj, Opener):  # a test may hand in its own
        ctx.obj = Opener(database, config_path)
    choose_color(color)


for command in (add, remove, stop, list_articles, check, status, resume, show, diff, feed):
    cli.add_command(command)
for command in (extract, serve, db, run, demo, source, reextract, reclassify, export, changes):
    cli.add_command(command)
cli.add_command(notify)


def main() -> None:
    cli(prog_name="redline")
