"""The JSON shapes of redline's values: one definition each.

The CLI's ``--json``, the web API and the feeds' metadata all build their
documents here, so one value always has one shape.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from .extract import ExtractedArticle
from .model import (
    Article,
    CheckOutcome,
    CheckRecord,
    CheckResult,
    CheckSummary,
    Source,
    Version,
)
from .reextract import ReextractResult
from .sources import PollResult
from .store import SourceHealth

__all__ = [
    "article_json",
    "article_summary",
    "check_json",
    "extracted_json",
    "health_json",
    "iso",
    "poll_json",
    "reextract_json",
    "source_json",
]


def iso(moment: datetime | None) -> str | None:
    """A time as ISO 8601; None as null."""
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
        "first_seen": iso(article.first_seen),
        "last_checked": iso(article.last_checked),
        "last_changed": iso(article.last_changed),
        "next_check": iso(article.next_check),
        "status": article.status.value,
    }


def article_json(
    article: Article, versions: list[Version], checks: list[CheckRecord]
) -> dict[str, Any]:
    """The fields of ``redline show --json``."""
    return article_summary(article) | {
        "versions": [
            {"number": v.number, "seen_at": iso(v.seen_at), "title": v.title} for v in versions
        ],
        "recent_checks": [
            {
                "checked_at": iso(c.checked_at),
                "outcome": c.outcome.value,
                "http_status": c.http_status,
                "error": c.error,
                "error_kind": c.error_kind,
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
        "error_kind": result.error_kind,
    }


def source_json(source: Source) -> dict[str, Any]:
    """The fields of ``redline source list --json``."""
    return {
        "name": source.name,
        "feed_url": source.feed_url,
        "include": source.include,
        "exclude": source.exclude,
        "added_at": iso(source.added_at),
        "last_polled": iso(source.last_polled),
        "next_poll": iso(source.next_poll),
        "consecutive_failures": source.consecutive_failures,
        "last_error": source.last_error,
        "articles": source.article_count,
        "active": source.active_count,
    }


def reextract_json(result: ReextractResult) -> dict[str, Any]:
    """One article's entry in ``redline reextract --json``."""
    return dataclasses.asdict(result)


def extracted_json(article: ExtractedArticle) -> dict[str, Any]:
    """What ``redline extract --json`` prints of an extracted article."""
    return dataclasses.asdict(article) | {"text": article.text}
