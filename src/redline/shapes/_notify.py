"""The shapes of notifications: the outbox's deliveries, the rules, and their health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import DeliveryRecord, QueuedChange, RuleInfo
from ..store import SourceHealth
from ..store.health import DeliveryHealth
from ._model import field, many, one, shape
from ._tracking import SOURCE_HEALTH

__all__ = [
    "DELIVERY",
    "DELIVERY_HEALTH",
    "QUEUED_CHANGE",
    "RULE_INFO",
    "STATUS_REPORT",
    "StatusReport",
]


@dataclass(frozen=True)
class StatusReport:
    """What ``redline status`` reports: each source's health, and the outbox's."""

    sources: Sequence[SourceHealth]
    notifications: DeliveryHealth


QUEUED_CHANGE = shape(QueuedChange, "article_id version")

DELIVERY = shape(
    DeliveryRecord,
    "id rule status digest",
    many("changes", lambda record: record.changes, QUEUED_CHANGE),
    "attempts last_error last_error_kind created_at next_attempt_at sent_at",
)

RULE_INFO = shape(
    RuleInfo,
    "name targets sources kinds min_significance digest_seconds max_per_hour",
    one("last_delivery", lambda info: info.last_delivery, DELIVERY, nullable=True),
)

DELIVERY_HEALTH = shape(
    DeliveryHealth,
    "pending retrying failed",
    field(
        "failed_rules",
        tuple[tuple[str, str | None], ...],
        lambda health: health.failed_rules,
        description="Each rule with given-up deliveries, as [name, the last error].",
    ),
    field("alarms", tuple[str, ...], lambda health: health.alarms),
)

STATUS_REPORT = shape(
    StatusReport,
    many("sources", lambda report: report.sources, SOURCE_HEALTH),
    one("notifications", lambda report: report.notifications, DELIVERY_HEALTH),
)
