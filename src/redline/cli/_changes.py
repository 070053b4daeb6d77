"""``redline changes`` and ``redline reclassify``: the archive's changes by what they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click

from ..config import parse_duration
from ..errors import ConfigError
from ..model import ChangeKind
from ..timefmt import format_time
from ._base import RedlineCommand, fail, json_option, pass_redline, print_json

if TYPE_CHECKING:
    from ..core import Redline
    from ..store.queries import Change

__all__ = ["changes", "reclassify"]

MAX_LISTED = 10_000
"""The most changes one ``redline changes`` lists."""


def _since(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> datetime | timedelta | None:
    """A duration back from now (``2h``, ``3d``) or a date or time (``2026-11-01``), as read;
    anything else ends the command with one line."""
    if value is None:
        return None
    try:
        return parse_duration(value, name="--since")
    except ConfigError:
        pass
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(
            "--since: expected a duration like '12h' or '7d', or a date like 2026-11-01,"
            f" got {value!r}"
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command(cls=RedlineCommand)
@click.option(
    "--since",
    callback=_since,
    metavar="DURATION|DATE",
    help="Only changes seen in this last while (12h, 7d) or since this date or time (UTC).",
)
@click.option("--source", help="Only the changes of this source's articles.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([kind.value for kind in ChangeKind], case_sensitive=False),
    help="Only changes of this kind (repeat for any of several).",
)
@click.option(
    "--min-significance",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    metavar="X",
    help="Only changes at least this significant (0 to 1).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LISTED),
    default=20,
    show_default=True,
    metavar="N",
    help="List at most N changes.",
)
@json_option
@pass_redline
def changes(
    redline: Redline,
    since: datetime | timedelta | None,
    source: str | None,
    kinds: tuple[str, ...],
    min_significance: float,
    limit: int,
    as_json: bool,
) -> None:
    """List the changes across the archive, newest first, with what each one is.

    Each change carries its card: its kinds, how significant it is (0 to 1) and a
    one-line summary. Filters combine: a change must pass all of them, and one of
    the --kind values.

    \b
    Examples:
        redline changes --since 24h --min-significance 0.5
        redline changes --kind numbers --kind quotes --source gazette --json
        redline changes --since 2026-11-01 --kind stealth --limit 50
    """
    start = redline.clock() - since if isinstance(since, timedelta) else since
    found = redline.changes(
        since=start,
        source=source,
        kinds=[ChangeKind(kind.lower()) for kind in kinds],
        min_significance=min_significance,
        limit=limit,
    )
    if as_json:
        from ..shapes import CHANGE_LISTED

        print_json([CHANGE_LISTED.dump(change) for change in found])
        return
    _print_changes(found)


def _print_changes(found: list[Change]) -> None:
    """Each change in three lines: when, which, how significant and of what kinds; its
    summary; its headline and URL. Plain lines, so a long summary never wraps into others."""
    for change in found:
        card = change.card
        what = f"{card.significance:.2f}  {', '.join(card.kinds) or '-'}" if card else "-"
        summary = card.summary if card else "(no change card yet: run redline reclassify)"
        click.echo(
            f"{format_time(change.new.seen_at)}  article {change.article_id}"
            f" version {change.new.number}  {what}"
        )
        click.echo(f"    {summary}")
        click.echo(f"    {change.new.title} <{change.article_url}>")
    if not found:
        click.echo("no changes found", err=True)


@click.command(cls=RedlineCommand)
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.option(
    "--all",
    "every_card",
    is_flag=True,
    help="Compute every card again, not only those an older classifier made.",
)
@pass_redline
def reclassify(redline: Redline, articles: tuple[str, ...], every_card: bool) -> None:
    """Compute the change cards again after the classifier changed; add no version.

    Without ARTICLE (URLs or ids), every article's. Only cards made by another
    classifier version, and those missing (the classifier failed on them), are
    computed unless --all says every one.

    \b
    Examples:
        redline reclassify
        redline reclassify 12 https://example.com/news/story --all
    """
    count = redline.reclassify(articles, all=every_card)
    click.echo(f"computed {count} change card(s) again")
