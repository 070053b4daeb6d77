"""``redline status``: per-source health and the alarms a silent breakage raises."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from handclock import Clock
from localsite import LocalSite
from redline.cli import cli
from redline.demo import FIRST_EDITION, render_page
from redlines import RedlineFactory

LINKS_ONLY = "<html><body>" + "".join(f'<a href="/{n}">Story {n}</a>' for n in range(30))


def test_status_counts_per_source_and_raises_the_alarms(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock
) -> None:
    story = FIRST_EDITION[0]
    short = dataclasses.replace(
        FIRST_EDITION[1], paragraphs=FIRST_EDITION[1].paragraphs + FIRST_EDITION[0].paragraphs
    )
    site.page("/ok", render_page(story, FIRST_EDITION, 1))
    site.page("/shrinks", render_page(short, FIRST_EDITION, 1))
    site.page("/redesigned", render_page(story, FIRST_EDITION, 1))
    redline = make_redline()
    redline.add([site.url("/ok"), site.url("/shrinks")], source="steady")
    redline.add([site.url("/redesigned")], source="broken")
    redline.add([site.url("/ok?by=hand")])
    redline.check(all_active=True)
    cut = dataclasses.replace(short, paragraphs=short.paragraphs[:1])
    site.page("/shrinks", render_page(cut, FIRST_EDITION, 2))
    site.page("/redesigned", LINKS_ONLY)
    for _ in range(3):
        clock.now += timedelta(hours=1)
        redline.check(all_active=True)
    health = {h.source: h for h in redline.status()}
    assert list(health) == [None, "broken", "steady"]
    steady, broken = health["steady"], health["broken"]
    assert (steady.articles, steady.active, steady.checks, steady.new_versions) == (2, 2, 8, 3)
    assert steady.shrunk_articles == (2,) and steady.errors == 0
    assert any("shrank by more than half in article(s) 2" in a for a in steady.alarms)
    assert (broken.checks, broken.errors, broken.extraction_errors) == (4, 3, 3)
    assert broken.alarms and broken.alarms[0].startswith("extraction failing: 3 of 4 checks")
    assert health[None].alarms == ()


def test_the_window_is_the_last_24_hours(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock
) -> None:
    site.page("/ok", render_page(FIRST_EDITION[0], FIRST_EDITION, 1))
    redline = make_redline()
    redline.add([site.url("/ok")], source="s")
    redline.check()
    clock.now += timedelta(hours=25)
    (health,) = redline.status()
    assert (health.articles, health.checks, health.new_versions) == (1, 0, 0)


def test_status_json_from_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    CliRunner().invoke(cli, ["--db", db, "add", "https://news.test/a", "--source", "news"])
    result = CliRunner().invoke(cli, ["--db", db, "status", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "source": "news",
            "articles": 1,
            "active": 1,
            "stopped": 0,
            "checks_24h": 0,
            "new_versions_24h": 0,
            "errors_24h": 0,
            "error_rate_24h": 0.0,
            "alarms": [],
        }
    ]
