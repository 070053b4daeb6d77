"""The shapes of tracking's reports: checks, polls, sources, health, re-extraction, extraction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..extract import ExtractedArticle
from ..model import CheckOutcome, CheckResult, CheckSummary, Source
from ..reextract import ReextractResult
from ..sources import PollOutcome, PollResult
from ..store import SourceHealth
from ._model import ID, Shape, array, choice, integer, integers, many, number, string, strings, time

__all__ = [
    "CHECK_REPORT",
    "CHECK_RESULT",
    "EXTRACTED_ARTICLE",
    "EXTRACTION",
    "POLL_RESULT",
    "REEXTRACT_RESULT",
    "SOURCE",
    "SOURCE_HEALTH",
    "CheckReport",
    "Extraction",
]


@dataclass(frozen=True)
class CheckReport:
    """What one ``redline check`` did: the articles it checked and the sources it polled."""

    summary: CheckSummary
    polled: Sequence[PollResult]


@dataclass(frozen=True)
class Extraction:
    """What ``redline extract`` made of a page, and the [[sites]] rule it tried, as TOML."""

    article: ExtractedArticle
    rule: str | None = None


CHECK_RESULT = Shape[CheckResult](
    "CheckResult",
    "What checking one article found.",
    [
        integer("id", lambda r: r.article_id),
        string("url", lambda r: r.url),
        choice("outcome", lambda r: r.outcome, CheckOutcome),
        integer("version", lambda r: r.version, nullable=True),
        string("error", lambda r: r.error, nullable=True),
    ],
)

POLL_RESULT = Shape[PollResult](
    "PollResult",
    "What polling one source's feed found.",
    [
        string("source", lambda p: p.source),
        choice("outcome", lambda p: p.outcome, PollOutcome),
        integer("added", lambda p: p.added),
        string("error", lambda p: p.error, nullable=True),
    ],
)


def _count(outcome: CheckOutcome, *more: CheckOutcome) -> Callable[[CheckReport], int]:
    """How many of a report's results came out as ``outcome`` or one of ``more``."""
    return lambda report: sum(report.summary.count(kind) for kind in (outcome, *more))


CHECK_REPORT = Shape[CheckReport](
    "CheckReport",
    "The counts of a check pass, each article's result, each source's poll: `check --json`.",
    [
        integer("checked", lambda r: len(r.summary.results)),
        integer("new_versions", _count(CheckOutcome.NEW_VERSION)),
        # a 304 is unchanged too; "not_modified" says how many of them were
        integer("unchanged", _count(CheckOutcome.UNCHANGED, CheckOutcome.NOT_MODIFIED)),
        integer("not_modified", _count(CheckOutcome.NOT_MODIFIED)),
        integer("errors", _count(CheckOutcome.ERROR)),
        integer("suspect", _count(CheckOutcome.SUSPECT)),
        many("results", lambda r: r.summary.results, CHECK_RESULT),
        many("sources", lambda r: r.polled, POLL_RESULT),
    ],
)

SOURCE_HEALTH = Shape[SourceHealth](
    "SourceHealth",
    "How one source (null: articles added by hand) fared in 24 hours: `status --json`.",
    [
        string("source", lambda h: h.source, nullable=True),
        integer("articles", lambda h: h.articles),
        integer("active", lambda h: h.active),
        integer("stopped", lambda h: h.stopped),
        integer("checks_24h", lambda h: h.checks),
        integer("new_versions_24h", lambda h: h.new_versions),
        integer("errors_24h", lambda h: h.errors),
        number("error_rate_24h", lambda h: round(h.error_rate, 3)),
        strings("alarms", lambda h: h.alarms),
    ],
)

SOURCE = Shape[Source](
    "Source",
    "A polled feed and how its polling goes: `redline source list --json`.",
    [
        string("name", lambda s: s.name),
        string("feed_url", lambda s: s.feed_url),
        string("include", lambda s: s.include, nullable=True),
        string("exclude", lambda s: s.exclude, nullable=True),
        time("added_at", lambda s: s.added_at),
        time("last_polled", lambda s: s.last_polled, nullable=True),
        time("next_poll", lambda s: s.next_poll, nullable=True),
        integer("consecutive_failures", lambda s: s.consecutive_failures),
        string("last_error", lambda s: s.last_error, nullable=True),
        integer("articles", lambda s: s.article_count),
        integer("active", lambda s: s.active_count),
    ],
)

_FAILURE = {
    "type": "array",
    "description": "A version's number and why its page yields no article.",
    "prefixItems": [ID, {"type": "string"}],
    "minItems": 2,
    "maxItems": 2,
}

REEXTRACT_RESULT = Shape[ReextractResult](
    "ReextractResult",
    "What re-extracting one article's archived pages did: `redline reextract --json`.",
    [
        integer("article_id", lambda r: r.article_id),
        string("url", lambda r: r.url),
        integer("archived", lambda r: r.archived),
        integers("repaired", lambda r: r.repaired),
        array("failed", _FAILURE, lambda r: [list(failure) for failure in r.failed]),
        integer("unarchived", lambda r: r.unarchived),
        integers("redundant", lambda r: r.redundant),
    ],
)

EXTRACTED_ARTICLE = Shape[ExtractedArticle](
    "ExtractedArticle",
    "An article as extracted from one render of its page.",
    [
        string("title", lambda a: a.title),
        string("byline", lambda a: a.byline, nullable=True),
        string("published", lambda a: a.published, nullable=True),
        strings("paragraphs", lambda a: a.paragraphs),
        string("method", lambda a: a.method),
        string("extractor_version", lambda a: a.extractor_version),
        string("canonical_url", lambda a: a.canonical_url, nullable=True),
        string("text", lambda a: a.text),
    ],
)

EXTRACTION = Shape[Extraction](
    "Extraction",
    "What the extractor makes of a page, and the rule tried: `redline extract --json`.",
    [
        *EXTRACTED_ARTICLE.through(Extraction, lambda e: e.article),
        string("rule", lambda e: e.rule, optional=True, description="The rule tried, as TOML."),
    ],
)
