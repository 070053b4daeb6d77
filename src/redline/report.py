"""Plain-text views of redline's values, in the seed tracker's words, for the CLI and the web."""

from __future__ import annotations

from datetime import datetime

from .model import Article, ArticleStatus, CheckOutcome, CheckRecord, Version
from .timefmt import approximately, format_time

__all__ = ["describe_article", "describe_schedule"]


def describe_schedule(article: Article, now: datetime) -> str:
    """When it last changed and when it is checked next, in the seed page's words."""
    if article.last_changed and article.version_count > 1:
        history = f"It last changed {approximately(now - article.last_changed)} ago"
    else:
        history = "It has not changed since it was first seen"
    if article.status is ArticleStatus.STOPPED:
        return f"{history} and won't be checked again for changes."
    if article.next_check is None or article.next_check <= now:
        return f"{history}. It is due to be checked now."
    return f"{history}. It will be checked again in {approximately(article.next_check - now)}."


def describe_article(
    article: Article, versions: list[Version], checks: list[CheckRecord], now: datetime
) -> str:
    """The text of an article page, as the seed tracker page words it."""
    source = f"the source '{article.source}'" if article.source else "no named source"
    lines = [
        article.title or article.url,
        "",
        f"This article is from {source} and was first published or seen on "
        f"{format_time(article.first_seen)}. {describe_schedule(article, now)}",
        "",
        f"You can find the current article at its original source at {article.url}",
        "",
        f"The article has changed {article.change_count} "
        f"time{'s' if article.change_count != 1 else ''}. "
        f"There is an RSS feed of changes available: redline feed {article.id}",
    ]
    if versions:
        lines += ["", "Versions:"]
        previous: Version | None = None
        for version in versions:
            after = (
                f" ({approximately(version.seen_at - previous.seen_at)} later)" if previous else ""
            )
            lines.append(
                f"  {version.number:>3}  {format_time(version.seen_at)}{after}  {version.title}"
            )
            previous = version
    if checks:
        lines += ["", "Recent checks:"]
        lines += [f"  {format_time(c.checked_at)}  {_check_line(c)}" for c in checks]
    return "\n".join(lines)


def _check_line(check: CheckRecord) -> str:
    if check.outcome in (CheckOutcome.ERROR, CheckOutcome.SUSPECT):
        return f"{check.outcome.value}: {check.error}"
    if check.outcome is CheckOutcome.NEW_VERSION:
        return f"new version {check.version}"
    return check.outcome.value.replace("_", " ")
