"""``redline status``: per-source health and the alarms a silent breakage raises."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from handclock import Clock
from localsite import LocalSite
from redline.cli import cli
from redline.demo import FIRST_EDITION, render_page
from redline.errors import ErrorKind
from redline.model import ArticleStatus, NextCheck, Observation
from redline.store import SourceHealth, Store
from redlines import RedlineFactory

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)

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
    assert json.loads(result.stdout) == {
        "sources": [
            {
                "source": "news",
                "articles": 1,
                "active": 1,
                "stopped": 0,
                "checks_24h": 0,
                "fast_checks_24h": 0,
                "new_versions_24h": 0,
                "errors_24h": 0,
                "error_rate_24h": 0.0,
                "alarms": [],
            }
        ],
        "notifications": {
            "pending": 0,
            "retrying": 0,
            "failed": 0,
            "failed_rules": [],
            "alarms": [],
        },
    }


def failed_checks(database_url: str, failures: list[tuple[str, ErrorKind]]) -> SourceHealth:
    """The health of a source whose one article failed as ``failures`` say (message, kind)."""
    store = Store.open(database_url)
    try:
        article, _ = store.add_article("https://news.test/a", source="s", now=T0)
        plan = NextCheck(T0 + timedelta(hours=1), timedelta(hours=1), ArticleStatus.ACTIVE)
        for n, (message, kind) in enumerate(failures):
            seen = Observation(T0 + timedelta(minutes=n), 0.1, 200, error=message, error_kind=kind)
            store.record_check(article.id, seen, lambda changed, previous: plan)
        (health,) = store.health(T0 + timedelta(hours=1))
        return health
    finally:
        store.close()


def test_rewording_a_message_cannot_switch_the_extraction_alarm_off(database_url: str) -> None:
    reworded = [("the page holds nothing we could read", ErrorKind.NO_ARTICLE)] * 2
    health = failed_checks(database_url, [*reworded, ("parser broke", ErrorKind.INTERNAL)])

    assert (health.checks, health.errors, health.extraction_errors) == (3, 3, 3)
    assert health.alarms[0].startswith("extraction failing: 3 of 3 checks found no article")


def test_an_error_that_only_reads_like_no_article_is_no_extraction_failure(
    database_url: str,
) -> None:
    health = failed_checks(database_url, [("no article text: HTTP 404", ErrorKind.HTTP_STATUS)] * 3)

    assert (health.errors, health.extraction_errors) == (3, 0)
    assert health.alarms[0] == "100% of checks failed"


def test_a_page_a_limit_stopped_the_extractor_on_counts_as_an_extraction_failure(
    database_url: str,
) -> None:
    kinds = [ErrorKind.TOO_COMPLEX, ErrorKind.EXTRACTION_TIMEOUT, ErrorKind.WORKER_CRASHED]
    health = failed_checks(database_url, [("stopped", kind) for kind in kinds])

    assert (health.errors, health.extraction_errors) == (3, 3)
    assert health.alarms[0].startswith("extraction failing: 3 of 3 checks found no article")
