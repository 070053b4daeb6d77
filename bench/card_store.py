"""What change cards cost the store: migration 0010 over existing versions, and a check.

Builds a SQLite archive at revision 0009 from the labelled edit pairs of
``bench/edits/edits.jsonl`` (real article texts; each pair an article with two
versions, repeated to reach ``--versions``), then times:

- the upgrade to 0010, which computes a card for every version after the first,
  per 1,000 versions;
- recording a check that finds a new version (``Store.record_check``, one
  transaction) with the real classifier and with one that returns a fixed card
  at once: the difference is what the card adds to a check pass.

Run: ``python bench/card_store.py [--versions 4000]``. Timings vary with the
machine's load; the figures go in the report, not in tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import insert, text

from redline.cards import classify_change
from redline.extract import EXTRACTOR_VERSION, ExtractedArticle
from redline.model import (
    ArticleStatus,
    ArticleText,
    ChangeCard,
    NextCheck,
    Observation,
    SentenceCounts,
)
from redline.store import Store, content_hash
from redline.store.database import alembic_config
from redline.store.tables import ArticleRow, VersionRow

EDITS = Path(__file__).resolve().parent / "edits" / "edits.jsonl"
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def pairs() -> list[tuple[ExtractedArticle, ExtractedArticle]]:
    """The labelled pairs whose two texts differ, as extracted articles."""

    def article(side: dict[str, Any]) -> ExtractedArticle:
        return ExtractedArticle(
            side["title"], side["byline"], None, tuple(side["paragraphs"]), "generic",
            EXTRACTOR_VERSION,
        )  # fmt: skip

    found = []
    for line in EDITS.read_text(encoding="utf-8").splitlines():
        edit = json.loads(line)
        before, after = article(edit["before"]), article(edit["after"])
        if before != after:
            found.append((before, after))
    return found


def chains(versions: int) -> Iterator[tuple[ExtractedArticle, ExtractedArticle]]:
    """Enough pairs, repeated, to make ``versions`` versions."""
    every = pairs()
    for index in range(versions // 2):
        yield every[index % len(every)]


def time_migration(versions: int) -> tuple[int, float]:
    """Versions at 0009, and the seconds the upgrade to 0010 took over them."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db")
        config = alembic_config()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0009")
        stored = 0
        with store.engine.begin() as connection:
            for article_id, (before, after) in enumerate(chains(versions), start=1):
                connection.execute(
                    insert(ArticleRow),
                    {"id": article_id, "url": f"https://news.test/{article_id}",
                     "first_seen": T0, "status": "active", "consecutive_failures": 0},
                )  # fmt: skip
                rows = [
                    _version_values(article_id, n, body) for n, body in enumerate((before, after))
                ]
                connection.execute(insert(VersionRow), rows)
                stored += len(rows)
        started = time.perf_counter()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        took = time.perf_counter() - started
        with store.engine.connect() as connection:
            cards = connection.execute(text("SELECT count(*) FROM change_cards")).scalar()
        store.close()
    assert cards == stored // 2, f"{cards} cards for {stored // 2} changes"
    return stored, took


def _version_values(article_id: int, number: int, body: ExtractedArticle) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "number": number,
        "seen_at": T0 + timedelta(hours=number),
        "title": body.title,
        "byline": body.byline,
        "published": None,
        "paragraphs": list(body.paragraphs),
        "content_hash": content_hash(body.title, body.byline, body.paragraphs),
        "extractor_version": EXTRACTOR_VERSION,
        "source": None,
    }


FIXED = ChangeCard((), 0.0, "No change.", (), SentenceCounts(), 0.0, (), None, "fixed")


def fixed_card(old: ArticleText, new: ArticleText, *, revert_of: int | None = None) -> ChangeCard:
    """A classifier that costs nothing: the baseline a check pays without cards."""
    return FIXED


def time_checks(changes: int, classify: Any) -> list[float]:
    """Seconds per ``record_check`` that stores a new version, over ``changes`` articles."""
    plan = lambda changed, previous: NextCheck(T0, timedelta(hours=1), ArticleStatus.ACTIVE)  # noqa: E731
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db", classify=classify)
        for index, (before, after) in enumerate(chains(2 * changes)):
            article = store.add_article(f"https://news.test/{index}", source=None, now=T0)[0]
            store.record_check(article.id, Observation(T0, 0.1, 200, article=before), plan)
            started = time.perf_counter()
            store.record_check(article.id, Observation(T0, 0.1, 200, article=after), plan)
            timings.append(time.perf_counter() - started)
        store.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=4000, help="versions at 0009")
    parser.add_argument("--checks", type=int, default=300, help="new versions recorded a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, taking turns")
    options = parser.parse_args()
    stored, took = time_migration(options.versions)
    print(f"migration 0010: {stored} versions in {took:.2f} s = {1000 * took / stored:.2f} s"
          " per 1,000 versions")  # fmt: skip
    medians: dict[str, list[float]] = {"with its card": [], "with a free card": []}
    for _ in range(options.rounds):  # taking turns: drifting load hits both alike
        for name, classify in zip(medians, (classify_change, fixed_card), strict=True):
            medians[name].append(statistics.median(time_checks(options.checks, classify)))
    best = {name: 1000 * min(found) for name, found in medians.items()}
    added = best["with its card"] - best["with a free card"]
    rounds = "; ".join(
        f"{name}: " + ", ".join(f"{1000 * value:.2f}" for value in found)
        for name, found in medians.items()
    )
    print(f"record_check of a new version, median ms by round: {rounds}")
    print(f"the card adds {added:.2f} ms a new version (best rounds; the classifier caches")
    print("  paragraph readings, so the first round of real cards is the cold one)")
    every = pairs()
    alone = []
    for before, after in every:
        started = time.perf_counter()
        classify_change(before, after)
        alone.append(time.perf_counter() - started)
    print(f"classify_change alone: median {1000 * statistics.median(alone):.2f} ms,"
          f" 95th percentile {1000 * sorted(alone)[len(alone) * 95 // 100]:.2f} ms"
          f" over {len(every)} pairs")  # fmt: skip


if __name__ == "__main__":
    main()
