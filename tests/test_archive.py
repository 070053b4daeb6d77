"""The raw archive: every version's response kept, re-extraction, WARC export, held-back shrinks."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

import redline.extract as extraction
from handclock import Clock
from localsite import LocalSite, Request, Route
from redline import CheckOutcome, Config, Redline, SiteRule
from redline.cli import cli
from redline.config import VersionPolicy
from redline.extract import EXTRACTOR_VERSION, ExtractedArticle
from redline.extract._boilerplate import without_boilerplate
from redline.model import ArticleStatus, NextCheck, Observation
from redline.store import ArchiveStore, Store
from redline.store.archive import MAX_CHAIN
from redline.store.tables import BodyRow, ReplacedTextRow
from redlines import LOOPBACK, RedlineFactory

PARAGRAPHS = (
    "The harbour bridge will open to traffic next spring, the council said on Tuesday.",
    "Its cost has risen to 410 million pounds, from the 300 million first estimated.",
    "Residents of both shores have waited more than a decade for the crossing.",
)
# a paragraph of another story inside the article: generic extraction takes it as text
PROMO = "The old ferry terminal will close for repairs over the winter months, port officials say."


class Story:
    """An article page whose text the test edits; every render stamps a new time on it."""

    def __init__(self, site: LocalSite, path: str = "/news/bridge") -> None:
        self.site, self.path = site, path
        self.paragraphs: tuple[str, ...] = PARAGRAPHS
        self.promo: str | None = PROMO
        self.renders = 0
        site.routes[path] = self._render

    @property
    def url(self) -> str:
        return self.site.url(self.path)

    def html(self) -> str:
        self.renders += 1
        body = "".join(f"<p>{text}</p>" for text in self.paragraphs)
        promo = f'<p class="extra">{self.promo}</p>' if self.promo else ""
        return (
            "<!doctype html><html><head><title>Bridge | Gazette</title></head><body>"
            f"<header>Gazette · page rendered at render {self.renders}</header>"
            f"<article><h1>Harbour bridge to open in spring</h1>{body}{promo}</article>"
            "</body></html>"
        )

    def _render(self, request: Request) -> Route:
        headers = {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": "session=secret"}
        return Route(self.html().encode(), headers=headers)


def with_rules(*rules: SiteRule) -> Config:
    """The config reaching the test's server on 127.0.0.1, with ``rules`` as its [[sites]]."""
    return dataclasses.replace(LOOPBACK, sites=rules)


DROP_PROMO = SiteRule(host="127.0.0.1", drop=(".extra",))


@pytest.fixture
def story(site: LocalSite) -> Story:
    return Story(site)


def check(redline: Redline, clock: Clock) -> CheckOutcome:
    clock.now += timedelta(days=1)
    (result,) = redline.check(all_active=True).results
    return result.outcome


def edit(story: Story, old: str, new: str) -> None:
    story.paragraphs = tuple(text.replace(old, new) for text in story.paragraphs)


def count(redline: Redline, table: type[BodyRow] | type[ReplacedTextRow]) -> int:
    with redline.store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


# Archiving


def test_every_new_version_keeps_the_response_it_came_from(
    redline: Redline, story: Story, clock: Clock
) -> None:
    redline.add([story.url])
    assert check(redline, clock) is CheckOutcome.NEW_VERSION
    assert check(redline, clock) is CheckOutcome.UNCHANGED
    edit(story, "410 million", "420 million")
    assert check(redline, clock) is CheckOutcome.NEW_VERSION
    first, second = redline.captures(story.url)
    assert (first.version, second.version) == (0, 1)
    assert b"410 million" in first.body and b"420 million" in second.body
    assert first.url == story.url and first.status == 200
    assert first.header("content-type") == "text/html; charset=utf-8"
    assert first.header("set-cookie") is None  # never archive a session
    assert first.fetched_at == redline.versions(story.url)[0].seen_at


def edited_pages(count: int) -> list[bytes]:
    """``count`` renders of a ~150 KB page, each with one more word changed than the last."""
    words = [f"word{n * 7919 % 10007}" for n in range(24_000)]
    pages = []
    for edit in range(count):
        words[edit * 1000] = f"edited{edit}"
        pages.append(f"<html><body><p>{' '.join(words)}</p></body></html>".encode())
    return pages


def test_bodies_compress_against_the_previous_one_in_bounded_chains(database_url: str) -> None:
    store = Store.open(database_url)
    article, _ = store.add_article("https://news.test/a", source=None, now=Clock()())
    pages = edited_pages(MAX_CHAIN + 3)

    def hourly(changed: bool, previous: timedelta | None) -> NextCheck:
        return NextCheck(None, timedelta(hours=1), ArticleStatus.ACTIVE)

    for number, page in enumerate(pages):
        text = ExtractedArticle(
            f"Version {number}",
            None,
            None,
            ("Text.",),
            method="generic",
            extractor_version=EXTRACTOR_VERSION,
        )
        at = Clock()() + timedelta(hours=number)
        seen = Observation(at, 0.1, 200, final_url=article.url, article=text, body=page)
        store.record_check(article.id, seen, hourly)
    assert [c.body for c in ArchiveStore(store.engine).captures(article.id)] == pages
    with store.engine.connect() as connection:
        rows = connection.execute(select(BodyRow.depth, func.length(BodyRow.data))).all()
    store.close()
    assert [depth for depth, _ in rows] == [n % (MAX_CHAIN + 1) for n in range(len(pages))]
    alone = [size for depth, size in rows if depth == 0]
    chained = [size for depth, size in rows if depth > 0]
    assert max(chained) * 20 < min(alone)  # an edit costs little next to the whole page


def test_identical_bodies_are_stored_once(redline: Redline, site: LocalSite, clock: Clock) -> None:
    html = Story(site).html()
    site.page("/a", html)
    site.page("/b", html)
    redline.add([site.url("/a"), site.url("/b")])
    clock.now += timedelta(days=1)
    redline.check(all_active=True)
    assert len(redline.captures(site.url("/a")) + redline.captures(site.url("/b"))) == 2
    assert count(redline, BodyRow) == 1
    redline.remove(site.url("/a"))
    assert redline.captures(site.url("/b"))[0].body == html.encode()  # still needed by /b
    redline.remove(site.url("/b"))
    assert count(redline, BodyRow) == 0


def test_removing_an_article_deletes_the_bodies_only_it_used(
    redline: Redline, story: Story, clock: Clock
) -> None:
    redline.add([story.url])
    for figure in ("410", "420", "430"):  # a chain: each body compressed against the last
        story.paragraphs = tuple(text.replace("410", figure) for text in PARAGRAPHS)
        check(redline, clock)
    assert count(redline, BodyRow) == 3
    redline.remove(story.url)
    assert count(redline, BodyRow) == 0


# Re-extraction


def repaired_history(redline: Redline, url: str) -> list[tuple[int, datetime, bool]]:
    return [(v.number, v.seen_at, PROMO in v.paragraphs) for v in redline.versions(url)]


def test_reextract_repairs_a_mis_extracted_text_and_keeps_the_history(
    make_redline: RedlineFactory, story: Story, clock: Clock
) -> None:
    with make_redline() as before_the_rule:
        before_the_rule.add([story.url])
        check(before_the_rule, clock)
        edit(story, "410 million", "420 million")
        check(before_the_rule, clock)
        history = repaired_history(before_the_rule, story.url)
    assert [promo for *_, promo in history] == [True, True]  # the promo was taken as text

    with make_redline(with_rules(DROP_PROMO)) as with_the_rule:
        (result,) = with_the_rule.reextract()
        assert result.repaired == (0, 1) and result.failed == () and result.unarchived == 0
        repaired = repaired_history(with_the_rule, story.url)
        assert [(n, at) for n, at, _ in repaired] == [(n, at) for n, at, _ in history]
        assert [promo for *_, promo in repaired] == [False, False]
        _, _, changes = with_the_rule.diff(story.url)
        changed = [(op.op, op.text.strip()) for op in changes.body if op.op != "equal"]
        assert changed == [("delete", "410"), ("insert", "420")]
        assert count(with_the_rule, ReplacedTextRow) == 2  # the old texts are kept
        (again,) = with_the_rule.reextract()
        assert again.repaired == ()


def test_many_articles_are_reextracted_on_worker_processes(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock
) -> None:
    stories = [Story(site, f"/news/{number}") for number in range(12)]  # over the inline limit
    with make_redline() as before_the_rule:
        before_the_rule.add([story.url for story in stories])
        clock.now += timedelta(days=1)
        before_the_rule.check(all_active=True)
    with make_redline(with_rules(DROP_PROMO)) as with_the_rule:
        results = with_the_rule.reextract()
        assert with_the_rule._extraction.started  # the pool did the work
        assert [result.repaired for result in results] == [(0,)] * len(stories)
        assert all(PROMO not in with_the_rule.versions(s.url)[0].paragraphs for s in stories)


def test_a_change_that_came_from_mis_extraction_is_reported_after_the_repair(
    make_redline: RedlineFactory, story: Story, clock: Clock
) -> None:
    with make_redline() as before_the_rule:
        before_the_rule.add([story.url])
        check(before_the_rule, clock)
        story.promo = PROMO.replace("winter", "summer")  # only the junk changed
        assert check(before_the_rule, clock) is CheckOutcome.NEW_VERSION
    with make_redline(with_rules(DROP_PROMO)) as with_the_rule:
        (result,) = with_the_rule.reextract()
        assert result.redundant == (1,)
        _, _, changes = with_the_rule.diff(story.url)
        assert {op.op for op in changes.body} == {"equal"}


def test_a_rule_added_later_rebaselines_at_the_next_check_without_a_false_change(
    make_redline: RedlineFactory, story: Story, clock: Clock
) -> None:
    with make_redline() as before_the_rule:
        before_the_rule.add([story.url])
        check(before_the_rule, clock)
    with make_redline(with_rules(DROP_PROMO)) as with_the_rule:
        assert check(with_the_rule, clock) is CheckOutcome.UNCHANGED
        (version,) = with_the_rule.versions(story.url)
        assert PROMO not in version.paragraphs
        assert version.extractor_version.startswith(extraction.EXTRACTOR_VERSION + "+")
        edit(story, "next spring", "next summer")
        assert check(with_the_rule, clock) is CheckOutcome.NEW_VERSION
        _, _, changes = with_the_rule.diff(story.url)
        changed = [(op.op, op.text.strip()) for op in changes.body if op.op != "equal"]
        assert changed == [("delete", "spring"), ("insert", "summer")]


def test_an_extractor_upgrade_rebaselines_quietly(
    redline: Redline, story: Story, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    redline.add([story.url])
    check(redline, clock)

    def upgraded(paragraphs: list[str], *, title: str, byline: str | None) -> tuple[str, ...]:
        kept = without_boilerplate(paragraphs, title=title, byline=byline)
        return tuple(p for p in kept if "ferry" not in p)

    monkeypatch.setattr(extraction, "EXTRACTOR_VERSION", "upgraded")
    monkeypatch.setattr(extraction, "without_boilerplate", upgraded)
    assert check(redline, clock) is CheckOutcome.UNCHANGED
    (version,) = redline.versions(story.url)
    assert version.extractor_version == "upgraded" and PROMO not in version.paragraphs


def test_versions_from_before_the_archive_are_reported_not_touched(
    redline: Redline, story: Story, clock: Clock
) -> None:
    redline.add([story.url])
    check(redline, clock)
    with redline.store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM captures")
    (result,) = redline.reextract([story.url])
    assert (result.archived, result.unarchived, result.repaired) == (0, 1, ())


def test_a_page_the_new_rules_find_no_article_in_is_left_as_it_was(
    make_redline: RedlineFactory, story: Story, clock: Clock
) -> None:
    with make_redline() as plain:
        plain.add([story.url])
        check(plain, clock)
        before = plain.versions(story.url)
    drop_all = SiteRule(host="127.0.0.1", drop=("article",))
    with make_redline(with_rules(drop_all)) as broken:
        (result,) = broken.reextract([story.url])
        assert [number for number, _ in result.failed] == [0] and result.repaired == ()
        assert broken.versions(story.url) == before


# WARC export


def test_the_warc_file_holds_every_stored_response(
    redline: Redline, story: Story, site: LocalSite, clock: Clock
) -> None:
    other = Story(site, "/news/other")
    redline.add([story.url, other.url])
    clock.now += timedelta(days=1)
    redline.check(all_active=True)
    edit(story, "410", "420")
    clock.now += timedelta(days=1)
    redline.check(all_active=True)
    stored = redline.captures(story.url) + redline.captures(other.url)
    assert len(stored) == 3

    warc = io.BytesIO()
    assert redline.export_warc(warc) == 3
    warc.seek(0)
    kinds, responses = [], []
    for record in ArchiveIterator(warc):  # a record's content is read before the next
        kinds.append(record.rec_type)
        if record.rec_type == "response":
            uri = record.rec_headers.get_header("WARC-Target-URI")
            status = record.http_headers.get_statuscode()
            content_type = record.http_headers.get_header("Content-Type")
            responses.append((uri, status, content_type, record.content_stream().read()))
    assert kinds == ["warcinfo", "response", "response", "response"]
    assert sorted(responses) == sorted(
        (c.url, "200", "text/html; charset=utf-8", c.body) for c in stored
    )


def test_cli_reextracts_and_exports(
    make_redline: RedlineFactory, database_url: str, story: Story, clock: Clock, tmp_path: Path
) -> None:
    with make_redline() as opened:
        opened.add([story.url])
        check(opened, clock)
    config = tmp_path / "rules.toml"
    config.write_text(
        '[fetch]\nallow_private_networks = true\n\n[[sites]]\nhost = "127.0.0.1"\n'
        'drop = [".extra"]\n'
    )
    base = ["--db", database_url, "--config", str(config)]
    runner = CliRunner()
    reextracted = runner.invoke(cli, [*base, "reextract", "--article", story.url])
    assert reextracted.exit_code == 0, reextracted.output
    assert f"repaired     {story.url} (version 0)" in reextracted.output
    assert "1 text(s) repaired" in reextracted.output

    warc = tmp_path / "news.warc.gz"
    exported = runner.invoke(cli, [*base, "export", "--warc", str(warc)])
    assert exported.exit_code == 0 and "wrote 1 response record(s)" in exported.output
    with warc.open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Filename")) for r in ArchiveIterator(stream)
        ]
        assert records == [("warcinfo", "news.warc.gz"), ("response", None)]

    nowhere = runner.invoke(cli, [*base, "export", "--warc", str(tmp_path / "no" / "x.warc.gz")])
    assert nowhere.exit_code == 2
    assert nowhere.output.startswith("redline: error: Could not open file")

    unknown = runner.invoke(cli, [*base, "reextract", "--source", "nosuch"])
    assert unknown.exit_code == 2
    assert unknown.output.strip() == "redline: error: no archived pages of source 'nosuch'"


# Held-back shrinks


def test_a_text_that_loses_over_half_is_held_back_until_seen_again(
    redline: Redline, story: Story, clock: Clock
) -> None:
    story.paragraphs = PARAGRAPHS * 3
    redline.add([story.url])
    check(redline, clock)
    story.paragraphs, story.promo = PARAGRAPHS[:2], None
    assert check(redline, clock) is CheckOutcome.SUSPECT
    assert len(redline.versions(story.url)) == 1
    (health,) = redline.status()
    assert any("shrank by more than half" in alarm for alarm in health.alarms)
    assert check(redline, clock) is CheckOutcome.NEW_VERSION  # seen twice: a real cut
    assert redline.versions(story.url)[-1].paragraphs == PARAGRAPHS[:2]


def test_a_shrink_that_goes_away_leaves_no_version(
    redline: Redline, story: Story, clock: Clock
) -> None:
    story.paragraphs = PARAGRAPHS * 3
    redline.add([story.url])
    check(redline, clock)
    story.paragraphs = PARAGRAPHS[:2]
    assert check(redline, clock) is CheckOutcome.SUSPECT
    (latest,) = redline.checks(story.url, limit=1)
    assert latest.error is not None and "held back" in latest.error
    assert latest.error_kind is None  # held back, not failed: no kind of error
    story.paragraphs = PARAGRAPHS * 3
    assert check(redline, clock) is CheckOutcome.UNCHANGED
    assert len(redline.versions(story.url)) == 1


def test_the_hold_can_be_turned_off(
    make_redline: RedlineFactory, story: Story, clock: Clock
) -> None:
    story.paragraphs = PARAGRAPHS * 3
    no_hold = dataclasses.replace(LOOPBACK, versions=VersionPolicy(suspect_shrink=0))
    with make_redline(no_hold) as opened:
        opened.add([story.url])
        check(opened, clock)
        story.paragraphs = PARAGRAPHS[:2]
        assert check(opened, clock) is CheckOutcome.NEW_VERSION


def test_a_bug_re_extracting_the_stored_page_does_not_stop_the_check(
    redline: Redline, story: Story, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    redline.add([story.url])
    check(redline, clock)

    def broken(capture: object) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(extraction, "EXTRACTOR_VERSION", "upgraded")
    monkeypatch.setattr("redline.checking.capture_html", broken)
    assert check(redline, clock) is CheckOutcome.UNCHANGED  # compared with the stored text
