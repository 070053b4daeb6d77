"""``redline source``: the RSS and Atom feeds redline polls for new articles to track."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..model import Source
from ..timefmt import format_time
from ._base import RedlineGroup, json_option, pass_redline, print_json

if TYPE_CHECKING:
    from ..core import Redline

__all__ = ["source"]


@click.group(cls=RedlineGroup)
def source() -> None:
    """Poll RSS or Atom feeds and track the articles they list.

    \b
    Example:
        redline source add gazette https://gazette.example/feed.xml --include politics
        redline source list
    """


@source.command()
@click.argument("name")
@click.argument("feed_url")
@click.option(
    "--include",
    metavar="REGEX",
    help="Track only entries whose URL or title this regular expression matches (any case).",
)
@click.option(
    "--exclude",
    metavar="REGEX",
    help="Skip entries whose URL or title this regular expression matches (any case).",
)
@pass_redline
def add(
    redline: Redline, name: str, feed_url: str, include: str | None, exclude: str | None
) -> None:
    """Poll the feed FEED_URL and track its new articles under the source NAME.

    Adding a source again with the same feed and filters is fine; to change
    them, remove it and add it again (its articles stay tracked).

    \b
    Example:
        redline source add gazette https://gazette.example/feed.xml --exclude '/sport/'
    """
    added, created = redline.add_source(name, feed_url, include, exclude)
    if created:
        click.echo(f"added source {added.name}: {added.feed_url}")
    else:
        click.echo(f"source {added.name} already added: {added.feed_url}")


@source.command(name="list")
@json_option
@pass_redline
def list_sources(redline: Redline, as_json: bool) -> None:
    """List the sources: their feeds, articles and how polling goes."""
    sources = redline.sources()
    if as_json:
        from ..shapes import SOURCE

        print_json([SOURCE.dump(s) for s in sources])
    elif not sources:
        click.echo("no sources; add one with: redline source add NAME FEED_URL")
    else:
        click.echo("\n".join(_describe(listed) for listed in sources))


def _describe(listed: Source) -> str:
    """Two lines on a source: its feed and filters, then its articles and polling."""
    patterns = (("include", listed.include), ("exclude", listed.exclude))
    filters = "".join(f" ({kind} {pattern!r})" for kind, pattern in patterns if pattern)
    return (
        f"{listed.name}: {listed.feed_url}{filters}\n"
        f"    {listed.article_count} article(s), {listed.active_count} active;"
        f" last polled {format_time(listed.last_polled)},"
        f" next poll {format_time(listed.next_poll)}; {_status(listed)}"
    )


def _status(listed: Source) -> str:
    if listed.last_error is None:
        return "ok" if listed.last_polled is not None else "not polled yet"
    return f"{listed.consecutive_failures} failure(s) in a row: {listed.last_error}"


@source.command()
@click.argument("name")
@pass_redline
def remove(redline: Redline, name: str) -> None:
    """Stop polling the source NAME. Its articles stay tracked.

    Remove those one by one with 'redline remove' if you no longer want them.
    """
    removed = redline.remove_source(name)
    click.echo(
        f"removed source {removed.name}; its {removed.article_count} article(s) stay tracked"
    )
