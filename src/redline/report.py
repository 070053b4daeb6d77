"""Plain-text views of redline's values, in the seed tracker's words, for the CLI and the web."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from .model import (
    Article,
    ArticleStatus,
    ChangeCard,
    CheckOutcome,
    CheckPath,
    CheckRecord,
    Outlook,
    Version,
)
from .timefmt import approximately, format_time

__all__ = ["describe_article", "describe_outlook", "describe_schedule"]


def describe_schedule(article: Article, latest: CheckRecord | None, now: datetime) -> str:
    """When it last changed, how its latest check went (``latest``) and when it is checked
    next, in the seed page's words."""
    history = _history(article, now)
    failed = latest is not None and latest.outcome is CheckOutcome.ERROR
    if latest is not None and failed:
        failure = f"The last check failed: {latest.error}"
        history = failure if article.version_count == 0 else f"{history}. {failure}"
    if article.status is ArticleStatus.STOPPED:
        joint = ". It" if failed else " and"
        return f"{history}{joint} won't be checked again for changes."
    if article.next_check is None or article.next_check <= now:
        return f"{history}. It is due to be checked now."
    return f"{history}. It will be checked again in {approximately(article.next_check - now)}."


def _history(article: Article, now: datetime) -> str:
    """What the versions tell of the article's text, without the final full stop."""
    if article.last_checked is None:
        return "It has not been fetched yet"
    if article.last_changed and article.version_count > 1:
        return f"It last changed {approximately(now - article.last_changed)} ago"
    if article.version_count == 0:
        return "Its text has not been found yet"
    return "It has not changed since it was first seen"


def describe_article(
    article: Article,
    versions: list[Version],
    checks: list[CheckRecord],
    now: datetime,
    cards: Mapping[int, ChangeCard] | None = None,
) -> str:
    """The text of an article page, as the seed tracker page words it; ``checks`` newest first.

    Each version's line ends with what changed in it: its card's summary, from ``cards``
    (by version number).
    """
    summaries = {number: card.summary for number, card in (cards or {}).items()}
    source = f"the source '{article.source}'" if article.source else "no named source"
    schedule = describe_schedule(article, checks[0] if checks else None, now)
    lines = [
        article.title or article.url,
        "",
        f"This article is from {source} and was first published or seen on "
        f"{format_time(article.first_seen)}. {schedule}",
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
            summary = f"  — {summaries[version.number]}" if version.number in summaries else ""
            lines.append(
                f"  {version.number:>3}  {format_time(version.seen_at)}{after}  {version.title}"
                f"{summary}"
            )
            previous = version
    if checks:
        lines += ["", "Recent checks:"]
        lines += [f"  {format_time(c.checked_at)}  {_check_line(c)}" for c in checks]
    return "\n".join(lines)


def describe_outlook(outlook: Outlook, now: datetime) -> str:
    """When the next article is due, for a pass that checked none."""
    if outlook.tracked == 0:
        return "nothing tracked yet: add one with redline add URL"
    if outlook.next_due is None:
        return f"no article is due: {outlook.tracked} tracked, all stopped"
    if outlook.next_due <= now:
        return "the next article is due now"
    return f"the next article is due in {approximately(outlook.next_due - now)}"


def _check_line(check: CheckRecord) -> str:
    if check.outcome in (CheckOutcome.ERROR, CheckOutcome.SUSPECT):
        return f"{check.outcome.value}: {check.error}"
    if check.outcome is CheckOutcome.NEW_VERSION:
        return f"new version {check.version}"
    outcome = check.outcome.value.replace("_", " ")
    # the fast path only ever confirms "unchanged"; say so, as it skipped the extractor
    return f"{outcome} (fast path)" if check.decided_by is CheckPath.FAST else outcome
