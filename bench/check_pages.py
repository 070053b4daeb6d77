"""How long one ``redline check --all`` over 100 local pages takes, and its peak memory.

Serves 100 article pages (with full site chrome) on 127.0.0.1, runs the real
command in a child process on a fresh SQLite database, twice: the first pass
stores 100 first versions, the second re-fetches 100 unchanged pages. Prints a
table: wall seconds, pages per second and the child's peak RSS.

    python bench/check_pages.py [--pages 100]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redline.demo import FIRST_EDITION, DemoSite, Story


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
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"redline check failed with status {child.returncode}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    site = DemoSite(make_stories(args.pages))
    with tempfile.TemporaryDirectory() as scratch:
        database, config = Path(scratch) / "bench.db", Path(scratch) / "bench.toml"
        config.write_text("[fetch]\nallow_private_networks = true\n")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "redline",
                "--db",
                str(database),
                "add",
                *(site.url(story) for story in site.stories),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows = [
            ("first pass (new versions)", *run_check(database, config)),
            ("second pass (unchanged)", *run_check(database, config)),
        ]
    site.close()
    print(f"redline check --all over {args.pages} local pages ({os.cpu_count()} cores)")
    print(f"{'pass':<28}{'seconds':>9}{'pages/s':>9}{'peak RSS MiB':>14}")
    for name, seconds, rss in rows:
        print(f"{name:<28}{seconds:>9.2f}{args.pages / seconds:>9.1f}{rss:>14.1f}")


if __name__ == "__main__":
    main()
