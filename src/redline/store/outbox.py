"""The outbox: notifications queued with the versions they tell of.

:func:`queue_deliveries` runs inside the transaction that stores a version (see
``Store._record_check``), so a version and its notifications are stored together or
not at all: a crash between storing and sending loses nothing, and the next sender
sends what is queued. Which rules a change concerns is asked of a :data:`Matcher`
handed in from above (redline.outbox, over the ``[[notify]]`` rules): the store knows
nothing of rules but their name, digest period and rate limit.

A rule with a ``digest`` period folds its changes into one open delivery, due when
the period ends; a rule over its ``max_per_hour`` folds the overflow the same way,
due when the hour allows another message, so nothing is dropped. Sending is
store/deliveries.py's.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..model import ChangeCard, DeliveryStatus, Version
from .rows import to_version
from .tables import ArticleRow, DeliveryChangeRow, DeliveryRow, VersionRow

__all__ = ["Matcher", "OutboxRule", "StoredChange", "queue_deliveries"]

log = logging.getLogger("redline")

_HOUR = timedelta(hours=1)
_PENDING = DeliveryStatus.PENDING.value


class OutboxRule(Protocol):
    """What the outbox needs of a ``[[notify]]`` rule (:class:`redline.notify.Rule` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def digest(self) -> timedelta | None: ...

    @property
    def max_per_hour(self) -> int | None: ...


@dataclass(frozen=True)
class StoredChange:
    """A version just stored, as a :data:`Matcher` sees it: enough to match a rule."""

    article_id: int
    url: str
    source: str | None
    version: Version
    card: ChangeCard | None
    """None for version 0 (a new article), or when the classifier failed."""


Matcher = Callable[[StoredChange], Sequence[OutboxRule]]
"""The rules that tell of a change just stored."""


def queue_deliveries(
    session: Session,
    match: Matcher,
    article: ArticleRow,
    version: VersionRow,
    card: ChangeCard | None,
) -> int:
    """Queue a delivery of ``version`` for each rule ``match`` finds; how many rules did.

    Works in the caller's transaction. A matcher that fails (a bug) queues nothing and
    is logged: the version must be stored whatever the notifications do.
    """
    change = StoredChange(article.id, article.url, article.source, to_version(version), card)
    try:
        rules = match(change)
    except Exception:
        log.exception("no notifications for version %d of article %d", version.number, article.id)
        return 0
    for rule in rules:
        delivery = _delivery_for(session, rule, version.seen_at)
        session.add(DeliveryChangeRow(delivery_id=delivery.id, version_id=version.id))
    return len(rules)


def _delivery_for(session: Session, rule: OutboxRule, now: datetime) -> DeliveryRow:
    """The delivery a change of ``rule`` seen at ``now`` joins: its own, or a digest's."""
    if rule.digest is not None:
        return _open_digest(session, rule.name, now) or _new_delivery(
            session, rule.name, now, due=now + rule.digest, digest=True
        )
    if rule.max_per_hour is not None:
        free_at = _rate_free_at(session, rule.name, rule.max_per_hour, now)
        if free_at is not None:  # over the rate: fold into the overflow, sent when it frees
            return _open_digest(session, rule.name, now) or _new_delivery(
                session, rule.name, now, due=free_at, digest=True
            )
    return _new_delivery(session, rule.name, now, due=now, digest=False)


def _open_digest(session: Session, rule: str, now: datetime) -> DeliveryRow | None:
    """The rule's digest still gathering changes: not yet due, never tried, not leased.

    Locked (PostgreSQL), so a sender cannot lease it between this read and the change
    joining it: the sender waits, and then sends the change too.
    """
    query = (
        select(DeliveryRow)
        .where(
            DeliveryRow.rule == rule,
            DeliveryRow.digest.is_(True),
            DeliveryRow.status == _PENDING,
            DeliveryRow.attempts == 0,
            DeliveryRow.lease_owner.is_(None),
            DeliveryRow.next_attempt_at > now,
        )
        .order_by(DeliveryRow.created_at)
        .limit(1)
        .with_for_update()
    )
    return session.scalars(query).first()


def _rate_free_at(session: Session, rule: str, max_per_hour: int, now: datetime) -> datetime | None:
    """When ``rule`` may send again if it sent ``max_per_hour`` messages in the last hour;
    None if it may now."""
    count, oldest = session.execute(
        select(func.count(), func.min(DeliveryRow.created_at)).where(
            DeliveryRow.rule == rule, DeliveryRow.created_at > now - _HOUR
        )
    ).one()
    return None if count < max_per_hour else oldest + _HOUR


def _new_delivery(
    session: Session, rule: str, now: datetime, *, due: datetime, digest: bool
) -> DeliveryRow:
    row = DeliveryRow(
        id=str(uuid.uuid4()),  # random: ids from two redline databases never meet
        rule=rule,
        status=_PENDING,
        digest=digest,
        attempts=0,
        created_at=now,
        next_attempt_at=due,
    )
    session.add(row)
    return row
