"""How fast a check pass is, and where its time goes.

Serves N article pages (default 1,000) with full site chrome on 127.0.0.1 —
every request re-renders the noise (timestamps, ads, most-read lists,
comments), so every page must be fetched. Runs the real ``redline check
--all`` in a child process, on a fresh SQLite database, for each setting of
``[fastpath] enabled`` (off first: the full path alone, as before the fast
path), three passes each: the first stores N first versions, the second
finds N unchanged (noise-only) pages, the third finds a real edit on every
tenth page (each must come out ``new_version``). For each pass: pages/s, CPU
ms per page counting every process (the worker pool too), peak RSS of all
the processes together, and the share of checks the fast path decided.
Then times each stage alone in this process over the same pages: fetch
(async, one Fetcher), extract (one core), fast path (one core), store
(record N checks, each a first version with its page archived).

    python bench/check_pages.py [--pages 1000]

Per-host politeness is switched off (all pages are on one local host); the
numbers are the pipeline's own cost, not a site's patience.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redline.config import FetchConfig
from redline.demo import FIRST_EDITION, DemoSite, Story
from redline.extract import EXTRACTOR_VERSION, confirms_unchanged, extract_article, learn_rule
from redline.fetch import Fetcher, Page
from redline.model import ArticleStatus, NextCheck, Observation
from redline.store import Store

FETCH = FetchConfig(allow_private_networks=True, per_host_delay=0, per_host_concurrency=16)
CONFIG_TOML = (
    "[fetch]\nallow_private_networks = true\nper_host_delay = 0\nper_host_concurrency = 16\n"
    "[fastpath]\nenabled = {enabled}\n"
)
EDITED_SHARE = 10  # every tenth page carries a real edit in the third pass
_SAMPLE_SECONDS = 0.02
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


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


@dataclasses.dataclass(frozen=True)
class PassFigures:
    name: str
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    fast_share: float
    outcomes: dict[str, str]
    """By URL."""


def run_check(name: str, database: Path, config: Path) -> PassFigures:
    """One ``redline check --all --json`` child process, measured with all it starts."""
    last_check = _last_check_id(database)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "redline", "--db", str(database), "--config", str(config)]
        + ["check", "--all", "--json"],
        stdout=subprocess.PIPE,
    )
    tree = ProcessTree(child.pid)
    tree.start()
    stdout, _ = child.communicate()
    seconds = time.perf_counter() - started
    tree.stop()
    if child.returncode != 0:
        raise SystemExit("redline check failed")
    results = json.loads(stdout)["results"]
    return PassFigures(
        name,
        seconds,
        tree.cpu_seconds,
        tree.peak_rss / 2**20,
        _fast_share(database, last_check),
        {result["url"]: result["outcome"] for result in results},
    )


class ProcessTree(threading.Thread):
    """Samples a process and all its descendants: CPU time of each, RSS of all together.

    Every 20 ms, from /proc: a process's CPU time is the last seen (its final 20 ms
    may be missed), the peak RSS the largest sum seen at once.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root, self.cpu_ticks, self.peak_rss = pid, dict[int, int](), 0
        self._done = threading.Event()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / _TICKS

    def run(self) -> None:
        while not self._done.wait(_SAMPLE_SECONDS):
            self.sample()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def sample(self) -> None:
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        fields = stat.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                # after the name: state ppid ... utime (12) stime (13) ... rss (22)
                stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]), fields)
        tree, grew = {self.root}, True
        while grew:
            more = {pid for pid, (ppid, _, _) in stats.items() if ppid in tree} - tree
            tree |= more
            grew = bool(more)
        rss = 0
        for pid in tree & stats.keys():
            _, ticks, fields = stats[pid]
            self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), ticks)
            rss += int(fields[21]) * _PAGE_BYTES
        self.peak_rss = max(self.peak_rss, rss)


def _last_check_id(database: Path) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT coalesce(max(id), 0) FROM checks").fetchone()[0])


def _fast_share(database: Path, after: int) -> float:
    """The share of the checks since check ``after`` that the fast path decided."""
    with sqlite3.connect(database) as connection:
        total, fast = connection.execute(
            "SELECT count(*), coalesce(sum(decided_by = 'fast'), 0) FROM checks WHERE id > ?",
            (after,),
        ).fetchone()
    return fast / total if total else 0.0


def edit_every_tenth(stories: tuple[Story, ...]) -> tuple[tuple[Story, ...], set[str]]:
    """``stories`` with a sentence added to every tenth; the slugs of those edited."""
    edited = {story.slug for n, story in enumerate(stories) if n % EDITED_SHARE == 0}
    return tuple(
        dataclasses.replace(
            story, paragraphs=(*story.paragraphs[:-1], story.paragraphs[-1] + " Or so it seemed.")
        )
        if story.slug in edited
        else story
        for story in stories
    ), edited


def run_passes(site: DemoSite, scratch: Path, *, fastpath: bool) -> list[PassFigures]:
    """The three passes on a fresh database, with ``[fastpath] enabled`` as given."""
    label = "fast path on" if fastpath else "fast path off"
    stem = scratch / ("fast" if fastpath else "full")
    database, config = stem.with_suffix(".db"), stem.with_suffix(".toml")
    config.write_text(CONFIG_TOML.format(enabled=str(fastpath).lower()))
    unedited = site.stories
    subprocess.run(
        [sys.executable, "-m", "redline", "--db", str(database), "--config", str(config), "add"]
        + [site.url(story) for story in unedited],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        passes = [
            run_check(f"{label}: first (new versions)", database, config),
            run_check(f"{label}: noise only", database, config),
        ]
        site.stories, edited = edit_every_tenth(unedited)
        edits = run_check(f"{label}: 10% edited", database, config)
    finally:
        site.stories = unedited
    missed = [
        url
        for story in site.stories
        if story.slug in edited and edits.outcomes[url := site.url(story)] != "new_version"
    ]
    if missed:
        raise SystemExit(f"{len(missed)} edited page(s) did not come out new_version: {missed[:3]}")
    noise = [outcome for outcome in passes[1].outcomes.values() if outcome != "unchanged"]
    if noise:
        raise SystemExit(f"{len(noise)} noise-only page(s) did not come out unchanged")
    return [*passes, edits]


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
    rules = [learn_rule(page.text, article) for page, article in zip(pages, articles, strict=True)]
    again = asyncio.run(fetch_all(urls))  # fresh chrome: what a later check sees
    started = time.perf_counter()
    confirmed = sum(
        rule is not None and confirms_unchanged(page.text, rule)
        for page, rule in zip(again, rules, strict=True)
    )
    fast_seconds = time.perf_counter() - started
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
        (f"fast path (one core; {confirmed} confirmed)", fast_seconds),
        ("store (one transaction each)", store_seconds),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    site = DemoSite(make_stories(args.pages))
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        passes = [
            *run_passes(site, scratch, fastpath=False),
            *run_passes(site, scratch, fastpath=True),
        ]
        stages = time_stages(site, scratch)
    site.close()
    print(f"redline check --all over {args.pages} local pages ({os.cpu_count()} cores)")
    header = f"{'pass':<36}{'seconds':>8}{'pages/s':>9}{'CPU ms/page':>13}{'peak RSS MiB':>14}"
    print(f"{header}{'fast path':>11}")
    for figures in passes:
        print(
            f"{figures.name:<36}{figures.seconds:>8.2f}{args.pages / figures.seconds:>9.1f}"
            f"{1000 * figures.cpu_seconds / args.pages:>13.2f}{figures.peak_rss_mib:>14.1f}"
            f"{figures.fast_share:>11.0%}"
        )
    print(f"every edited page came out new_version ({args.pages // EDITED_SHARE} a pass)")
    print(f"\n{'stage alone, same pages':<36}{'seconds':>8}{'ms/page':>9}")
    for name, seconds in stages:
        print(f"{name:<36}{seconds:>8.2f}{1000 * seconds / args.pages:>9.2f}")


if __name__ == "__main__":
    main()
