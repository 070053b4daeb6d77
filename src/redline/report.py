"""Plain-data and plain-text views of redline's values, for the CLI and the web."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .model import (
    Article,
    ArticleStatus,
    CheckOutcome,
    CheckRecord,
    CheckResult,
    CheckSummary,
    Version,
)
from .sources import PollResult
from .store import SourceHealth
from .timefmt import approximately, format_time

__all__ = [
    "article_json",
    "article_summary",
    "check_json",
    "describe_article",
    "describe_schedule",
    "health_json",
    "poll_json",
]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def article_summary(article: Article) -> dict[str, Any]:
    """The fields of ``redline list --json``."""
    return {
        "id": article.id,
        "url": article.url,
        "final_url": article.final_url,
        "source": article.source,
        "title": article.title,
        "version_count": article.version_count,
        "first_seen": _iso(article.first_seen),
        "last_checked": _iso(article.last_checked),
        "last_changed": _iso(article.last_changed),
        "next_check": _iso(article.next_check),
        "status": article.status.value,
    }


def article_json(
    article: Article, versions: list[Version], checks: list[CheckRecord]
) -> dict[str, Any]:
    """The fields of ``redline show --json``."""
    return article_summary(article) | {
        "versions": [
            {"number": v.number, "seen_at": _iso(v.seen_at), "title": v.title} for v in versions
        ],
        "recent_checks": [
            {
                "checked_at": _iso(c.checked_at),
                "outcome": c.outcome.value,
                "http_status": c.http_status,
                "error": c.error,
                "duration": round(c.duration, 3),
                "bytes": c.bytes,
                "version": c.version,
            }
            for c in checks
        ],
    }


def health_json(health: SourceHealth) -> dict[str, Any]:
    """One source's entry in ``redline status --json``."""
    return {
        "source": health.source,
        "articles": health.articles,
        "active": health.active,
        "stopped": health.stopped,
        "checks_24h": health.checks,
        "new_versions_24h": health.new_versions,
        "errors_24h": health.errors,
        "error_rate_24h": round(health.error_rate, 3),
        "alarms": list(health.alarms),
    }


def poll_json(result: PollResult) -> dict[str, Any]:
    """One source's poll in ``redline check --json``."""
    return {
        "source": result.source,
        "outcome": result.outcome.value,
        "added": result.added,
        "error": result.error,
    }


def check_json(summary: CheckSummary) -> dict[str, Any]:
    """The document ``redline check --json`` prints."""
    not_modified = summary.count(CheckOutcome.NOT_MODIFIED)
    return {
        "checked": len(summary.results),
        "new_versions": summary.count(CheckOutcome.NEW_VERSION),
        # a 304 is unchanged too; "not_modified" says how many of them were
        "unchanged": summary.count(CheckOutcome.UNCHANGED) + not_modified,
        "not_modified": not_modified,
        "errors": summary.count(CheckOutcome.ERROR),
        "suspect": summary.count(CheckOutcome.SUSPECT),
        "results": [_result_json(result) for result in summary.results],
    }


def _result_json(result: CheckResult) -> dict[str, Any]:
    return {
        "id": result.article_id,
        "url": result.url,
        "outcome": result.outcome.value,
        "version": result.version,
        "error": result.error,
    }


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
