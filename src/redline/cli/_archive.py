"""``redline reextract`` and ``redline export``: the raw archive, from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

import click

from ._base import RedlineCommand, json_option, pass_redline, print_json

if TYPE_CHECKING:
    from ..core import Redline
    from ..reextract import ReextractResult

__all__ = ["export", "reextract"]


def _one_selection(ctx: click.Context, param: click.Parameter, value: object) -> object:
    """Refuse --article with --source while the options are read, before any database opens."""
    other = "source" if param.name == "articles" else "articles"
    if value and ctx.params.get(other):
        raise click.UsageError("give --article or --source, not both", ctx)
    return value


_source_option = click.option(
    "--source", callback=_one_selection, help="Only the articles of this source."
)
_article_option = click.option(
    "--article",
    "articles",
    multiple=True,
    metavar="URL|ID",
    callback=_one_selection,
    help="Only this article (repeat for more).",
)


@click.command(cls=RedlineCommand)
@_source_option
@_article_option
@json_option
@pass_redline
def reextract(
    redline: Redline, source: str | None, articles: tuple[str, ...], as_json: bool
) -> None:
    """Extract the archived pages again with the current extractor and [[sites]] rules.

    A version whose text comes out different gets the new text; its old text
    is kept, and no version is added or removed, so feeds show no false change.
    The change cards to and from each text replaced are computed again.
    Run it after adding or fixing a [[sites]] rule, or after upgrading redline.

    \b
    Example:
        redline --config mine.toml reextract --source gazette
    """
    results = redline.reextract(articles, source=source, on_result=None if as_json else _echo)
    if as_json:
        from ..shapes import REEXTRACT_RESULT

        print_json([REEXTRACT_RESULT.dump(result) for result in results])
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


@click.command(cls=RedlineCommand)
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
@pass_redline
def export(redline: Redline, warc: BinaryIO, source: str | None, articles: tuple[str, ...]) -> None:
    """Write the archived pages, one HTTP response per version, as a WARC file.

    \b
    Example:
        redline export --warc news.warc.gz
        redline export --warc gazette.warc.gz --source gazette
    """
    written = redline.export_warc(warc, articles, source=source)
    click.echo(f"wrote {written} response record(s)", err=warc.name == "<stdout>")
