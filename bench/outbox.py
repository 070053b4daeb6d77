"""What the outbox costs a check pass: queuing with the version, and sending a round.

Times ``Store.record_check`` storing a new version (one transaction) on SQLite with no
``[[notify]]`` rules, with three that match none, and with three that all match it (one
a message per change, one a digest, one rate-limited): the difference is what queuing
adds to each new version. The
card is a fixed one, so the classifier's cost (bench/card_store.py) stays out of it.
Then times sending the queued deliveries of one rule to a webhook on
:class:`httpx.MockTransport` (rendering the change from the store, the POST, recording
it sent), per delivery.

Run: ``python bench/outbox.py [--checks 300] [--rounds 3]``. Timings vary with the
machine's load; the figures go in the report, not in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from redline.config import config_from_dict
from redline.extract import EXTRACTOR_VERSION, ExtractedArticle
from redline.model import (
    ArticleStatus,
    ArticleText,
    ChangeCard,
    ChangeKind,
    NextCheck,
    Observation,
    SentenceCounts,
)
from redline.outbox import Outbox, matcher
from redline.store import Store
from redline.store.deliveries import OutboxStore

T0 = datetime(2026, 11, 1, tzinfo=UTC)
CARD = ChangeCard((ChangeKind.NUMBERS,), 0.6, "1 number changed.", (), SentenceCounts(edited=1),
                  0.02, (), None, "fixed")  # fmt: skip
RULES: list[dict[str, Any]] = [
    {"name": "each", "webhook": "https://hooks.example/each"},
    {"name": "hourly", "webhook": "https://hooks.example/hourly", "digest": "1h"},
    {"name": "limited", "webhook": "https://hooks.example/limited", "max_per_hour": 30},
]
BEFORE = ExtractedArticle("Bridge approved", None, None, ("It costs 410 million.",) * 8,
                          "generic", EXTRACTOR_VERSION)  # fmt: skip
AFTER = ExtractedArticle("Bridge approved", None, None, ("It costs 450 million.",) * 8,
                         "generic", EXTRACTOR_VERSION)  # fmt: skip


def fixed_card(old: ArticleText, new: ArticleText, *, revert_of: int | None = None) -> ChangeCard:
    return CARD


def plan(changed: bool, previous: timedelta | None) -> NextCheck:
    return NextCheck(T0, timedelta(hours=1), ArticleStatus.ACTIVE)


def time_checks(changes: int, rules: list[dict[str, Any]]) -> list[float]:
    """Seconds per ``record_check`` storing a new version, with ``rules`` matching it."""
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db", classify=fixed_card)
        if rules:
            store.match = matcher(config_from_dict({"notify": rules}).notify)
        for index in range(changes):
            article = store.add_article(f"https://news.test/{index}", source="gazette", now=T0)[0]
            seen_at = T0 + timedelta(seconds=index)
            store.record_check(article.id, Observation(seen_at, 0.1, 200, article=BEFORE), plan)
            started = time.perf_counter()
            store.record_check(article.id, Observation(seen_at, 0.1, 200, article=AFTER), plan)
            timings.append(time.perf_counter() - started)
        store.close()
    return timings


def time_sending(changes: int) -> float:
    """Seconds per delivery sent, of ``changes`` queued for one rule."""
    with tempfile.TemporaryDirectory() as folder:
        return _time_sending(folder, changes)


def _time_sending(folder: str, changes: int) -> float:
    config = config_from_dict({"notify": RULES[:1]})
    store = Store.open(f"sqlite:///{folder}/send.db", classify=fixed_card)
    store.match = matcher(config.notify)
    for index in range(changes):
        article = store.add_article(f"https://news.test/{index}", source="gazette", now=T0)[0]
        store.record_check(article.id, Observation(T0, 0.1, 200, article=BEFORE), plan)
        store.record_check(article.id, Observation(T0, 0.1, 200, article=AFTER), plan)
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    outbox = Outbox(OutboxStore(store.engine), config, worker="bench", clock=lambda: T0,
                    take_held=True, transport=transport)  # fmt: skip
    started = time.perf_counter()
    done = asyncio.run(outbox.send())
    took = time.perf_counter() - started
    store.close()
    assert done.sent == changes, done
    return took / changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=300, help="new versions recorded a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, taking turns")
    options = parser.parse_args()
    medians: dict[str, list[float]] = {
        "no rules": [],
        "3 rules matching none": [],
        "3 matching rules": [],
    }
    unmatched = [rule | {"kinds": ["headline"]} for rule in RULES]
    for _ in range(options.rounds):  # taking turns: drifting load hits all alike
        for name, rules in zip(medians, ([], unmatched, RULES), strict=True):
            medians[name].append(statistics.median(time_checks(options.checks, rules)))
    sending = time_sending(options.checks)
    best = {name: 1000 * min(found) for name, found in medians.items()}
    rounds = "; ".join(
        f"{name}: " + ", ".join(f"{1000 * value:.2f}" for value in found)
        for name, found in medians.items()
    )
    print(f"record_check of a new version, median ms by round: {rounds}")
    added = best["3 matching rules"] - best["no rules"]
    matching = best["3 rules matching none"] - best["no rules"]
    print(f"queuing for 3 matching rules adds {added:.2f} ms a new version (best rounds);")
    print(f"  matching 3 rules that queue nothing adds {matching:.2f} ms")
    print(f"sending: {1000 * sending:.2f} ms a delivery (render, POST to a mock, record)")


if __name__ == "__main__":
    main()
