"""Change cards through the ``redline`` command, against pages served on 127.0.0.1:
show, changes, diff, reclassify and reextract, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from clirun import LOOPBACK_CONFIG, Run, cli_runner
from localsite import LocalSite
from redline.cards import CLASSIFIER_VERSION
from redline.demo import FIRST_EDITION, Story, render_page
from redline.model import ChangeKind

BRIDGE = FIRST_EDITION[0]
LEAD, COST, FERRY = BRIDGE.paragraphs
PRICIER = COST.replace("410 million", "450 million")
SEED = [
    found
    for folder in Path(__file__).resolve().parents  # ../shared beside a checkout or a worktree
    for found in sorted(folder.glob("shared/seeds/000_*.txt"))
][:1]


def edition(
    *paragraphs: str, headline: str = BRIDGE.headline, byline: str = BRIDGE.byline
) -> Story:
    """The bridge story with these paragraphs (its own by default), headline and byline."""
    return Story(BRIDGE.slug, headline, byline, paragraphs or BRIDGE.paragraphs)


EDITS: dict[ChangeKind, Story] = {
    ChangeKind.HEADLINE: edition(headline="Council approves harbour bridge"),
    ChangeKind.BYLINE: edition(byline="Maria Okafor and Sam Hale"),
    ChangeKind.LEDE: edition(
        LEAD.replace("on Tuesday night", "late on Tuesday night"), COST, FERRY
    ),
    ChangeKind.ADDED: edition(*BRIDGE.paragraphs, "Construction is due to begin next spring."),
    ChangeKind.REMOVED: edition(LEAD, COST),
    ChangeKind.MOVED: edition(LEAD, FERRY, COST),
    ChangeKind.NUMBERS: edition(LEAD, PRICIER, FERRY),
    ChangeKind.QUOTES: edition(LEAD, COST, FERRY + ' "It is a waste of money," one resident said.'),
    ChangeKind.NAMES: edition(
        LEAD, COST, FERRY.replace("Opponents said", "Opponents led by Peter Grant said")
    ),
    ChangeKind.CORRECTION: edition(
        *BRIDGE.paragraphs,
        "Correction: an earlier version of this article misstated the number of passengers.",
    ),
    ChangeKind.TYPO: edition(LEAD, COST.replace("expected", "expcted"), FERRY),
    ChangeKind.REWRITE: edition(  # of about the same length: a text that halves is held back
        "Councillors gave the green light this week to a long-disputed crossing over the"
        " harbour, closing a row about money and its path that had run for over a decade.",
        "Motorists, trams and cyclists will each get their own lanes on the span, whose price"
        " is put at well over four hundred million.",
        "Critics argued the cash should rather go to the ferries, which many thousands of"
        " people use every day.",
    ),
    ChangeKind.STEALTH: edition(LEAD, PRICIER, FERRY),
}
"""An edit of each kind but ``revert`` (a flow of its own), to the bridge story."""

CARD_KEYS = ["kinds", "significance", "summary", "reasons", "sentences", "numbers", "revert_of"]


@pytest.fixture
def run(tmp_path: Path, database_url: str) -> Run:
    return cli_runner(tmp_path, database_url)


def serve(site: LocalSite, story: Story, request_number: int, path: str = "/news/bridge") -> str:
    site.page(path, render_page(story, FIRST_EDITION, request_number))
    return site.url(path)


def track(run: Run, site: LocalSite, *editions: Story, path: str = "/news/bridge") -> str:
    """Add the page at ``path`` and check it once per edition served there; its URL."""
    url = serve(site, editions[0], 1, path)
    assert run("add", url, "--source", "gazette").exit_code == 0
    for number, story in enumerate(editions):
        serve(site, story, number + 1, path)
        assert run("check", url).exit_code == 0
    return url


def versions(run: Run, ref: str) -> list[dict[str, Any]]:
    """The versions ``redline show --json`` lists."""
    shown: list[dict[str, Any]] = json.loads(run("show", ref, "--json").output)["versions"]
    return shown


@pytest.mark.parametrize("kind", list(EDITS), ids=str)
def test_an_edit_of_each_kind_shows_that_kind_in_show(
    run: Run, site: LocalSite, kind: ChangeKind
) -> None:
    url = track(run, site, BRIDGE, EDITS[kind])
    first, second = versions(run, url)
    assert first["change"] is None  # version 0 has no card
    change = second["change"]
    assert isinstance(change, dict) and list(change) == CARD_KEYS
    assert kind.value in change["kinds"]
    assert 0 <= change["significance"] <= 1 and change["summary"]
    assert set(change["sentences"]) == {"added", "deleted", "edited", "moved"}


def test_the_numbers_card_lists_each_number_as_old_and_new(run: Run, site: LocalSite) -> None:
    url = track(run, site, BRIDGE, EDITS[ChangeKind.NUMBERS])
    change = versions(run, url)[1]["change"]
    assert isinstance(change, dict)
    assert change["numbers"] == [{"old": "410 million", "new": "450 million"}]
    assert "410 million → 450 million" in change["summary"]


def test_a_revert_that_persists_is_a_version_naming_the_one_it_returns_to(
    run: Run, site: LocalSite
) -> None:
    url = track(run, site, BRIDGE, EDITS[ChangeKind.NUMBERS], BRIDGE)
    assert len(versions(run, url)) == 2  # a flip back, seen once: suppressed
    serve(site, BRIDGE, 9)
    assert "new version" in run("check", url).output  # seen again on the next check
    third = versions(run, url)[2]["change"]
    assert isinstance(third, dict)
    assert third["revert_of"] == 0 and ChangeKind.REVERT.value in third["kinds"]


def test_show_prints_each_versions_summary_beside_it(run: Run, site: LocalSite) -> None:
    url = track(run, site, BRIDGE, EDITS[ChangeKind.NUMBERS])
    lines = run("show", url).output.splitlines()
    [line] = [line for line in lines if line.strip().startswith("1  ")]
    assert line.endswith("— 1 number changed (410 million → 450 million).")


def test_diff_puts_the_summary_above_and_json_holds_the_card(run: Run, site: LocalSite) -> None:
    url = track(run, site, BRIDGE, EDITS[ChangeKind.HEADLINE], EDITS[ChangeKind.NUMBERS])
    lines = run("diff", url).output.splitlines()
    assert lines[0] == "Version 1 → Version 2"
    assert lines[1].startswith("Headline changed") and "number" in lines[1]  # 1 → 2
    latest = json.loads(run("diff", url, "--format", "json").output)["change"]
    assert latest["kinds"] == versions(run, url)[2]["change"]["kinds"]
    assert ChangeKind.HEADLINE.value in latest["kinds"]  # changed back from version 1's
    across = json.loads(run("diff", url, "--from", "0", "--to", "2", "--format", "json").output)
    assert across["change"]["kinds"] == ["numbers", "stealth"]  # computed for 0 → 2 alone


def test_changes_lists_the_archive_newest_first_and_filters_it(run: Run, site: LocalSite) -> None:
    track(run, site, BRIDGE, EDITS[ChangeKind.NUMBERS], path="/news/costs")
    track(run, site, BRIDGE, EDITS[ChangeKind.TYPO], path="/news/typo")
    listed = json.loads(run("changes", "--json").output)
    assert [change["url"].rsplit("/", 1)[1] for change in listed] == ["typo", "costs"]
    assert list(listed[0]) == [
        "article_id", "url", "source", "title", "version", "seen_at", "kinds", "significance",
        "summary",
    ]  # fmt: skip
    assert listed[0]["kinds"] == ["typo"] and listed[0]["version"] == 1

    def urls(*options: str) -> list[str]:
        found = json.loads(run("changes", "--json", *options).output)
        return [change["url"].rsplit("/", 1)[1] for change in found]

    assert urls("--kind", "numbers") == ["costs"]
    assert urls("--kind", "NUMBERS", "--kind", "typo") == ["typo", "costs"]
    assert urls("--min-significance", "0.5") == ["costs"]
    assert urls("--since", "1h", "--limit", "1") == ["typo"]
    assert urls("--since", "2999-01-01") == []
    assert urls("--source", "gazette", "--kind", "rewrite") == []
    lines = run("changes", "--kind", "typo").output.splitlines()
    assert lines[0].endswith(" version 1  0.07  typo") or lines[0].endswith("  typo")
    assert lines[1:] == ["    1 typo fixed.", f"    {BRIDGE.headline} <{site.url('/news/typo')}>"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--kind", "gossip"), "'gossip' is not one of 'headline', 'byline', 'lede'"),
        (("--since", "last tuesday"), "--since: expected a duration like '12h' or '7d'"),
        (("--source", "nowhere"), "no source named 'nowhere'"),
    ],
)
def test_changes_refuses_what_it_cannot_filter_by(
    run: Run, options: tuple[str, ...], message: str
) -> None:
    refused = run("changes", *options)
    assert refused.exit_code == 2 and message in refused.output


def test_a_bad_since_is_one_line(run: Run) -> None:
    refused = run("changes", "--since", "soon")
    assert refused.output.strip().count("\n") == 0 and refused.output.startswith("redline: error")


def test_reclassify_recomputes_stale_cards_and_adds_no_version(
    run: Run, site: LocalSite, database_url: str
) -> None:
    url = track(run, site, BRIDGE, EDITS[ChangeKind.NUMBERS], EDITS[ChangeKind.TYPO])
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE change_cards SET classifier_version = '0-stale'"))
            connection.execute(
                text("UPDATE change_cards SET summary = 'stale' WHERE revert_of IS NULL")
            )
        assert run("reclassify").output == "computed 2 change card(s) again\n"
        assert run("reclassify", url).output == "computed 0 change card(s) again\n"
        assert run("reclassify", url, "--all").output == "computed 2 change card(s) again\n"
        with engine.connect() as connection:
            made_by = connection.execute(text("SELECT classifier_version FROM change_cards"))
            assert set(made_by.scalars()) == {CLASSIFIER_VERSION}
    finally:
        engine.dispose()
    shown = versions(run, url)
    assert len(shown) == 3 and all(v["change"]["summary"] != "stale" for v in shown[1:])


def test_reextract_recomputes_the_cards_of_the_texts_it_replaced(
    tmp_path: Path, database_url: str, site: LocalSite
) -> None:
    """The figure changed in a box a new [[sites]] rule drops: the change was no change."""
    boxed = Story(BRIDGE.slug, BRIDGE.headline, BRIDGE.byline, (LEAD, "Box: 410 seats.", FERRY))
    edited = Story(BRIDGE.slug, BRIDGE.headline, BRIDGE.byline, (LEAD, "Box: 450 seats.", FERRY))
    run = cli_runner(tmp_path, database_url)
    for number, story in enumerate((boxed, edited)):
        page = render_page(story, FIRST_EDITION, number + 1)
        site.page("/news/bridge", page.replace("<p>Box:", '<p class="box">Box:'))
        if number == 0:
            run("add", site.url("/news/bridge"))
        run("check", "1")
    assert ChangeKind.NUMBERS.value in versions(run, "1")[1]["change"]["kinds"]
    rule = '\n[[sites]]\nhost = "127.0.0.1"\nbody = ".article-body"\ndrop = [".box"]\n'
    ruled = cli_runner(tmp_path, database_url, LOOPBACK_CONFIG + rule)
    assert "2 text(s) repaired" in ruled("reextract").output
    change = versions(ruled, "1")[1]["change"]
    assert isinstance(change, dict) and change["kinds"] == [] and len(versions(ruled, "1")) == 2


@pytest.mark.skipif(not SEED, reason="the seed stories are not beside this checkout")
def test_the_seed_story_s_card_says_its_headline_changed(run: Run, site: LocalSite) -> None:
    """NewsSniffer's Independent article, whose headline gained "to Baghdad"."""
    old_headline, new_headline, paragraphs = _seed_story(SEED[0].read_text(encoding="utf-8"))
    assert new_headline == f"{old_headline} to Baghdad"
    before = Story("iraq", old_headline, "AP", paragraphs)
    url = track(run, site, before, Story("iraq", new_headline, "AP", paragraphs), path="/iraq")
    change = versions(run, url)[1]["change"]
    assert isinstance(change, dict) and ChangeKind.HEADLINE.value in change["kinds"]
    assert change["summary"].startswith("Headline changed")
    [listed] = json.loads(run("changes", "--kind", "headline", "--json").output)
    assert listed["summary"] == change["summary"] and listed["title"] == new_headline


def _seed_story(page: str) -> tuple[str, str, tuple[str, ...]]:
    """The two headlines of a NewsSniffer side-by-side page whose columns share their start,
    and the text below them."""
    lines = page.splitlines()
    at = lines.index("Version 0 Version 1") + 1
    both = lines[at]
    split = next(
        index
        for index, letter in enumerate(both)
        if letter == " " and both[index + 1 :].startswith(both[:index])
    )
    body = tuple(line for line in lines[at + 2 :] if line.strip())
    return both[:split], both[split + 1 :], body
