"""The fast path in the check pass: which checks it decides, what the log and status say.

A demo story is served with fresh chrome on every request and checked an hour
apart (a day apart would pass ``[fastpath] full_after``'s default of 24 hours).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from handclock import Clock
from localsite import LocalSite
from redline import CheckOutcome, CheckPath, Config, Redline
from redline.cli import cli
from redline.config import FastPathConfig, SiteRule
from redline.demo import FIRST_EDITION
from redline.extract import EXTRACTOR_VERSION
from redline.model import ExtractedArticle
from redlines import LOOPBACK, RedlineFactory
from test_pipeline import Newsroom

STORY = FIRST_EDITION[0]


def with_fastpath(settings: FastPathConfig) -> Config:
    return dataclasses.replace(LOOPBACK, fastpath=settings)


@pytest.fixture
def newsroom(site: LocalSite) -> Newsroom:
    return Newsroom(site, STORY)


def check_in(redline: Redline, clock: Clock, hours: float = 1) -> CheckOutcome:
    clock.advance(hours=hours)
    (result,) = redline.check(all_active=True).results
    return result.outcome


def paths(redline: Redline, url: str) -> list[CheckPath | None]:
    """Which path decided each check of ``url``, oldest first."""
    return [check.decided_by for check in reversed(redline.checks(url, limit=100))]


FULL, FAST = CheckPath.FULL, CheckPath.FAST


def test_an_unchanged_page_is_confirmed_by_the_fast_path_and_an_edit_is_not(
    make_redline: RedlineFactory, newsroom: Newsroom, clock: Clock
) -> None:
    redline = make_redline()
    redline.add([newsroom.url])
    outcomes = [check_in(redline, clock) for _ in range(3)]
    newsroom.edit(paragraphs=(*STORY.paragraphs[:-1], STORY.paragraphs[-1] + " Or so they say."))
    outcomes += [check_in(redline, clock), check_in(redline, clock)]
    assert outcomes == [
        CheckOutcome.NEW_VERSION,
        CheckOutcome.UNCHANGED,
        CheckOutcome.UNCHANGED,
        CheckOutcome.NEW_VERSION,
        CheckOutcome.UNCHANGED,
    ]
    assert paths(redline, newsroom.url) == [FULL, FAST, FAST, FULL, FAST]
    assert [version.paragraphs[-1] for version in redline.versions(newsroom.url)] == [
        STORY.paragraphs[-1],
        STORY.paragraphs[-1] + " Or so they say.",
    ]


def test_every_nth_check_and_an_old_rule_go_the_full_path(
    make_redline: RedlineFactory, newsroom: Newsroom, clock: Clock
) -> None:
    redline = make_redline(
        with_fastpath(FastPathConfig(full_every=3, full_after=timedelta(hours=6)))
    )
    redline.add([newsroom.url])
    for _ in range(6):
        check_in(redline, clock)
    check_in(redline, clock, hours=1)  # the rule learned at the 6th check is an hour old
    check_in(redline, clock, hours=7)  # ... and now 8 hours old
    assert paths(redline, newsroom.url) == [FULL, FAST, FAST, FULL, FAST, FAST, FULL, FULL]


def test_with_the_fast_path_off_every_check_extracts(
    make_redline: RedlineFactory, newsroom: Newsroom, clock: Clock
) -> None:
    redline = make_redline(with_fastpath(FastPathConfig(enabled=False)))
    redline.add([newsroom.url])
    assert [check_in(redline, clock) for _ in range(3)][1:] == [CheckOutcome.UNCHANGED] * 2
    assert paths(redline, newsroom.url) == [FULL, FULL, FULL]


def test_a_new_site_rule_re_baselines_quietly_without_the_old_rule(
    make_redline: RedlineFactory, newsroom: Newsroom, clock: Clock
) -> None:
    redline = make_redline()
    redline.add([newsroom.url])
    check_in(redline, clock)
    check_in(redline, clock)
    ruled = dataclasses.replace(
        LOOPBACK, sites=(SiteRule(host="127.0.0.1", body="div.article-body"),)
    )
    redline = make_redline(ruled)
    outcomes = [check_in(redline, clock), check_in(redline, clock)]
    assert outcomes == [CheckOutcome.UNCHANGED, CheckOutcome.UNCHANGED]
    assert paths(redline, newsroom.url) == [FULL, FAST, FULL, FAST]
    assert len(redline.versions(newsroom.url)) == 1


def test_a_version_whose_text_is_replaced_is_learned_again(
    make_redline: RedlineFactory, newsroom: Newsroom, clock: Clock
) -> None:
    """A rule learned for the old text would confirm a page that no longer makes it."""
    redline = make_redline()
    redline.add([newsroom.url])
    check_in(redline, clock)
    assert redline.article(newsroom.url).fastpath_rule is not None
    (version,) = redline.versions(newsroom.url)
    shorter = ExtractedArticle(
        version.title, version.byline, None, version.paragraphs[:-1], "generic", EXTRACTOR_VERSION
    )
    assert redline.store.replace_text(version.article_id, 0, shorter, clock.now)
    assert redline.article(newsroom.url).fastpath_rule is None
    assert check_in(redline, clock) is CheckOutcome.NEW_VERSION
    assert paths(redline, newsroom.url) == [FULL, FULL]


def test_the_check_log_and_status_say_which_path_decided(
    tmp_path: Path, site: LocalSite, newsroom: Newsroom, clock: Clock
) -> None:
    database, config = str(tmp_path / "x.db"), tmp_path / "redline.toml"
    config.write_text("[fetch]\nallow_private_networks = true\nper_host_delay = 0\n")
    runner = CliRunner()
    for command in (["add", newsroom.url], ["check", "--all"], ["check", "--all"]):
        result = runner.invoke(cli, ["--db", database, "--config", str(config), *command])
        assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(cli, ["--db", database, "show", "1", "--json"]).stdout)
    assert [check["decided_by"] for check in shown["recent_checks"]] == ["fast", "full"]
    text = runner.invoke(cli, ["--db", database, "show", "1"]).stdout
    assert "unchanged (fast path)" in text
    status = json.loads(runner.invoke(cli, ["--db", database, "status", "--json"]).stdout)
    assert [(s["checks_24h"], s["fast_checks_24h"]) for s in status["sources"]] == [(2, 1)]
    assert " fast " in runner.invoke(cli, ["--db", database, "status"]).stdout
