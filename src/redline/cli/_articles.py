"""Tracking articles and showing them: add, remove, stop, resume, list, show, diff, feed,
extract."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

import click

from ..config import SiteRule, rule_toml, site_rule
from ..report import describe_article
from ..timefmt import format_time
from ._base import RedlineCommand, console, fail, json_option, pass_redline, print_json, wants_color

if TYPE_CHECKING:
    from ..core import Redline
    from ..model import Article

__all__ = ["add", "diff", "extract", "feed", "list_articles", "remove", "resume", "show", "stop"]


@click.command(cls=RedlineCommand)
@click.argument("urls", nargs=-1, required=True)
@click.option("--source", help="Name of the source the articles belong to.")
@pass_redline
def add(redline: Redline, urls: tuple[str, ...], source: str | None) -> None:
    """Track article URLs. Re-adding a tracked URL is fine.

    \b
    Example:
        redline add https://example.com/a https://example.com/b --source example
    """
    for article, created in redline.add(urls, source=source):
        click.echo(f"{'added' if created else 'already tracked'} {article.id} {article.url}")


@click.command(cls=RedlineCommand)
@click.argument("article")
@click.option("-y", "--yes", is_flag=True, help="Do not ask first (scripts must say this).")
@pass_redline
def remove(redline: Redline, article: str, yes: bool) -> None:
    """Stop tracking ARTICLE (a URL or id) and delete its versions and checks.

    The history is gone for good, so on a terminal it asks first; anywhere else
    (a script, cron) it does nothing without --yes. To stop checking an article
    but keep its history, use 'redline stop'.
    """
    found = redline.article(article)
    if not yes:
        _confirm_removal(found)
    removed = redline.remove(found.id)
    click.echo(f"removed {removed.id} {removed.url}")


def _confirm_removal(article: Article) -> None:
    """Ask on the terminal whether to delete ``article``'s history; refuse off a terminal."""
    if not sys.stdin.isatty():
        fail(f"removing article {article.id} deletes its history: pass --yes to remove it")
    count = article.version_count
    versions = f"its {count} version{'' if count == 1 else 's'}"
    question = f"Remove article {article.id} ({article.url}) and {versions}?"
    click.confirm(f"{question} This deletes its history.", default=False, abort=True)


@click.command(cls=RedlineCommand)
@click.argument("article")
@pass_redline
def stop(redline: Redline, article: str) -> None:
    """Stop checking ARTICLE (a URL or id) but keep its versions and history.

    'redline resume' checks it again; 'redline remove' deletes it.
    """
    stopped = redline.stop(article)
    click.echo(f"stopped {stopped.id} {stopped.url}: it won't be checked again")


@click.command(name="list", cls=RedlineCommand)
@json_option
@pass_redline
def list_articles(redline: Redline, as_json: bool) -> None:
    """List tracked articles."""
    articles = redline.articles()
    if as_json:
        from ..shapes import ARTICLE

        print_json([ARTICLE.dump(article) for article in articles])
        return
    from rich.table import Table

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
    console().print(table)


@click.command(cls=RedlineCommand)
@click.argument("article")
@pass_redline
def resume(redline: Redline, article: str) -> None:
    """Check ARTICLE (a URL or id) again after redline stopped checking it."""
    resumed = redline.resume(article)
    click.echo(f"resumed {resumed.id} {resumed.url}: it will be checked on the next run")


@click.command(cls=RedlineCommand)
@click.argument("article")
@json_option
@pass_redline
def show(redline: Redline, article: str, as_json: bool) -> None:
    """Show ARTICLE (a URL or id): source, when seen and changed, versions, recent checks.

    Each version after the first says what changed in it, in one line (its change
    card's summary; --json gives the whole card as "change").
    """
    found = redline.article(article)
    versions, checks = redline.versions(found.id), redline.checks(found.id, limit=5)
    cards = redline.cards(found.id)
    if as_json:
        from ..shapes import ARTICLE_DETAIL, ArticleDetail

        print_json(ARTICLE_DETAIL.dump(ArticleDetail(found, versions, checks, cards)))
    else:
        click.echo(describe_article(found, versions, checks, redline.clock(), cards))


@click.command(cls=RedlineCommand)
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
@pass_redline
def diff(
    redline: Redline,
    article: str,
    from_number: int | None,
    to_number: int | None,
    output_format: str,
) -> None:
    """Show what changed in ARTICLE; by default its latest change.

    The change card's summary comes first (--format json: the card as "change"),
    then the word diff. --format html writes a whole page, styles included, to save
    and open in a browser.

    \b
    Example:
        redline diff 1 --from 0 --to 2 --format html > change.html
    """
    from ..diff import render_html_page, render_text
    from ..shapes import DIFF, VersionDiff

    old, new, changes = redline.diff(article, from_number, to_number)
    card = redline.card(old, new)
    if output_format == "json":
        print_json(DIFF.dump(VersionDiff(changes, old.number, new.number, card)))
    elif output_format == "html":
        click.echo(render_html_page(changes, old, new, url=redline.article(article).url))
    else:
        click.echo(f"Version {old.number} → Version {new.number}")
        if card is not None:
            click.echo(card.summary)
        colour = wants_color(sys.stdout)
        click.echo(render_text(changes, color=colour), color=colour)  # click strips it off a tty


@click.command(cls=RedlineCommand)
@click.argument("article")
@click.option("-o", "--output", type=click.File("wb"), default="-", help="File to write.")
@pass_redline
def feed(redline: Redline, article: str, output: BinaryIO) -> None:
    """Write the RSS feed of ARTICLE's changes (to stdout by default)."""
    output.write(redline.feed(article))


@click.command(cls=RedlineCommand)
@click.argument("page", metavar="URL|FILE")
@click.option("--url", help="For a FILE: the URL it was saved from (picks the [[sites]] rule).")
@click.option("--title", "title_selector", metavar="CSS", help="Try a rule: the headline.")
@click.option("--body", "body_selector", metavar="CSS", help="Try a rule: the article body.")
@click.option("--byline", "byline_selector", metavar="CSS", help="Try a rule: the author(s).")
@click.option("--drop", multiple=True, metavar="CSS", help="Try a rule: remove these first.")
@json_option
@pass_redline
def extract(
    redline: Redline,
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
    found = redline.extract(page, url=url, rule=rule)
    if as_json:
        from ..shapes import EXTRACTION, Extraction

        print_json(EXTRACTION.dump(Extraction(found, rule_toml(rule) if rule else None)))
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
