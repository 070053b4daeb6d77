"""Around the archive: serving it on the web, upgrading its database, the demo."""

from __future__ import annotations

import functools
import sys
import tempfile
from pathlib import Path

import click

from ._base import RedlineCommand, RedlineGroup, opener, say_created, wants_color

__all__ = ["db", "demo", "serve"]


@click.command(cls=RedlineCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--root-path", default="", help="Path prefix behind a proxy, e.g. /archive.")
def serve(host: str, port: int, root_path: str) -> None:
    """Serve the archive on the web, read-only: articles, diffs, feeds, search, JSON API.

    Feeds link to the archive at the config's [web] base_url (its public address behind
    a proxy), else at the address each request came to.

    \b
    Example:
        redline serve --port 8000     # then open http://127.0.0.1:8000/
    """
    from ..web import serve as serve_web  # the web stack loads only for this command

    found = opener()
    base_url = found.config().web.base_url
    serve_web(found.database_url(), host=host, port=port, root_path=root_path, base_url=base_url)


@click.group(cls=RedlineGroup)
def db() -> None:
    """Manage the database."""


@db.command()
def upgrade() -> None:
    """Create the database or bring its schema up to date."""
    from ..store import SchemaChange, display_url, upgrade_database

    url = opener().database_url()
    change = upgrade_database(url)
    if change is SchemaChange.CREATED:
        say_created(url)
    ran = change is not SchemaChange.UNCHANGED
    click.echo(f"{'upgraded' if ran else 'already up to date:'} {display_url(url)}")


@click.command(cls=RedlineCommand)
@click.option(
    "--keep", type=click.Path(dir_okay=False), help="Keep the demo database at this path."
)
def demo(keep: str | None) -> None:
    """Run the whole pipeline against a small news site served on 127.0.0.1.

    Needs no internet access and leaves your own database alone: the demo
    uses a throwaway SQLite database unless --keep names a file.
    """
    from ..demo import run_demo

    with tempfile.TemporaryDirectory(prefix="redline-demo-") as scratch:
        database = keep or str(Path(scratch) / "demo.db")
        colour = wants_color(sys.stdout)
        echo = functools.partial(click.echo, color=colour)  # click strips colour off a tty
        run_demo(echo, database=database, color=colour)
