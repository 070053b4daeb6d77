"""``redline notify``: the ``[[notify]]`` rules, a test message, and the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..model import DeliveryRecord, DeliveryStatus
from ..timefmt import format_time
from ._base import (
    RedlineGroup,
    console,
    json_option,
    notifications_line,
    pass_redline,
    print_json,
)

if TYPE_CHECKING:
    from ..core import Redline

__all__ = ["notify"]


@click.group(cls=RedlineGroup)
def notify() -> None:
    """Notifications: the [[notify]] rules of the config, and the messages queued for them.

    Each new version that a rule matches is queued with the version, then sent by
    `redline check` after its pass and continuously by `redline run`; a failed
    message is retried with back-off ([delivery] in the config).

    \b
    Example:
        redline notify list
        redline notify test desk
        redline notify queue
        redline notify retry
    """


@notify.command("list")
@json_option
@pass_redline
def list_rules(redline: Redline, as_json: bool) -> None:
    """Each rule by name: where it sends (passwords and tokens masked), what it tells of,
    and its last delivery.

    \b
    Example:
        redline notify list --json
    """
    rules = redline.notify_rules()
    if as_json:
        from ..shapes import RULE_INFO

        print_json([RULE_INFO.dump(rule) for rule in rules])
        return
    if not rules:
        click.echo("no [[notify]] rules in the config (see config.example.toml)")
        return
    for rule in rules:
        click.echo(f"{rule.name}: {', '.join(rule.targets)}")
        only = [
            f"sources {', '.join(rule.sources)}" if rule.sources is not None else "",
            f"kinds {', '.join(rule.kinds)}" if rule.kinds is not None else "",
            f"significance ≥ {rule.min_significance:g}" if rule.min_significance else "",
            f"a digest every {_period(rule.digest_seconds)}" if rule.digest_seconds else "",
            f"at most {rule.max_per_hour} an hour" if rule.max_per_hour else "",
        ]
        click.echo(f"  tells of: {'; '.join(part for part in only if part) or 'every change'}")
        click.echo(f"  last delivery: {_last(rule.last_delivery)}")
    _say_links(redline)


@notify.command("test")
@click.argument("name")
@pass_redline
def test_rule(redline: Redline, name: str) -> None:
    """Send the rule NAME a sample change now, to see that it arrives.

    Fails (exit status 2) with what went wrong if it does not.

    \b
    Example:
        redline notify test desk
    """
    redline.notify_test(name)
    click.echo(f"sent a test message to rule {name!r}")
    _say_links(redline)


@notify.command("queue")
@json_option
@pass_redline
def queue(redline: Redline, as_json: bool) -> None:
    """The messages pending (to send, or to retry after a failure) and given up.

    \b
    Example:
        redline notify queue --json
    """
    waiting = redline.delivery_queue()
    if as_json:
        from ..shapes import DELIVERY

        print_json([DELIVERY.dump(record) for record in waiting])
        return
    if not waiting:
        click.echo("nothing queued: every notification was sent")
        return
    from rich.table import Table

    table = Table("rule", "article", "version", "status", "attempts", "next attempt", "last error")
    for record in waiting:
        table.add_row(
            record.rule,
            ", ".join(str(change.article_id) for change in record.changes),
            ", ".join(str(change.version) for change in record.changes),
            record.status.value + (" (digest)" if record.digest else ""),
            str(record.attempts),
            format_time(record.next_attempt_at) if record.next_attempt_at else "",
            record.last_error or "",
        )
    console().print(table)


@notify.command("retry")
@pass_redline
def retry(redline: Redline) -> None:
    """Try every pending and given-up message now, whatever its back-off.

    For after a receiver is back or the config is mended (a rule's address, a
    template, [fetch] allow_private_networks).

    \b
    Example:
        redline notify retry
    """
    done = redline.retry_deliveries()
    click.echo(notifications_line(done) or "nothing to send")


def _last(record: DeliveryRecord | None) -> str:
    if record is None:
        return "none yet"
    when = record.sent_at or record.created_at
    failed = record.last_error and record.status is not DeliveryStatus.SENT
    error = f": {record.last_error}" if failed else ""
    return f"{record.status.value} {format_time(when)}{error}"


def _period(seconds: float) -> str:
    """``seconds`` as the config spells a period: ``1h``, ``30m``, ``90s``."""
    for unit, length in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % length == 0:
            return f"{seconds / length:g}{unit}"
    return f"{seconds:g}s"


def _say_links(redline: Redline) -> None:
    """Say, on stderr, where messages link without a ``[web] base_url``."""
    if redline.config.web.base_url is None:
        click.echo(
            "redline: note: [web] base_url is not set, so messages link to the article"
            " itself, not to its diff page",
            err=True,
        )
