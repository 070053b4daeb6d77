"""The shapes of tracking's reports: checks, polls, sources, health, re-extraction, extraction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..extract import ExtractedArticle
from ..model import CheckOutcome, CheckResult, CheckSummary, DeliveryRound, Source
from ..reextract import ReextractResult
from ..sources import PollResult
from ..store import SourceHealth
from ._model import field, many, one, shape

__all__ = [
    "CHECK_REPORT",
    "CHECK_RESULT",
    "CheckReport",
    "DELIVERY_ROUND",
    "EXTRACTED_ARTICLE",
    "EXTRACTION",
    "Extraction",
    "POLL_RESULT",
    "REEXTRACT_RESULT",
    "SOURCE",
    "SOURCE_HEALTH",
]


@dataclass(frozen=True)
class CheckReport:
    """What one ``redline check`` did: the articles it checked and the sources it polled."""

    summary: CheckSummary
    polled: Sequence[PollResult]
    next_due: datetime | None = None
    """When the next article is due after the pass; None if no article is active."""


@dataclass(frozen=True)
class Extraction:
    """What ``redline extract`` made of a page, and the [[sites]] rule it tried, as TOML."""

    article: ExtractedArticle
    rule: str | None = None


CHECK_RESULT = shape(CheckResult, "id=article_id url outcome version error error_kind")

POLL_RESULT = shape(PollResult, "source outcome added error")

DELIVERY_ROUND = shape(DeliveryRound, "sent retrying given_up")


def _count(*outcomes: CheckOutcome) -> Callable[[CheckReport], int]:
    """How many of a report's articles came out as one of ``outcomes``."""
    return lambda report: sum(report.summary.count(outcome) for outcome in outcomes)


CHECK_REPORT = shape(
    CheckReport,
    field("checked", int, lambda report: len(report.summary.results)),
    field("new_versions", int, _count(CheckOutcome.NEW_VERSION)),
    # a 304 is unchanged too; "not_modified" says how many of them were
    field("unchanged", int, _count(CheckOutcome.UNCHANGED, CheckOutcome.NOT_MODIFIED)),
    field("not_modified", int, _count(CheckOutcome.NOT_MODIFIED)),
    field("errors", int, _count(CheckOutcome.ERROR)),
    field("suspect", int, _count(CheckOutcome.SUSPECT)),
    many("results", lambda report: report.summary.results, CHECK_RESULT),
    many("sources", lambda report: report.polled, POLL_RESULT),
    one("notifications", lambda report: report.summary.notifications, DELIVERY_ROUND),
    field(
        "next_due",
        datetime | None,
        lambda report: report.next_due,
        description="When the next article is due; null if none is being checked.",
    ),
)

SOURCE_HEALTH = shape(
    SourceHealth,
    "source articles active stopped checks_24h=checks fast_checks_24h=fast_checks",
    "new_versions_24h=new_versions errors_24h=errors",
    field("error_rate_24h", float, lambda health: round(health.error_rate, 3)),
    field("alarms", tuple[str, ...], lambda health: health.alarms),
)

SOURCE = shape(
    Source,
    "name feed_url include exclude added_at last_polled next_poll consecutive_failures",
    "last_error articles=article_count active=active_count",
)

REEXTRACT_RESULT = shape(
    ReextractResult, "article_id url archived repaired failed unarchived redundant"
)

EXTRACTED_ARTICLE = shape(
    ExtractedArticle,
    "title byline published paragraphs method extractor_version canonical_url",
    field("text", str, lambda article: article.text),
)

EXTRACTION = shape(
    Extraction,
    EXTRACTED_ARTICLE.through(Extraction, lambda extraction: extraction.article),
    field("rule", str, lambda extraction: extraction.rule, optional=True),
)
