"""How long ``redline --help``, ``redline list`` and ``redline show 1`` take, start to end.

Builds a small SQLite archive (``--articles`` articles, three versions and a few
checks each, with their change cards), then runs each command ``--runs`` times in
a fresh interpreter and prints the median wall time. Each command runs once first,
unmeasured, with bytecode writing allowed: an installed redline runs from cached
bytecode, so a measurement that compiles the sources each time would mislead.

Run: ``python bench/startup.py [--runs 10] [--articles 20]``; ``--pythonpath DIR``
runs the commands against another checkout's ``src`` (the figures before a change),
on the archive this one builds. Timings vary with the machine's load; the figures go
in the report, not in tests (tests/test_startup.py checks what the commands import).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redline.model import ArticleStatus, ExtractedArticle, NextCheck, Observation
from redline.store import Store

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
COMMANDS = (["--help"], ["list"], ["show", "1"])
TEXTS = (
    ("The council met on Monday.", "It voted 5 to 4."),
    ("The council met on Monday night.", "It voted 5 to 4."),
    ("The council met on Monday night.", "It voted 6 to 3, a clerk said.", "Jo left."),
)
"""Each article's three versions: a word added, then a number changed and a paragraph."""


def build_archive(path: Path, articles: int) -> None:
    """A SQLite archive at ``path`` with ``articles`` articles of three versions each."""

    def plan(changed: bool, previous: timedelta | None) -> NextCheck:
        return NextCheck(T0 + timedelta(hours=1), timedelta(hours=1), ArticleStatus.ACTIVE)

    store = Store.open(f"sqlite:///{path}")
    try:
        for number in range(articles):
            article, _ = store.add_article(f"https://news.test/{number}", source="news", now=T0)
            for hour, paragraphs in enumerate(TEXTS * 2):  # each text seen twice
                body = ExtractedArticle(
                    f"Story {number}", "Jo Bloggs", None, paragraphs, "generic", "bench"
                )
                seen = Observation(
                    T0 + timedelta(hours=hour), 0.1, 200, article=body, extractor_version="bench"
                )
                store.record_check(article.id, seen, plan)
    finally:
        store.close()


def wall_times(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Seconds each of ``runs`` fresh runs of ``command`` took, after one unmeasured run."""
    subprocess.run(command, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--pythonpath", help="run the commands against this src folder")
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        build_archive(database, args.articles)
        redline = [sys.executable, "-c", "from redline.cli import main; main()"]
        print(f"median of {args.runs} runs, {args.articles} articles of 3 versions (SQLite)")
        for command in COMMANDS:
            times = wall_times([*redline, "--db", str(database), *command], env, args.runs)
            print(
                f"redline {' '.join(command):<8} {statistics.median(times):.3f} s"
                f"  (min {min(times):.3f}, max {max(times):.3f})"
            )


if __name__ == "__main__":
    main()
