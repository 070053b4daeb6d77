"""The outbox's sending side: due deliveries leased, read back, and their attempts recorded.

Senders lease due deliveries (:meth:`OutboxStore.lease_due`): on PostgreSQL rows
another worker is leasing are skipped (``FOR UPDATE SKIP LOCKED``) and a dead
worker's lease is taken once it has run out; a sender that knows no one else sends
(SQLite's run lock) takes a held lease at once. Queuing is store/outbox.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Select, func, or_, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ..model import Article, ChangeCard, DeliveryRecord, DeliveryStatus, QueuedChange, Version
from .cards import to_card
from .health import DeliveryHealth, delivery_health
from .leases import take_rows
from .rows import article_query, to_article, to_version
from .tables import ArticleRow, ChangeCardRow, DeliveryChangeRow, DeliveryRow, VersionRow

__all__ = ["DeliveryContent", "OutboxStore"]

_PENDING = DeliveryStatus.PENDING.value
_CHUNK = 500
"""Ids per ``IN (...)`` list: well within every backend's limits."""


@dataclass(frozen=True)
class DeliveryContent:
    """A change a leased delivery tells of, read back to render its message."""

    article: Article
    old: Version | None
    new: Version
    card: ChangeCard | None


class OutboxStore:
    """The sending side of the outbox; every method is one transaction.

    It shares the engine, and so the database, of a :class:`~redline.store.Store`.
    """

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def lease_due(
        self,
        worker: str,
        now: datetime,
        lease: timedelta,
        *,
        limit: int,
        take_held: bool = False,
        skip_rules: Collection[str] = (),
    ) -> list[DeliveryRecord]:
        """Lease the pending deliveries due by ``now`` for ``worker``, oldest first (a
        rule's changes go out in order), but those of ``skip_rules``.

        A lease held by another worker is skipped until it runs out, unless
        ``take_held``: the caller knows no other sender is alive (SQLite's run lock).
        """
        due = select(DeliveryRow.id).where(
            DeliveryRow.status == _PENDING, DeliveryRow.next_attempt_at <= now
        )
        if skip_rules:
            due = due.where(DeliveryRow.rule.not_in(skip_rules))
        if not take_held:
            due = due.where(or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until < now))
        due = due.order_by(DeliveryRow.created_at, DeliveryRow.id).limit(limit)
        held = {"lease_owner": worker, "lease_until": now + lease}
        with self._sessions.begin() as session:
            leased = take_rows(session, DeliveryRow, due, held)
        records = self.deliveries(leased)
        return sorted(records, key=lambda record: (record.created_at, record.id))

    def deliveries(self, ids: Sequence[str]) -> list[DeliveryRecord]:
        with self._sessions() as session:
            rows = session.scalars(_with_changes().where(DeliveryRow.id.in_(ids)))
            return _records(session, rows)

    def contents(self, delivery_id: str) -> list[DeliveryContent]:
        """The changes a delivery tells of, oldest first, each with the version before it."""
        with self._sessions() as session:
            versions = session.scalars(
                select(VersionRow)
                .join(DeliveryChangeRow, DeliveryChangeRow.version_id == VersionRow.id)
                .where(DeliveryChangeRow.delivery_id == delivery_id)
                .order_by(VersionRow.seen_at, VersionRow.id)
            )
            return [_content(session, version) for version in versions]

    def record_sent(self, delivery_id: str, now: datetime) -> None:
        """The delivery arrived: sent, whoever holds its lease (it was sent at least once)."""
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id)
                .values(
                    status=DeliveryStatus.SENT.value,
                    attempts=DeliveryRow.attempts + 1,
                    sent_at=now,
                    next_attempt_at=None,
                    lease_owner=None,
                    lease_until=None,
                )
            )

    def record_failure(
        self,
        delivery_id: str,
        worker: str,
        *,
        error: str,
        kind: str,
        retry_at: Callable[[int], datetime | None],
    ) -> DeliveryStatus:
        """An attempt of ``worker``'s failed; ``retry_at(attempts)`` says when to try again
        (None: give up). Returns the delivery's status now.

        Nothing is written if ``worker``'s lease was taken over meanwhile: the other
        worker's attempt is the one that counts.
        """
        with self._sessions.begin() as session:
            row = session.get(DeliveryRow, delivery_id, with_for_update=True)
            if row is None or row.lease_owner != worker:
                return DeliveryStatus.PENDING if row is None else DeliveryStatus(row.status)
            row.attempts += 1
            row.last_error, row.last_error_kind = error, kind
            row.next_attempt_at = retry_at(row.attempts)
            if row.next_attempt_at is None:
                row.status = DeliveryStatus.FAILED.value
            row.lease_owner = row.lease_until = None
            return DeliveryStatus(row.status)

    def release(self, delivery_ids: Sequence[str], worker: str) -> None:
        """Give up ``worker``'s leases on deliveries it did not get to send."""
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id.in_(delivery_ids), DeliveryRow.lease_owner == worker)
                .values(lease_owner=None, lease_until=None)
            )

    def forget(self, delivery_id: str) -> None:
        """Delete a delivery left with nothing to tell (its articles were removed)."""
        with self._sessions.begin() as session:
            row = session.get(DeliveryRow, delivery_id)
            if row is not None:
                session.delete(row)

    def make_due(self, now: datetime) -> int:
        """Make every pending and given-up delivery pending and due at ``now``, whatever its
        back-off or digest period; how many there are."""
        waiting = DeliveryRow.status.in_([_PENDING, DeliveryStatus.FAILED.value])
        with self._sessions.begin() as session:
            due = session.scalars(
                update(DeliveryRow)
                .where(waiting)
                .values(status=_PENDING, next_attempt_at=now)
                .returning(DeliveryRow.id)
            )
            return len(list(due))

    def queue(self) -> list[DeliveryRecord]:
        """The pending and failed deliveries, oldest first."""
        waiting = DeliveryRow.status.in_([_PENDING, DeliveryStatus.FAILED.value])
        query = _with_changes().where(waiting).order_by(DeliveryRow.created_at, DeliveryRow.id)
        with self._sessions() as session:
            return _records(session, session.scalars(query))

    def last_deliveries(self, rules: Sequence[str]) -> dict[str, DeliveryRecord]:
        """Each rule's latest delivery (by when it was queued), by rule name."""
        latest = (
            select(DeliveryRow.rule, func.max(DeliveryRow.created_at).label("created_at"))
            .where(DeliveryRow.rule.in_(rules))
            .group_by(DeliveryRow.rule)
            .subquery()
        )
        query = _with_changes().join(
            latest,
            (latest.c.rule == DeliveryRow.rule) & (latest.c.created_at == DeliveryRow.created_at),
        )
        with self._sessions() as session:
            return {record.rule: record for record in _records(session, session.scalars(query))}

    def health(self) -> DeliveryHealth:
        """How many deliveries are pending, retrying and given up (``redline status``)."""
        with self._sessions() as session:
            return delivery_health(session)


def _with_changes() -> Select[DeliveryRow]:
    return select(DeliveryRow).options(selectinload(DeliveryRow.changes))


def _records(session: Session, rows: Iterable[DeliveryRow]) -> list[DeliveryRecord]:
    """The deliveries as values, each change named by article and version number.

    The numbers of all the deliveries' versions are read in one query, so a long queue
    (a receiver down for a day) costs two queries, not one per delivery.
    """
    rows = list(rows)
    version_ids = {change.version_id for row in rows for change in row.changes}
    numbers: dict[int, tuple[datetime, int, QueuedChange]] = {}
    for start in range(0, len(version_ids), _CHUNK):
        chunk = list(version_ids)[start : start + _CHUNK]
        query = select(VersionRow.id, VersionRow.seen_at, VersionRow.article_id, VersionRow.number)
        for version_id, seen_at, article_id, number in session.execute(
            query.where(VersionRow.id.in_(chunk))
        ):
            numbers[version_id] = (seen_at, version_id, QueuedChange(article_id, number))
    return [_record(row, numbers) for row in rows]


def _record(
    row: DeliveryRow, numbers: Mapping[int, tuple[datetime, int, QueuedChange]]
) -> DeliveryRecord:
    found = sorted(numbers[change.version_id] for change in row.changes)  # oldest first
    return DeliveryRecord(
        id=row.id,
        rule=row.rule,
        status=DeliveryStatus(row.status),
        digest=row.digest,
        changes=tuple(change for _, _, change in found),
        attempts=row.attempts,
        last_error=row.last_error,
        last_error_kind=row.last_error_kind,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
    )


def _content(session: Session, version: VersionRow) -> DeliveryContent:
    found = session.execute(article_query().where(ArticleRow.id == version.article_id)).one()
    article = to_article(*found)
    before = session.scalar(
        select(VersionRow).where(
            VersionRow.article_id == version.article_id, VersionRow.number == version.number - 1
        )
    )
    card = session.get(ChangeCardRow, version.id)
    return DeliveryContent(
        article=article,
        old=None if before is None else to_version(before),
        new=to_version(version),
        card=None if card is None else to_card(card),
    )
