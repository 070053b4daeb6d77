"""How fast a full check pass is, and where its time goes.

Serves N article pages (default 1,000) with full site chrome on 127.0.0.1 —
every request re-renders the noise (timestamps, ads, most-read lists,
comments), so every page must be fetched and extracted. Runs the real
``redline check --all`` in a child process on a fresh SQLite database twice:
the first pass stores N first versions, the second finds N unchanged pages.
Then times each stage alone in this process over the same pages: fetch
(async, one Fetcher), extract (one core), store (record N checks, each a
first version with its page archived).

    python bench/check_pages.py [--pages 1000]

Per-host politeness is switched off (all pages are on one local host); the
numbers are the pipeline's own cost, not a site's patience.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redline.config import FetchConfig
from redline.demo import FIRST_EDITION, DemoSite, Story
from redline.extract import EXTRACTOR_VERSION, extract_article
from redline.fetch import Fetcher, Page
from redline.model import ArticleStatus, NextCheck, Observation
from redline.store import Store

FETCH = FetchConfig(allow_private_networks=True, per_host_delay=0, per_host_concurrency=16)
CONFIG_TOML = (
    "[fetch]\nallow_private_networks = true\nper_host_delay = 0\nper_host_concurrency = 16\n"
)


def make_stories(count: int) -> tuple[Story, ...]:
    base = FIRST_EDITION
    return tuple(
        dataclasses.replace(
            base[i % len(base)],
            slug=f"story-{i}",
            headline=f"{base[i % len(base)].headline} ({i})",
        )
        for i in range(count)
    )


def run_check(database: Path, config: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one ``redline check --all --json`` child process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "redline", "--db", str(database), "--config", str(config)]
        + ["check", "--all", "--json"],
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("redline check failed")
    return seconds, usage.ru_maxrss / 1024


async def fetch_all(urls: list[str]) -> list[Page]:
    async with Fetcher(FETCH) as fetcher:
        return list(await asyncio.gather(*(fetcher.fetch(url) for url in urls)))


def time_stages(site: DemoSite, scratch: Path) -> list[tuple[str, float]]:
    urls = [site.url(story) for story in site.stories]
    started = time.perf_counter()
    pages = asyncio.run(fetch_all(urls))
    fetch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    articles = [extract_article(page.text, page.final_url) for page in pages]
    extract_seconds = time.perf_counter() - started
    store = Store.open(f"sqlite:///{scratch / 'stages.db'}")
    now = datetime.now(UTC)
    ids = [store.add_article(url, source=None, now=now)[0].id for url in urls]

    def plan(changed: bool, previous: timedelta | None) -> NextCheck:
        return NextCheck(now, timedelta(hours=1), ArticleStatus.ACTIVE)

    started = time.perf_counter()
    for article_id, page, article in zip(ids, pages, articles, strict=True):
        seen = Observation(
            now, page.elapsed, page.status, page.nbytes, page.final_url,
            article=article, extractor_version=EXTRACTOR_VERSION,
            body=page.body, headers=page.headers,  # archived with the new version
        )  # fmt: skip
        store.record_check(article_id, seen, plan)
    store_seconds = time.perf_counter() - started
    store.close()
    return [
        ("fetch (async, concurrency 16)", fetch_seconds),
        ("extract (one core)", extract_seconds),
        ("store (one transaction each)", store_seconds),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    site = DemoSite(make_stories(args.pages))
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        database, config = scratch / "bench.db", scratch / "bench.toml"
        config.write_text(CONFIG_TOML)
        subprocess.run(
            [sys.executable, "-m", "redline", "--db", str(database), "add"]
            + [site.url(story) for story in site.stories],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        passes = [
            ("first pass (new versions)", *run_check(database, config)),
            ("second pass (unchanged)", *run_check(database, config)),
        ]
        stages = time_stages(site, scratch)
    site.close()
    print(f"redline check --all over {args.pages} local pages ({os.cpu_count()} cores)")
    print(f"{'pass':<32}{'seconds':>9}{'pages/s':>9}{'peak RSS MiB':>14}")
    for name, seconds, rss in passes:
        print(f"{name:<32}{seconds:>9.2f}{args.pages / seconds:>9.1f}{rss:>14.1f}")
    print(f"\n{'stage alone, same pages':<32}{'seconds':>9}{'ms/page':>9}")
    for name, seconds in stages:
        print(f"{name:<32}{seconds:>9.2f}{1000 * seconds / args.pages:>9.2f}")


if __name__ == "__main__":
    main()
