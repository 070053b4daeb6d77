"""What the raw archive costs per stored version, text and raw HTML.

Takes the wcxb-news page closest to 150 KB (``../shared/datasets/wcxb-news``,
CC-BY-4.0), makes a chain of versions of it, each a re-render (a new
timestamp in the page's chrome) with one more word of the article edited,
and stores them through the real :class:`redline.store.Store` on a fresh
SQLite file, as checks would. Prints bytes per version for the raw body as
redline stores it (zstd, previous body as dictionary, chains cut every
``MAX_CHAIN``), next to plain zstd per body and no compression; the same
for the extracted text (which redline stores uncompressed, for search and
display); the time one compression takes; and the time to read back the
body deepest in a chain.

    python bench/archive.py [--versions 10] [--dataset DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import zstandard
from sqlalchemy import func, select

from redline.extract import extract_article
from redline.model import ArticleStatus, NextCheck, Observation
from redline.store import ArchiveStore, Store
from redline.store.archive import COMPRESSION_LEVEL, MAX_CHAIN
from redline.store.tables import BodyRow, VersionRow

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "wcxb-news"
TARGET_BYTES = 150_000
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def page_near(dataset: Path, size: int) -> tuple[str, str]:
    """The URL and HTML of the dataset's page closest to ``size`` bytes."""
    rows = [json.loads(line) for line in (dataset / "ground-truth.jsonl").open()]
    best: tuple[int, str, str] | None = None
    for row in rows:
        with gzip.open(dataset / "html" / f"{row['id']}.html.gz", "rt", encoding="utf-8") as fh:
            html = fh.read()
        distance = abs(len(html.encode()) - size)
        if best is None or distance < best[0]:
            best = (distance, row["url"], html)
    assert best is not None
    return best[1], best[2]


def edited_versions(url: str, html: str, count: int) -> list[bytes]:
    """``count`` renders: a new timestamp each, and one more article word changed each time."""
    words = [w for p in extract_article(html, url).paragraphs for w in p.split() if len(w) > 6]
    # words found once in the page: changing them changes the article's text
    distinct = [
        w for w in dict.fromkeys(words) if len(re.findall(rf"\b{re.escape(w)}\b", html)) == 1
    ]
    targets = distinct[:: max(1, len(distinct) // count)]
    versions = []
    for number in range(count):
        if number:  # the edits accumulate: version n has n words changed
            html = re.sub(rf"\b{re.escape(targets[number - 1])}\b", "amended", html, count=1)
        stamp = f"<!-- rendered {T0 + timedelta(minutes=number)} -->"
        versions.append(html.replace("</body>", f"{stamp}</body>", 1).encode())
    return versions


def store_chain(url: str, bodies: list[bytes], database: Path) -> tuple[list[float], Store, int]:
    """Store ``bodies`` as successive versions; the seconds each record took."""
    store = Store.open(f"sqlite:///{database}")
    article, _ = store.add_article(url, source=None, now=T0)

    def plan(changed: bool, previous: timedelta | None) -> NextCheck:
        return NextCheck(None, timedelta(hours=1), ArticleStatus.ACTIVE)

    seconds = []
    for number, body in enumerate(bodies):
        text = extract_article(body, url)
        at = T0 + timedelta(hours=number)
        seen = Observation(at, 0.1, 200, len(body), url, article=text, body=body)
        started = time.perf_counter()
        store.record_check(article.id, seen, plan)
        seconds.append(time.perf_counter() - started)
    return seconds, store, article.id


def per_version(sizes: list[int]) -> float:
    return sum(sizes) / len(sizes)


def timed(work: Callable[[], object], repeat: int = 20) -> float:
    """Median milliseconds of ``work``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args()

    url, html = page_near(args.dataset, TARGET_BYTES)
    bodies = edited_versions(url, html, args.versions)
    plain = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)
    with tempfile.TemporaryDirectory() as scratch:
        seconds, store, article_id = store_chain(url, bodies, Path(scratch) / "archive.db")
        with store.engine.connect() as connection:
            stored = list(connection.scalars(select(func.length(BodyRow.data))))
            texts = list(connection.scalars(select(VersionRow.paragraphs)))
        archive = ArchiveStore(store.engine)
        read_ms = timed(lambda: archive.captures(article_id), repeat=5) / len(bodies)
        store.close()

    text_bytes = ["\n\n".join(t).encode() for t in texts]
    chained_texts = [plain.compress(text_bytes[0])] + [
        zstandard.ZstdCompressor(
            level=COMPRESSION_LEVEL,
            dict_data=zstandard.ZstdCompressionDict(
                before, dict_type=zstandard.DICT_TYPE_RAWCONTENT
            ),
        ).compress(after)
        for before, after in zip(text_bytes, text_bytes[1:], strict=False)
    ]
    dictionary = zstandard.ZstdCompressionDict(bodies[0], dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    with_dictionary = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL, dict_data=dictionary)

    print(
        f"{len(bodies)} versions of {url} ({len(bodies[0]) / 1000:.0f} KB), zstd level "
        f"{COMPRESSION_LEVEL}, chains cut every {MAX_CHAIN}; {len(texts)} distinct texts"
    )
    print(f"{'bytes per version':<44}{'raw HTML':>12}{'text':>12}")
    rows = [
        ("uncompressed", [len(b) for b in bodies], [len(t) for t in text_bytes]),
        ("zstd, each alone", [len(plain.compress(b)) for b in bodies],
         [len(plain.compress(t)) for t in text_bytes]),
        ("zstd, previous version as dictionary", stored, [len(c) for c in chained_texts]),
    ]  # fmt: skip
    for name, raw, text in rows:
        print(f"{name:<44}{per_version(raw):>12,.0f}{per_version(text):>12,.0f}")
    print("(redline stores the raw HTML as in the last row, the text as in the first)")
    print(f"\n{'milliseconds':<44}{'median':>12}")
    print(f"{'compress one page alone':<44}{timed(lambda: plain.compress(bodies[1])):>12.2f}")
    print(
        f"{'compress one page against the previous':<44}"
        f"{timed(lambda: with_dictionary.compress(bodies[1])):>12.2f}"
    )
    record_ms = 1000 * statistics.median(seconds)
    print(f"{'record a check with a new version (store)':<44}{record_ms:>12.2f}")
    print(f"{'read back a body (all of a chain, per body)':<44}{read_ms:>12.2f}")


if __name__ == "__main__":
    main()
