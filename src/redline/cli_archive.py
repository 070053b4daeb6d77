"""``redline reextract`` and ``redline export``: the raw archive, from the command line.

Like :mod:`redline.cli_sources`, the commands find the library through the
click context's ``obj``: a callable opening it on first use.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import BinaryIO, Protocol

import click

from .reextract import ReextractResult

__all__ = ["ArchiveFacade", "export", "reextract"]


class ArchiveFacade(Protocol):
    """What the archive commands need of the library."""

    def reextract(
        self,
        refs: Sequence[str | int] = (),
        *,
        source: str | None = None,
        on_result: Callable[[ReextractResult], None] | None = None,
    ) -> list[ReextractResult]:
        """Extract archived pages again; report each article."""
        ...

    def export_warc(
        self, stream: BinaryIO, refs: Sequence[str | int] = (), *, source: str | None = None
    ) -> int:
        """Write archived pages as WARC; return how many."""
        ...


def _facade() -> ArchiveFacade:
    opener: Callable[[], ArchiveFacade] = click.get_current_context().obj
    return opener()


def _selection(articles: tuple[str, ...], source: str | None) -> tuple[str, ...]:
    if articles and source:
        raise click.UsageError("give --article or --source, not both")
    return articles


_source_option = click.option("--source", help="Only the articles of this source.")
_article_option = click.option(
    "--article",
    "articles",
    multiple=True,
    metavar="URL|ID",
    help="Only this article (repeat for more).",
)


@click.command()
@_source_option
@_article_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def reextract(source: str | None, articles: tuple[str, ...], as_json: bool) -> None:
    """Extract the archived pages again with the current extractor and [[sites]] rules.

    A version whose text comes out different gets the new text; its old text
    is kept, and no version is added or removed, so feeds show no false change.
    Run it after adding or fixing a [[sites]] rule, or after upgrading redline.

    \b
    Example:
        redline --config mine.toml reextract --source gazette
    """
    refs = _selection(articles, source)
    results = _facade().reextract(refs, source=source, on_result=None if as_json else _echo)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(result) for result in results], indent=2))
        return
    repaired = sum(len(result.repaired) for result in results)
    failed = sum(len(result.failed) for result in results)
    archived = sum(result.archived for result in results)
    click.echo(
        f"re-extracted {archived} archived page(s) of {len(results)} article(s): "
        f"{repaired} text(s) repaired, {failed} without an article (left as they were)"
    )


def _echo(result: ReextractResult) -> None:
    for number in result.repaired:
        click.echo(f"repaired     {result.url} (version {number})")
    for number in result.redundant:
        click.echo(f"no change    {result.url} (version {number} now reads as {number - 1})")
    for number, error in result.failed:
        click.echo(f"no article   {result.url} (version {number}): {error}")
    if result.unarchived:
        click.echo(f"not archived {result.url}: {result.unarchived} version(s) from before")


@click.command()
@click.option(
    "--warc",
    "warc",
    type=click.File("wb", atomic=True),
    required=True,
    metavar="FILE",
    help="Write a gzipped WARC file (FILE.warc.gz); - for stdout.",
)
@_source_option
@_article_option
def export(warc: BinaryIO, source: str | None, articles: tuple[str, ...]) -> None:
    """Write the archived pages, one HTTP response per version, as a WARC file.

    \b
    Example:
        redline export --warc news.warc.gz
        redline export --warc gazette.warc.gz --source gazette
    """
    refs = _selection(articles, source)
    written = _facade().export_warc(warc, refs, source=source)
    click.echo(f"wrote {written} response record(s)", err=warc.name == "<stdout>")
