"""Per-source health for ``redline status``: activity, errors, and the alarms that matter.

A site redesign that silently breaks extraction is the most common failure of
a tracker: checks keep "succeeding" while they find no article, or a version
suddenly holds a fraction of the text (held back as a ``suspect`` check, or
confirmed as a version). Both raise an alarm here. A check that found no article
is known by the kind of its error, never by its message, which may be reworded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased

from ..errors import ErrorKind
from ..model import ArticleStatus, CheckOutcome, CheckPath, DeliveryStatus
from .tables import ArticleRow, CheckRow, DeliveryRow, VersionRow

__all__ = ["DeliveryHealth", "SourceHealth", "delivery_health", "source_health"]

WINDOW = timedelta(hours=24)
FAILING_RATE = 0.5  # of checks in the window
MIN_CHECKS_FOR_ALARM = 3
SHRINK_RATIO = 0.5  # a new version with under half the previous text
REPEATED_FAILURES = 5  # consecutive failures that make an article "failing"
# The errors of a page that yields no article: none found, a limit stopped the extractor,
# or it broke on the page.
_NO_ARTICLE = tuple(
    kind.value
    for kind in (
        ErrorKind.NO_ARTICLE,
        ErrorKind.TOO_COMPLEX,
        ErrorKind.EXTRACTION_TIMEOUT,
        ErrorKind.WORKER_CRASHED,
        ErrorKind.INTERNAL,
    )
)


@dataclass(frozen=True)
class SourceHealth:
    """How one source (``None``: articles added by hand) fared in the last 24 hours."""

    source: str | None
    articles: int = 0
    active: int = 0
    stopped: int = 0
    checks: int = 0
    new_versions: int = 0
    errors: int = 0
    extraction_errors: int = 0
    failing_articles: int = 0
    shrunk_articles: tuple[int, ...] = field(default=())
    fast_checks: int = 0
    """Of ``checks``, those the fast path decided (unchanged, without the full extractor)."""

    @property
    def error_rate(self) -> float:
        return self.errors / self.checks if self.checks else 0.0

    @property
    def alarms(self) -> tuple[str, ...]:
        """What a person should look at, in words."""
        found = []
        enough_checks = self.checks >= MIN_CHECKS_FOR_ALARM
        if enough_checks and self.extraction_errors >= FAILING_RATE * self.checks:
            found.append(
                f"extraction failing: {self.extraction_errors} of {self.checks} checks "
                "found no article (site redesign? add a [[sites]] rule)"
            )
        elif enough_checks and self.error_rate >= FAILING_RATE:
            found.append(f"{self.error_rate:.0%} of checks failed")
        if self.shrunk_articles:
            ids = ", ".join(str(article_id) for article_id in self.shrunk_articles)
            found.append(f"text suddenly shrank by more than half in article(s) {ids}")
        if self.failing_articles:
            found.append(
                f"{self.failing_articles} article(s) failed {REPEATED_FAILURES}+ checks in a row"
            )
        return tuple(found)


def source_health(session: Session, now: datetime) -> list[SourceHealth]:
    """Health of every source with articles, by name (hand-added articles first)."""
    figures: dict[str | None, SourceHealth] = {}

    def add(source: str | None, **counts: Any) -> None:
        figures[source] = replace(figures.get(source, SourceHealth(source)), **counts)

    for source, articles, active, stopped, failing in session.execute(_article_counts()):
        add(source, articles=articles, active=active, stopped=stopped, failing_articles=failing)
    for source, checks, fast, new, errors, extraction in session.execute(
        _check_counts(now - WINDOW)
    ):
        add(
            source,
            checks=checks,
            fast_checks=fast,
            new_versions=new,
            errors=errors,
            extraction_errors=extraction,
        )
    for source, article_ids in _shrunk_articles(session, now - WINDOW).items():
        add(source, shrunk_articles=tuple(sorted(article_ids)))
    return sorted(figures.values(), key=lambda health: (health.source is not None, health.source))


def _article_counts() -> Select[str | None, int, int, int, int]:
    return select(
        ArticleRow.source,
        func.count(),
        func.sum(case((ArticleRow.status == ArticleStatus.ACTIVE.value, 1), else_=0)),
        func.sum(case((ArticleRow.status == ArticleStatus.STOPPED.value, 1), else_=0)),
        func.sum(case((ArticleRow.consecutive_failures >= REPEATED_FAILURES, 1), else_=0)),
    ).group_by(ArticleRow.source)


def _check_counts(since: datetime) -> Select[str | None, int, int, int, int, int]:
    is_error = CheckRow.outcome == CheckOutcome.ERROR.value
    no_article = is_error & CheckRow.error_kind.in_(_NO_ARTICLE)
    return (
        select(
            ArticleRow.source,
            func.count(),
            func.sum(case((CheckRow.decided_by == CheckPath.FAST.value, 1), else_=0)),
            func.sum(case((CheckRow.outcome == CheckOutcome.NEW_VERSION.value, 1), else_=0)),
            func.sum(case((is_error, 1), else_=0)),
            func.sum(case((no_article, 1), else_=0)),
        )
        .join(ArticleRow, ArticleRow.id == CheckRow.article_id)
        .where(CheckRow.checked_at >= since)
        .group_by(ArticleRow.source)
    )


def _shrunk_articles(session: Session, since: datetime) -> dict[str | None, set[int]]:
    previous = aliased(VersionRow)
    recent = (
        select(ArticleRow.source, VersionRow.article_id, VersionRow.paragraphs, previous.paragraphs)
        .join(ArticleRow, ArticleRow.id == VersionRow.article_id)
        .join(
            previous,
            (previous.article_id == VersionRow.article_id)
            & (previous.number == VersionRow.number - 1),
        )
        .where(VersionRow.seen_at >= since)
    )
    shrunk: dict[str | None, set[int]] = defaultdict(set)
    for source, article_id, paragraphs, before in session.execute(recent):
        if _length(paragraphs) < SHRINK_RATIO * _length(before):
            shrunk[source].add(article_id)
    held_back = (
        select(ArticleRow.source, CheckRow.article_id)
        .join(ArticleRow, ArticleRow.id == CheckRow.article_id)
        .where(CheckRow.checked_at >= since, CheckRow.outcome == CheckOutcome.SUSPECT.value)
        .distinct()
    )
    for source, article_id in session.execute(held_back):
        shrunk[source].add(article_id)
    return shrunk


def _length(paragraphs: list[str]) -> int:
    return sum(len(paragraph) for paragraph in paragraphs)


@dataclass(frozen=True)
class DeliveryHealth:
    """How the outbox stands: notifications waiting, retrying and given up."""

    pending: int = 0
    """Waiting to be sent: due, in a digest's period, or after a failed attempt."""
    retrying: int = 0
    """Of the pending, those that failed at least once."""
    failed: int = 0
    """Given up after ``[delivery] max_attempts``, or at a failure a retry cannot mend."""
    failed_rules: tuple[tuple[str, str | None], ...] = ()
    """Each rule with given-up deliveries, by name, and the last error of one of them."""

    @property
    def alarms(self) -> tuple[str, ...]:
        """What a person should look at, in words."""
        if not self.failed:
            return ()
        rules = "; ".join(
            f"rule {name!r}: {error or 'no error recorded'}" for name, error in self.failed_rules
        )
        return (
            f"{self.failed} notification(s) given up ({rules}); "
            "see `redline notify queue`, then `redline notify retry`",
        )


def delivery_health(session: Session) -> DeliveryHealth:
    pending = DeliveryRow.status == DeliveryStatus.PENDING.value
    failed = DeliveryRow.status == DeliveryStatus.FAILED.value
    counts = select(
        func.count(case((pending, 1))),
        func.count(case((pending & (DeliveryRow.attempts > 0), 1))),
        func.count(case((failed, 1))),
    )
    waiting, retrying, given_up = session.execute(counts).one()
    latest = (
        select(DeliveryRow.rule, DeliveryRow.last_error)
        .where(failed)
        .order_by(DeliveryRow.rule, DeliveryRow.created_at.desc())
    )
    last_errors: dict[str, str | None] = {}
    for rule, error in session.execute(latest):
        last_errors.setdefault(rule, error)
    return DeliveryHealth(waiting, retrying, given_up, tuple(last_errors.items()))
