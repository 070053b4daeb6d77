"""The outbox in the library, on a clock moved by hand: queuing with the version, digests
and the rate limit, back-off and giving up, one rule's failure beside another's success,
and the leases that keep two workers from sending one delivery at once."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from handclock import Clock
from localsite import LocalSite
from redline import Redline
from redline.config import Config, config_from_dict
from redline.demo import FIRST_EDITION, Story, render_page
from redline.model import DeliveryStatus
from redline.outbox import ROUND_SIZE
from redline.service import run_service
from redline.store.deliveries import OutboxStore
from redline.store.tables import DeliveryChangeRow, DeliveryRow, VersionRow
from redlines import RedlineFactory
from smtpserver import free_port
from webhookreceiver import Receiver, webhook_receiver

BRIDGE = FIRST_EDITION[0]
LEAD, COST, FERRY = BRIDGE.paragraphs


def costing(millions: int) -> Story:
    """The bridge story, its cost put at ``millions``."""
    paragraphs = (LEAD, COST.replace("410", str(millions)), FERRY)
    return Story(BRIDGE.slug, BRIDGE.headline, BRIDGE.byline, paragraphs)


def config(*rules: dict[str, Any], delivery: dict[str, Any] | None = None) -> Config:
    return config_from_dict(
        {
            "fetch": {"allow_private_networks": True, "timeout": 2, "per_host_delay": 0},
            "notify": list(rules),
            "delivery": delivery or {},
        }
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


class Newsroom:
    """One article on the local site, edited and checked on the test's clock."""

    def __init__(self, redline: Redline, site: LocalSite, clock: Clock) -> None:
        self.redline, self.site, self.clock = redline, site, clock
        self.edits = 0
        site.page("/bridge", render_page(BRIDGE, FIRST_EDITION, 1))
        redline.add([site.url("/bridge")], source="gazette")
        redline.check(all_active=True)

    def edit(self, *, minutes: float = 10) -> Any:
        """Put a new cost in the story, let ``minutes`` pass, and check it."""
        self.edits += 1
        story = costing(410 + 10 * self.edits)
        self.site.page("/bridge", render_page(story, FIRST_EDITION, self.edits + 1))
        self.clock.advance(minutes=minutes)
        return self.redline.check(all_active=True)


def rows(redline: Redline) -> list[DeliveryRow]:
    with redline.store.engine.connect() as connection:
        return list(connection.execute(select(DeliveryRow).order_by(DeliveryRow.created_at)))  # type: ignore[arg-type]


def test_a_version_and_its_deliveries_are_stored_together(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    redline = make_redline(config({"name": "bot", "webhook": receiver.url}))
    receiver.status = 500
    newsroom = Newsroom(redline, site, clock)
    assert redline.delivery_queue() == []  # version 0 is no change
    newsroom.edit()
    (waiting,) = redline.delivery_queue()
    assert [(change.article_id, change.version) for change in waiting.changes] == [(1, 1)]
    assert waiting.created_at == clock.now and waiting.attempts == 1
    with redline.store.engine.connect() as connection:
        queued_with = connection.scalar(
            select(VersionRow.seen_at)
            .join(DeliveryChangeRow, DeliveryChangeRow.version_id == VersionRow.id)
            .where(DeliveryChangeRow.delivery_id == waiting.id)
        )
    assert queued_with == waiting.created_at


def test_a_matcher_that_fails_costs_the_notification_not_the_version(
    make_redline: RedlineFactory,
    site: LocalSite,
    clock: Clock,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    redline = make_redline(config({"name": "bot", "webhook": receiver.url}))

    def broken(change: object) -> list[Any]:
        raise RuntimeError("a bug")

    newsroom = Newsroom(redline, site, clock)
    redline.store.match = broken
    with caplog.at_level(logging.ERROR, logger="redline"):
        newsroom.edit()
    assert [version.number for version in redline.versions(1)] == [0, 1]
    assert redline.delivery_queue() == [] and receiver.received == []
    assert "no notifications for version 1 of article 1" in caplog.text


def test_the_back_off_doubles_and_a_delivery_is_given_up_after_max_attempts(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    rules = config(
        {"name": "bot", "webhook": receiver.url},
        delivery={"max_attempts": 3, "backoff": "1m", "max_backoff": "90s"},
    )
    redline = make_redline(rules)
    receiver.status = 503
    newsroom = Newsroom(redline, site, clock)
    newsroom.edit()
    (first,) = redline.delivery_queue()
    assert first.next_attempt_at == clock.now + timedelta(minutes=1)
    assert first.last_error_kind == "delivery_status" and "answered 503" in (first.last_error or "")
    clock.advance(seconds=59)
    assert redline.deliver().retrying == 0  # not due yet
    clock.advance(seconds=1)
    assert redline.deliver().retrying == 1
    (second,) = redline.delivery_queue()
    assert second.attempts == 2 and second.next_attempt_at == clock.now + timedelta(seconds=90)
    clock.advance(seconds=90)
    assert redline.deliver().given_up == 1
    (given_up,) = redline.delivery_queue()
    assert (given_up.status, given_up.attempts, given_up.next_attempt_at) == (
        DeliveryStatus.FAILED,
        3,
        None,
    )
    assert len({received.headers["x-redline-delivery"] for received in receiver.received}) == 1
    health = redline.delivery_health()
    assert (health.pending, health.failed) == (0, 1) and "rule 'bot'" in health.alarms[0]


def test_one_rules_receiver_down_holds_up_neither_another_rule_nor_the_pass(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    down = f"http://127.0.0.1:{free_port()}/hook"
    redline = make_redline(
        config({"name": "down", "webhook": down}, {"name": "up", "webhook": receiver.url})
    )
    newsroom = Newsroom(redline, site, clock)
    redline.retry_deliveries()
    for _ in range(3):
        summary = newsroom.edit(minutes=0)
        assert summary.results[0].version == newsroom.edits  # the pass went on
    assert len(receiver.received) == 3
    waiting = redline.delivery_queue()
    assert [record.rule for record in waiting] == ["down"] * 3
    # after the first failure of a round the rule's later deliveries wait their turn
    assert sorted(record.attempts for record in waiting) == [1, 1, 1]


def test_a_receiver_failing_in_a_round_leaves_the_rules_later_deliveries_untried(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    rule = {"name": "bot", "webhook": receiver.url}
    redline = make_redline(config(rule, delivery={"backoff": "1h"}))
    receiver.status = 503
    newsroom = Newsroom(redline, site, clock)
    for _ in range(3):  # each check tries the one it queued, and fails
        newsroom.edit(minutes=1)
    done = redline.retry_deliveries()  # all three in one round
    assert (done.sent, done.retrying) == (0, 1)
    attempts = [record.attempts for record in redline.delivery_queue()]
    assert attempts == [2, 1, 1]  # the oldest tried again; the others wait their turn


def test_a_backlog_for_a_receiver_down_holds_up_no_other_rule(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    down = f"http://127.0.0.1:{free_port()}/hook"
    rules = config(
        {"name": "down", "webhook": down},
        {"name": "up", "webhook": receiver.url, "kinds": ["headline"]},
    )
    redline = make_redline(rules)
    newsroom = Newsroom(redline, site, clock)
    redline.config = dataclasses.replace(rules, notify=())  # checks queue, and send nothing
    for _ in range(ROUND_SIZE + 5):  # more than a round of the down rule's, queued first
        newsroom.edit(minutes=1)
    renamed = Story(BRIDGE.slug, "Bridge approved at last", BRIDGE.byline, BRIDGE.paragraphs)
    site.page("/bridge", render_page(renamed, FIRST_EDITION, 99))
    clock.advance(minutes=1)
    redline.check(all_active=True)
    redline.config = rules
    done = redline.deliver()
    assert (done.sent, done.retrying) == (1, 1)  # the down rule tried once, then left alone
    (payload,) = [json.loads(received.body) for received in receiver.received]
    assert payload["version"] == ROUND_SIZE + 6 and "headline" in payload["change"]["kinds"]
    attempts = Counter(record.attempts for record in redline.delivery_queue())
    assert attempts == Counter({0: ROUND_SIZE + 5, 1: 1})


def test_a_digest_folds_a_periods_changes_and_then_opens_a_new_one(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    redline = make_redline(config({"name": "bot", "webhook": receiver.url, "digest": "1h"}))
    newsroom = Newsroom(redline, site, clock)
    started = clock.now
    for _ in range(3):
        newsroom.edit(minutes=15)
    assert receiver.received == []
    (digest,) = redline.delivery_queue()
    assert digest.digest and digest.next_attempt_at == started + timedelta(minutes=75)
    clock.advance(minutes=30)  # the hour from the first change is over
    assert redline.deliver().sent == 1
    newsroom.edit()
    (fresh,) = redline.delivery_queue()
    assert fresh.id != digest.id and [change.version for change in fresh.changes] == [4]
    (payload,) = [json.loads(received.body) for received in receiver.received]
    assert payload["event"] == "digest" and payload["id"] == digest.id
    assert [change["version"] for change in payload["changes"]] == [1, 2, 3]


def test_over_max_per_hour_the_overflow_is_folded_into_a_digest_never_dropped(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    redline = make_redline(config({"name": "bot", "webhook": receiver.url, "max_per_hour": 2}))
    newsroom = Newsroom(redline, site, clock)
    first_sent = clock.now + timedelta(minutes=5)
    for _ in range(5):
        newsroom.edit(minutes=5)
    assert len(receiver.received) == 2  # versions 1 and 2, one message each
    (overflow,) = redline.delivery_queue()
    assert overflow.digest and [change.version for change in overflow.changes] == [3, 4, 5]
    assert overflow.next_attempt_at == first_sent + timedelta(hours=1)
    clock.advance(hours=1)
    assert redline.deliver().sent == 1
    events = [received.headers["x-redline-event"] for received in receiver.received]
    assert events == ["change", "change", "digest"]


def test_a_rule_gone_from_the_config_gives_its_deliveries_up_saying_so(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    redline = make_redline(config({"name": "bot", "webhook": receiver.url, "digest": "1h"}))
    Newsroom(redline, site, clock).edit()
    without = make_redline(config({"name": "other", "webhook": receiver.url}))
    clock.advance(hours=2)
    assert without.deliver().given_up == 1
    (gone,) = without.delivery_queue()
    assert gone.last_error == "no [[notify]] rule named 'bot' in the config any more"
    assert gone.last_error_kind == "config" and receiver.received == []


def test_a_delivery_of_a_removed_article_is_dropped(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    redline = make_redline(config({"name": "bot", "webhook": receiver.url, "digest": "1h"}))
    Newsroom(redline, site, clock).edit()
    redline.remove(1)
    clock.advance(hours=2)
    assert redline.deliver() == type(redline.deliver())()
    assert redline.delivery_queue() == [] and receiver.received == []


def test_a_private_receiver_is_refused_and_given_up_at_once_naming_the_setting(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    rule = {"name": "bot", "webhook": receiver.url, "digest": "1h"}
    Newsroom(make_redline(config(rule)), site, clock).edit()  # queued, its hour not over
    guarded = make_redline(config_from_dict({"notify": [rule]}))  # [fetch] as by default
    clock.advance(hours=1)
    assert guarded.deliver().given_up == 1 and receiver.received == []
    (refused,) = guarded.delivery_queue()
    assert refused.status is DeliveryStatus.FAILED and refused.attempts == 1
    assert refused.last_error_kind == "delivery_refused"
    assert "allow_private_networks" in (refused.last_error or "")


# --- leases ------------------------------------------------------------------------------


def queue_three(redline: Redline, site: LocalSite, clock: Clock) -> None:
    newsroom = Newsroom(redline, site, clock)
    redline.store.match = _rule_matcher()
    for _ in range(3):
        newsroom.edit(minutes=1)


def _rule_matcher() -> Any:
    from redline.outbox import matcher

    (rule,) = config({"name": "bot", "webhook": "https://hooks.example/x"}).notify
    return matcher((rule,))


def test_a_lease_keeps_others_off_until_it_runs_out(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock
) -> None:
    redline = make_redline(config())
    queue_three(redline, site, clock)
    outbox = OutboxStore(redline.store.engine)
    lease = timedelta(minutes=5)
    taken = outbox.lease_due("a", clock.now, lease, limit=2)
    assert len(taken) == 2
    rest = outbox.lease_due("b", clock.now, lease, limit=10)
    assert len(rest) == 1 and rest[0].id not in {record.id for record in taken}
    assert outbox.lease_due("c", clock.now, lease, limit=10) == []
    clock.advance(minutes=5, seconds=1)  # a and b died: their leases ran out
    assert len(outbox.lease_due("c", clock.now, lease, limit=10)) == 3


def test_a_sender_that_knows_it_is_alone_takes_a_held_lease_at_once(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock
) -> None:
    redline = make_redline(config())
    queue_three(redline, site, clock)
    outbox = OutboxStore(redline.store.engine)
    outbox.lease_due("dead", clock.now, timedelta(hours=1), limit=10)
    assert outbox.lease_due("next", clock.now, timedelta(hours=1), limit=10) == []
    taken = outbox.lease_due("next", clock.now, timedelta(hours=1), limit=10, take_held=True)
    assert len(taken) == 3


def test_a_failure_recorded_by_a_worker_whose_lease_was_taken_over_counts_for_nothing(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock
) -> None:
    redline = make_redline(config())
    queue_three(redline, site, clock)
    outbox = OutboxStore(redline.store.engine)
    (slow,) = outbox.lease_due("slow", clock.now, timedelta(minutes=1), limit=1)
    clock.advance(minutes=2)
    (taken,) = outbox.lease_due("quick", clock.now, timedelta(minutes=1), limit=1)
    assert taken.id == slow.id
    outbox.record_sent(taken.id, clock.now)
    status = outbox.record_failure(
        slow.id, "slow", error="late", kind="delivery_timeout", retry_at=lambda _: clock.now
    )
    assert status is DeliveryStatus.SENT
    assert next(row for row in rows(redline) if row.id == slow.id).last_error is None


@pytest.mark.postgres
def test_postgres_workers_leasing_at_once_never_take_one_delivery_twice(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one sender at a time: its run lock")
    redline = make_redline(config())
    queue_three(redline, site, clock)
    for _ in range(3):
        queue_three_more(redline, site, clock)
    outbox = OutboxStore(redline.store.engine)
    with redline.store.engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(DeliveryRow))
    taken: Counter[str] = Counter()
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        start.wait()
        while leased := outbox.lease_due(name, clock.now, timedelta(minutes=5), limit=1):
            taken.update(record.id for record in leased)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(taken) == total and set(taken.values()) == {1}


def queue_three_more(redline: Redline, site: LocalSite, clock: Clock) -> None:
    newsroom_edits = len(redline.versions(1))
    for number in range(3):
        story = costing(700 + 10 * (newsroom_edits + number))
        site.page("/bridge", render_page(story, FIRST_EDITION, newsroom_edits + number + 1))
        clock.advance(minutes=1)
        redline.check(all_active=True)


def test_the_service_sends_a_delivery_as_it_falls_due_between_its_checks(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, receiver: Receiver
) -> None:
    # APScheduler runs on the wall clock: the test's starts an hour before it, so the
    # service's first check pass is due ten minutes after the wall clock's now, after the
    # test; what sends the digest is the sending job alone
    clock.now = datetime.now(UTC) - timedelta(hours=1)
    redline = make_redline(config({"name": "bot", "webhook": receiver.url, "digest": "1h"}))
    Newsroom(redline, site, clock).edit()
    clock.advance(hours=1)  # the digest's hour is over while the service runs
    stop = threading.Event()
    service = threading.Thread(target=run_service, args=(redline, stop), kwargs={"tick": 0.05})
    service.start()
    try:
        deadline = time.monotonic() + 30  # a guard against a hang, not a measurement
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        service.join(timeout=30)
    assert len(receiver.received) == 1 and redline.delivery_queue() == []
