"""Median time of the web archive's pages on a small and a ten times larger archive.

Fills an archive at each size (by default 10,000 articles with 100,000 versions, and
100,000 articles with 1,000,000), then asks the app, in process over httpx's ASGI
transport (no sockets), for each kind of page ``--requests`` times, a different article
or diff each time, and prints the median of each at both sizes and their ratio. Pages
run on indexes, so the larger archive should cost no more than about the smaller one
(the goal: at most 1.5 times).

- ``article``: an article page (random article);
- ``diff``: a diff page between two neighbouring versions (random; diffs not cached);
- ``feed``: the archive-wide RSS feed (its diffs described on the first request, which
  is shown apart as ``feed, first``);
- ``index``, ``source``: the latest changes, across the archive and of one source;
- ``search, rare``: two words that occur together in 20 versions whatever the size;
- ``search, common``: two words that occur in about one version in ten;
- ``Store.article``: not a page but the library call behind every CLI reference, ``add``
  and check batch (``Store.article(id)``, a random article), timed the same way.

    python bench/web.py [--scale 1] [--requests 30] [--postgres URL]

``--scale 0.1`` runs a tenth of both sizes (a quick look); ``--postgres URL`` runs on
that PostgreSQL database instead of SQLite files, EMPTYING IT first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, insert, text

from redline.store import Store, content_hash
from redline.store.tables import ArticleRow, VersionRow
from redline.web import create_app

VERSIONS_PER_ARTICLE = 10
SOURCES = 20
PARAGRAPHS = 5
WORDS_PER_PARAGRAPH = (20, 40)
RARE_HITS = 20
"""Versions holding both rare words, at any size."""

RARE_QUERY = "zeppelin quarantine"
COMMON_WORDS = ("harbour", "council")
"""Each put into about one version in ten, so both together in about one in a hundred."""

START = datetime(2020, 1, 1, tzinfo=UTC)
BATCH = 20_000


@dataclass(frozen=True)
class Size:
    articles: int

    @property
    def versions(self) -> int:
        return self.articles * VERSIONS_PER_ARTICLE

    def label(self) -> str:
        return f"{self.articles:,} articles / {self.versions:,} versions"


class Text:
    """Deterministic news-like text: a vocabulary of made-up words and a pool of paragraphs."""

    def __init__(self, rng: random.Random) -> None:
        syllables = ["ba", "ko", "ri", "tes", "lan", "mo", "vu", "shi", "der", "al", "po", "quen"]
        self.words = sorted(
            {"".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(6000)}
        )
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.pool = [self._paragraph(rng, weights) for _ in range(4000)]
        self.rng = rng

    def _paragraph(self, rng: random.Random, weights: list[float]) -> str:
        count = rng.randint(*WORDS_PER_PARAGRAPH)
        return " ".join(rng.choices(self.words, weights=weights, k=count)).capitalize() + "."

    def article(self) -> tuple[str, list[str]]:
        title = " ".join(self.rng.choices(self.words, k=8)).capitalize()
        return title, self.rng.sample(self.pool, PARAGRAPHS)

    def edit(self, title: str, paragraphs: list[str]) -> tuple[str, list[str]]:
        """The next version: one word changed, a paragraph added or the headline reworded."""
        paragraphs = list(paragraphs)
        choice = self.rng.random()
        if choice < 0.2:
            title = f"{title} {self.rng.choice(self.words)}"
        elif choice < 0.4:
            paragraphs.insert(self.rng.randrange(len(paragraphs) + 1), self.rng.choice(self.pool))
        else:
            index = self.rng.randrange(len(paragraphs))
            words = paragraphs[index].split()
            words[self.rng.randrange(len(words))] = self.rng.choice(self.words)
            paragraphs[index] = " ".join(words)
        return title, paragraphs

    def sprinkle(self, paragraphs: list[str], words: tuple[str, ...]) -> list[str]:
        return [*paragraphs[:-1], f"{paragraphs[-1]} {' '.join(words)}"]


def rows(size: Size, seed: int) -> Iterator[tuple[dict[str, object], list[dict[str, object]]]]:
    """Each article's row and its versions' rows."""
    rng = random.Random(seed)
    writer = Text(rng)
    rare = set(range(0, size.versions, size.versions // RARE_HITS))
    for article_id in range(1, size.articles + 1):
        first_seen = START + timedelta(minutes=article_id)
        title, paragraphs = writer.article()
        versions = []
        for number in range(VERSIONS_PER_ARTICLE):
            if number:
                title, paragraphs = writer.edit(title, paragraphs)
            serial = (article_id - 1) * VERSIONS_PER_ARTICLE + number
            shown = paragraphs
            if serial in rare:
                shown = writer.sprinkle(shown, tuple(RARE_QUERY.split()))
            if rng.random() < 0.1:
                shown = writer.sprinkle(shown, COMMON_WORDS[:1])
            if rng.random() < 0.1:
                shown = writer.sprinkle(shown, COMMON_WORDS[1:])
            versions.append(
                {
                    "article_id": article_id,
                    "number": number,
                    "seen_at": first_seen + timedelta(hours=7 * number, minutes=rng.randrange(60)),
                    "title": title,
                    "byline": "Staff reporter",
                    "published": None,
                    "paragraphs": shown,
                    "content_hash": content_hash(title, "Staff reporter", shown),
                    "extractor_version": "bench",
                    "source": f"source-{article_id % SOURCES}",
                }
            )
        article = {
            "id": article_id,
            "url": f"https://news{article_id % SOURCES}.example/story/{article_id}",
            "source": f"source-{article_id % SOURCES}",
            "first_seen": first_seen,
            "last_checked": versions[-1]["seen_at"],
            "last_changed": versions[-1]["seen_at"],
            "next_check": None,
            "status": "stopped",
            "consecutive_failures": 0,
        }
        yield article, versions


def fill(engine: Engine, size: Size) -> float:
    """Write the archive in batches; return the seconds it took."""
    started = time.perf_counter()
    articles: list[dict[str, object]] = []
    versions: list[dict[str, object]] = []
    for article, its_versions in rows(size, seed=size.articles):
        articles.append(article)
        versions += its_versions
        if len(versions) >= BATCH:
            _write(engine, articles, versions)
            articles, versions = [], []
    _write(engine, articles, versions)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def _write(
    engine: Engine, articles: list[dict[str, object]], versions: list[dict[str, object]]
) -> None:
    if articles:
        with engine.begin() as connection:
            connection.execute(insert(ArticleRow), articles)
            connection.execute(insert(VersionRow), versions)


Request = Callable[[random.Random], str]


def requests(size: Size) -> dict[str, Request]:
    """For each kind of page, how to pick the path of one request."""

    def article(rng: random.Random) -> str:
        return f"/articles/{rng.randint(1, size.articles)}"

    def diff(rng: random.Random) -> str:
        number = rng.randint(1, VERSIONS_PER_ARTICLE - 1)
        return f"/articles/{rng.randint(1, size.articles)}/diff/{number - 1}/{number}"

    return {
        "article": article,
        "diff": diff,
        "feed": lambda rng: "/feed.xml",
        "index": lambda rng: "/",
        "source": lambda rng: f"/sources/source-{rng.randrange(SOURCES)}",
        "search, rare": lambda rng: f"/search?q={RARE_QUERY.replace(' ', '+')}",
        "search, common": lambda rng: f"/search?q={'+'.join(COMMON_WORDS)}",
    }


async def measure(url: str, size: Size, count: int) -> dict[str, float]:
    """Median milliseconds of each kind of page (and of the feed's first request)."""
    app = create_app(url)
    transport = httpx.ASGITransport(app)
    rng = random.Random(1)
    medians: dict[str, float] = {}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:
            for name, pick in requests(size).items():
                times = []
                for _ in range(count + 1):
                    path = pick(rng)
                    started = time.perf_counter()
                    response = await client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                if name == "feed":
                    medians["feed, first"] = times[0]
                medians[name] = statistics.median(times[1:])
    finally:
        app.state.web.archive.engine.dispose()
    return medians


def measure_store_article(store: Store, size: Size, count: int) -> float:
    """Median milliseconds of ``Store.article(id)`` for random articles."""
    rng = random.Random(2)
    times = []
    for _ in range(count + 1):
        article_id = rng.randint(1, size.articles)
        started = time.perf_counter()
        assert store.article(article_id).version_count == VERSIONS_PER_ARTICLE
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:])


def run_size(size: Size, url: str, count: int) -> tuple[dict[str, float], float]:
    store = Store.open(url)
    try:
        seconds = fill(store.engine, size)
        store_article = measure_store_article(store, size, count)
    finally:
        store.close()
    return asyncio.run(measure(url, size, count)) | {"Store.article": store_article}, seconds


def empty_postgres(url: str) -> str:
    store_engine = Store.open(url).engine
    with store_engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    store_engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the two sizes")
    parser.add_argument("--requests", type=int, default=30, help="requests of each page")
    parser.add_argument("--postgres", help="PostgreSQL URL to use (it is emptied!)")
    arguments = parser.parse_args()
    sizes = [Size(round(10_000 * arguments.scale)), Size(round(100_000 * arguments.scale))]
    results = []
    with tempfile.TemporaryDirectory(prefix="redline-bench-") as scratch:
        for size in sizes:
            url = (
                empty_postgres(arguments.postgres)
                if arguments.postgres
                else f"sqlite:///{Path(scratch) / f'{size.articles}.db'}"
            )
            medians, seconds = run_size(size, url, arguments.requests)
            print(f"filled {size.label()} in {seconds:.0f} s", flush=True)
            results.append(medians)
    backend = "PostgreSQL" if arguments.postgres else "SQLite"
    print(f"\nmedian ms over {arguments.requests} requests each, {backend}")
    print(f"{'page':<16}{sizes[0].label():>38}{sizes[1].label():>42}{'ratio':>8}")
    for name in results[0]:
        small, large = results[0][name], results[1][name]
        print(f"{name:<16}{small:>38.1f}{large:>42.1f}{large / small:>8.2f}")
    print(json.dumps({"sizes": [size.label() for size in sizes], "results": results}))


if __name__ == "__main__":
    main()
