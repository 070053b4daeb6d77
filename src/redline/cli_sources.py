"""``redline source``: the RSS and Atom feeds redline polls for new articles to track.

The commands work against a :class:`SourceFacade`. They find it through the
click context: its ``obj`` (set on the root command, inherited by every
subcommand) is a callable that opens the facade on first use, as the
``redline`` command's opener does for :class:`redline.Redline`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

import click

from .model import Source
from .timefmt import format_time

__all__ = ["SourceFacade", "source", "source_json"]


class SourceFacade(Protocol):
    """What the ``source`` commands need of the library."""

    def add_source(
        self, name: str, feed_url: str, include: str | None, exclude: str | None
    ) -> tuple[Source, bool]:
        """Add a source, or find it as it is; return it and whether it is new."""
        ...

    def sources(self) -> list[Source]:
        """Every source, by name."""
        ...

    def remove_source(self, name: str) -> Source:
        """Stop polling a source, keeping its articles; return what it was."""
        ...


def _facade() -> SourceFacade:
    opener: Callable[[], SourceFacade] = click.get_current_context().obj
    return opener()


def source_json(source: Source) -> dict[str, Any]:
    """The fields of ``redline source list --json``."""
    return {
        "name": source.name,
        "feed_url": source.feed_url,
        "include": source.include,
        "exclude": source.exclude,
        "added_at": source.added_at.isoformat(),
        "last_polled": None if source.last_polled is None else source.last_polled.isoformat(),
        "next_poll": None if source.next_poll is None else source.next_poll.isoformat(),
        "consecutive_failures": source.consecutive_failures,
        "last_error": source.last_error,
        "articles": source.article_count,
        "active": source.active_count,
    }


@click.group()
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
def add(name: str, feed_url: str, include: str | None, exclude: str | None) -> None:
    """Poll the feed FEED_URL and track its new articles under the source NAME.

    Adding a source again with the same feed and filters is fine; to change
    them, remove it and add it again (its articles stay tracked).

    \b
    Example:
        redline source add gazette https://gazette.example/feed.xml --exclude '/sport/'
    """
    added, created = _facade().add_source(name, feed_url, include, exclude)
    if created:
        click.echo(f"added source {added.name}: {added.feed_url}")
    else:
        click.echo(f"source {added.name} already added: {added.feed_url}")


@source.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def list_sources(as_json: bool) -> None:
    """List the sources: their feeds, articles and how polling goes."""
    sources = _facade().sources()
    if as_json:
        click.echo(json.dumps([source_json(s) for s in sources], indent=2, ensure_ascii=False))
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
def remove(name: str) -> None:
    """Stop polling the source NAME. Its articles stay tracked.

    Remove those one by one with 'redline remove' if you no longer want them.
    """
    removed = _facade().remove_source(name)
    click.echo(
        f"removed source {removed.name}; its {removed.article_count} article(s) stay tracked"
    )
