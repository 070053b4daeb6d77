"""Sending the outbox: each due notification rendered, sent by its rule's sender, recorded.

The store queues a delivery of each new version for every ``[[notify]]`` rule that
:func:`matcher` finds, in the transaction that stores the version (store/outbox.py).
An :class:`Outbox` round leases the due deliveries, renders each (the change read
back from the store, with the version before it: :func:`redline.notify.change_event`)
and sends it with its rule's sender. A delivery that arrived is ``sent``; one that
failed is tried again after ``[delivery]``'s back-off, doubling each time, and given
up (``failed``, an alarm in ``redline status``) after ``max_attempts``, or at once when
trying again cannot mend it (a refused private address, a template that fails, a rule
gone from the config): ``redline notify retry`` tries those after the config is fixed.

Delivery is at least once: a sender that dies after sending but before recording
leaves a delivery the next round sends again, with the same id, by which a webhook
receiver drops the repeat. One rule's failures never hold up another's: the rules
send side by side, and a rule whose delivery failed sends no more this round (its
receiver is likely down; the next ones wait for their turn rather than each burning
an attempt). Nothing but a database failure raises out of a round.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import apprise
import httpx

from .config import Config
from .errors import DeliveryError, ErrorKind
from .fetch import Resolver
from .model import ChangeKind, Clock, DeliveryRecord, DeliveryRound, DeliveryStatus, RuleInfo
from .notify import ChangeEvent, Delivery, Rule, Sender, change_event, make_sender, sample_event
from .notify._payload import new_delivery_id
from .store.deliveries import DeliveryContent, OutboxStore
from .store.outbox import Matcher, StoredChange

__all__ = ["Outbox", "matcher", "rule_info"]

log = logging.getLogger("redline")

ROUND_SIZE = 20
"""Deliveries leased at a time: a round's lease must outlast sending them all."""
_LEASE_MARGIN = timedelta(minutes=1)
_GIVE_UP_AT_ONCE = frozenset({ErrorKind.DELIVERY_REFUSED, ErrorKind.TEMPLATE, ErrorKind.CONFIG})
"""Failures another attempt with the same config cannot mend."""


def matcher(rules: Sequence[Rule]) -> Matcher:
    """What the store asks which of ``rules`` tell of each version it stores."""

    def match(change: StoredChange) -> list[Rule]:
        version = change.version
        event = ChangeEvent(
            change.article_id,
            change.url,
            change.source,
            version.title,
            version.number,
            version.seen_at,
            change.card,
        )
        return [rule for rule in rules if rule.matches(event)]

    return match


class Outbox:
    """Sends the due deliveries of one database with the config's rules."""

    def __init__(
        self,
        store: OutboxStore,
        config: Config,
        *,
        worker: str,
        clock: Clock,
        take_held: bool,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``take_held``: no other sender is alive (SQLite's run lock is held), so a lease
        another worker holds is a dead one's, taken at once."""
        self._store, self._config = store, config
        self._worker, self._clock, self._take_held = worker, clock, take_held
        self._resolver, self._transport = resolver, transport
        self._rules = {rule.name: rule for rule in config.notify}

    async def send(self) -> DeliveryRound:
        """Send the due deliveries, round after round until none is left.

        A rule whose delivery failed for a while (its receiver is down) sends no more
        until the next call: its other deliveries wait, untried, and the rounds go on
        with the other rules', so no rule's backlog holds up another's.
        """
        done, failing = DeliveryRound(), set[str]()
        while leased := self._store.lease_due(
            self._worker,
            self._clock(),
            self._lease(),
            limit=ROUND_SIZE,
            take_held=self._take_held,
            skip_rules=failing,
        ):
            for name, result in (await self._send_round(leased)).items():
                done += result
                if result.retrying:
                    failing.add(name)
        return done

    async def send_test(self, rule: Rule) -> None:
        """Send ``rule`` a sample change now, past the outbox.

        Raises:
            DeliveryError: it was not delivered.
        """
        sender = self._sender(rule)
        try:
            await sender.send(
                Delivery(new_delivery_id(), (sample_event(self._clock()),), test=True)
            )
        finally:
            await sender.aclose()

    def _lease(self) -> timedelta:
        return timedelta(seconds=self._config.delivery.timeout * ROUND_SIZE) + _LEASE_MARGIN

    async def _send_round(self, leased: Sequence[DeliveryRecord]) -> dict[str, DeliveryRound]:
        """Send each rule's deliveries, the rules side by side; what each rule's came to."""
        by_rule: dict[str, list[DeliveryRecord]] = defaultdict(list)
        for record in leased:
            by_rule[record.rule].append(record)
        rounds = await asyncio.gather(
            *(self._send_rule(name, records) for name, records in by_rule.items())
        )
        return dict(zip(by_rule, rounds, strict=True))

    async def _send_rule(self, name: str, records: Sequence[DeliveryRecord]) -> DeliveryRound:
        """Send one rule's deliveries in order, until one fails for a while."""
        rule = self._rules.get(name)
        if rule is None:
            why = f"no [[notify]] rule named {name!r} in the config any more"
            for record in records:
                self._failed(record, why, ErrorKind.CONFIG)
            return DeliveryRound(given_up=len(records))
        done = DeliveryRound()
        sender = self._sender(rule)
        try:
            for position, record in enumerate(records):
                status = await self._send_one(sender, record)
                done += _tally(status)
                if status is DeliveryStatus.PENDING:  # its receiver is down: the rest wait
                    waiting = [later.id for later in records[position + 1 :]]
                    self._store.release(waiting, self._worker)
                    break
        finally:
            await sender.aclose()
        return done

    async def _send_one(self, sender: Sender, record: DeliveryRecord) -> DeliveryStatus | None:
        """Send one delivery and record how it went; None: it had nothing left to tell."""
        contents = self._store.contents(record.id)
        if not contents:
            self._store.forget(record.id)
            return None
        try:
            events = tuple(self._event(content) for content in contents)
            await sender.send(Delivery(record.id, events))
        except DeliveryError as exc:
            return self._failed(record, str(exc), exc.kind)
        except Exception as exc:  # a bug rendering or sending: recorded, retried, never raised
            log.debug("delivery %s failed", record.id, exc_info=exc)
            why = f"notify rule {record.rule!r}: {type(exc).__name__}: {exc}"
            return self._failed(record, why, ErrorKind.INTERNAL)
        self._store.record_sent(record.id, self._clock())
        log.info("notify rule %r: sent %s", record.rule, record.id)
        return DeliveryStatus.SENT

    def _failed(self, record: DeliveryRecord, error: str, kind: ErrorKind) -> DeliveryStatus:
        settings = self._config.delivery
        now = self._clock()

        def retry_at(attempts: int) -> datetime | None:
            if kind in _GIVE_UP_AT_ONCE or attempts >= settings.max_attempts:
                return None
            return now + settings.retry_delay(attempts)

        status = self._store.record_failure(
            record.id, self._worker, error=error, kind=kind.value, retry_at=retry_at
        )
        if status is DeliveryStatus.FAILED:  # a person should look: said off the service too
            log.warning("%s (given up)", error)
        else:
            log.info("%s (will retry)", error)
        return status

    def _event(self, content: DeliveryContent) -> ChangeEvent:
        base_url = self._config.web.base_url
        return change_event(
            content.article, content.old, content.new, content.card, base_url=base_url
        )

    def _sender(self, rule: Rule) -> Sender:
        return make_sender(
            rule,
            self._config.delivery,
            allow_private_networks=self._config.fetch.allow_private_networks,
            resolver=self._resolver,
            transport=self._transport,
        )


def _tally(status: DeliveryStatus | None) -> DeliveryRound:
    if status is DeliveryStatus.SENT:
        return DeliveryRound(sent=1)
    if status is DeliveryStatus.PENDING:
        return DeliveryRound(retrying=1)
    if status is DeliveryStatus.FAILED:
        return DeliveryRound(given_up=1)
    return DeliveryRound()


def rule_info(rule: Rule, last: DeliveryRecord | None) -> RuleInfo:
    """``rule`` as ``redline notify list`` shows it, its targets' secrets masked."""
    return RuleInfo(
        name=rule.name,
        targets=tuple(_masked(url) for url in rule.urls) or (_masked_webhook(rule),),
        sources=None if rule.sources is None else tuple(sorted(rule.sources)),
        kinds=None
        if rule.kinds is None
        else tuple(kind for kind in ChangeKind if kind in rule.kinds),
        min_significance=rule.min_significance,
        digest_seconds=None if rule.digest is None else rule.digest.total_seconds(),
        max_per_hour=rule.max_per_hour,
        last_delivery=last,
    )


def _masked(url: str) -> str:
    """An apprise URL as apprise shows it in private: passwords and tokens starred."""
    service = apprise.Apprise.instantiate(url)
    shown = service.url(privacy=True) if service is not None else None  # type: ignore[no-untyped-call]
    return shown if isinstance(shown, str) else f"{urlsplit(url).scheme}://…"


def _masked_webhook(rule: Rule) -> str:
    """A webhook's scheme and host: its path and query often hold a token."""
    assert rule.webhook is not None
    parts = urlsplit(rule.webhook)
    port = f":{parts.port}" if parts.port else ""
    hidden = "/…" if parts.path.strip("/") or parts.query else "/"
    return f"{parts.scheme}://{parts.hostname}{port}{hidden}"
