"""The ``redline`` command, end to end against pages served on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from clirun import Run, cli_runner
from localsite import LocalSite, Route
from redline.cli import cli
from redline.demo import FIRST_EDITION, render_page

STORY = FIRST_EDITION[1]


@pytest.fixture
def run(tmp_path: Path, database_url: str) -> Run:
    return cli_runner(tmp_path, database_url)


def serve(site: LocalSite, story_paragraphs: tuple[str, ...], n: int = 1) -> str:
    story = STORY.__class__(STORY.slug, STORY.headline, STORY.byline, story_paragraphs)
    site.page("/news/flood", render_page(story, FIRST_EDITION, n))
    return site.url("/news/flood")


def test_add_check_show_diff_feed_remove(run: Run, site: LocalSite) -> None:
    url = serve(site, STORY.paragraphs)
    added = run("add", url, "--source", "gazette")
    assert added.exit_code == 0 and added.output.startswith("added 1 ")
    assert run("add", url).output.startswith("already tracked 1 ")

    first = json.loads(run("check", "--json").output)
    assert first["checked"] == 1 and first["new_versions"] == 1
    assert first["results"] == [
        {
            "id": 1,
            "url": url,
            "outcome": "new_version",
            "version": 0,
            "error": None,
            "error_kind": None,
        }
    ]

    serve(site, (STORY.paragraphs[0].replace("about 300", "about 450"), *STORY.paragraphs[1:]), 2)
    second = run("check", "--all")
    assert second.exit_code == 0
    assert "new version" in second.output and "checked 1: 1 new version(s)" in second.output

    listed = json.loads(run("list", "--json").output)
    assert listed[0]["version_count"] == 2 and listed[0]["source"] == "gazette"
    assert {
        "id",
        "url",
        "source",
        "title",
        "version_count",
        "last_checked",
        "last_changed",
        "next_check",
        "status",
    } <= set(listed[0])

    shown = json.loads(run("show", "1", "--json").output)
    assert [v["number"] for v in shown["versions"]] == [0, 1]
    assert shown["title"] == STORY.headline and shown["status"] == "active"
    page = run("show", url).output
    assert "This article is from the source 'gazette'" in page
    assert "The article has changed 1 time." in page
    assert "Recent checks:" in page and "new version 1" in page
    assert [c["outcome"] for c in shown["recent_checks"]] == ["new_version", "new_version"]

    site.page("/news/flood", b"gone", Content_Type="text/plain")
    run("check", "--all")
    assert "error: not an HTML page: text/plain" in run("show", "1").output
    failed = json.loads(run("show", "1", "--json").output)["recent_checks"][0]
    assert (failed["http_status"], failed["error_kind"]) == (200, "content_type")

    ops = json.loads(run("diff", "1", "--format", "json").output)
    assert (ops["from"], ops["to"]) == (0, 1)
    assert ops["title"] == {"old": STORY.headline, "new": STORY.headline}
    assert [(o["op"], o["text"].strip()) for o in ops["ops"] if o["op"] != "equal"] == [
        ("delete", "300"),
        ("insert", "450"),
    ]
    text = run("diff", "1").output
    assert "[-300-]" in text and "{+450+}" in text and "\x1b[" not in text
    assert "<del" in run("diff", "1", "--format", "html").output

    feed = feedparser.parse(run("feed", "1").output)
    assert not feed.bozo and len(feed.entries) == 1
    described = feed.entries[0].description  # the card's summary, then the change in words
    assert described.index("(300 → 450)") < described.index("Before:") < described.index("After:")

    assert run("remove", "1", "--yes").output.startswith("removed 1 ")
    assert json.loads(run("list", "--json").output) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "notaurl"), "not a valid URL"),
        (("add", "ftp://example.com/x"), "unsupported URL scheme 'ftp'"),
        (("add", "file:///etc/passwd"), "unsupported URL scheme 'file'"),
        (("show", "42"), "no article with id 42"),
        (("show", "https://example.com/untracked"), "no tracked article"),
        (("remove", "42"), "no article"),
        (("diff", "42"), "no article"),
        (("feed", "42"), "no article"),
        (("check", "42"), "no article"),
    ],
)
def test_bad_input_exits_2_with_one_line(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith("redline: error: ")


def test_one_bad_url_among_good_ones_adds_none(run: Run) -> None:
    assert run("add", "https://example.com/a", "notaurl").exit_code == 2
    assert json.loads(run("list", "--json").output) == []


def test_diff_of_an_unchanged_article_and_bad_version_numbers(run: Run, site: LocalSite) -> None:
    run("add", serve(site, STORY.paragraphs))
    run("check")
    assert "not changed yet" in run("diff", "1").stderr
    assert "no version 5" in run("diff", "1", "--from", "0", "--to", "5").stderr
    assert run("diff", "1", "--from", "-1").exit_code == 2


def test_bad_config_and_database_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\ntimeout = 'soon'\n")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "--config", str(bad), "list"])
    assert result.exit_code == 2 and "[fetch] timeout" in result.stderr
    result = CliRunner().invoke(cli, ["--db", "nosuchdb://x", "list"])
    assert result.exit_code == 2 and result.stderr.startswith("redline: error: ")


def test_db_upgrade_creates_then_reports_up_to_date(tmp_path: Path) -> None:
    db = str(tmp_path / "new.db")
    first = CliRunner().invoke(cli, ["--db", db, "db", "upgrade"])
    assert first.exit_code == 0 and first.stdout.startswith("upgraded")
    assert first.stderr == f"redline: created a new database at {db}\n"
    again = CliRunner().invoke(cli, ["--db", db, "db", "upgrade"])
    assert again.output.startswith("already up to date")


def test_environment_variables_name_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_DB", str(tmp_path / "env.db"))
    assert CliRunner().invoke(cli, ["add", "https://example.com/a"]).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_the_demo_runs_the_real_pipeline_and_ends_with_a_diff_and_a_feed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "redline", "demo"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "First check: every article's first version: 3 new version(s)" in out
    assert "Re-check: new timestamps, ads and comments, same article text: 0 new" in out
    assert "check again: 3 new version(s)" in out
    assert "{+£410m+}" in out and "[-300-]" in out and "{+450+}" in out
    assert out.rstrip().endswith("</rss>")


def test_a_source_feeds_check_with_new_articles_and_robots_txt_is_obeyed(
    run: Run, site: LocalSite
) -> None:
    story_url = serve(site, STORY.paragraphs)
    site.page("/news/private", render_page(FIRST_EDITION[0], FIRST_EDITION, 1))
    items = "".join(
        f"<item><title>Story {n}</title><link>{url}?utm_source=rss</link></item>"
        for n, url in enumerate([story_url, site.url("/news/private"), site.url("/sport/x")])
    )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>G</title>{items}</channel></rss>'
    )
    site.routes["/feed.xml"] = Route(feed.encode(), headers={"Content-Type": "application/rss+xml"})
    site.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /news/private\n", headers={"Content-Type": "text/plain"}
    )
    added = run("source", "add", "gazette", site.url("/feed.xml"), "--exclude", "/sport/")
    assert added.exit_code == 0, added.output
    first = json.loads(run("check", "--json").output)
    assert first["sources"] == [
        {"source": "gazette", "outcome": "new_articles", "added": 2, "error": None}
    ]
    outcomes = {r["url"]: (r["outcome"], r["error"]) for r in first["results"]}
    assert outcomes[story_url] == ("new_version", None)
    private = outcomes[site.url("/news/private")]
    assert private[0] == "error" and "disallowed by" in private[1] and "robots.txt" in private[1]
    kinds = {r["url"]: r["error_kind"] for r in first["results"]}
    assert kinds == {story_url: None, site.url("/news/private"): "disallowed"}
    assert not any(r.path.startswith("/news/private") for r in site.requests)
    again = json.loads(run("check", "--json").output)
    assert again["checked"] == 0 and again["sources"] == []  # the feed is not due yet
    listed = json.loads(run("source", "list", "--json").output)
    assert listed[0]["name"] == "gazette" and listed[0]["articles"] == 2


def test_extract_shows_the_result_and_the_path_that_produced_it(
    run: Run, site: LocalSite, tmp_path: Path
) -> None:
    page = render_page(STORY, FIRST_EDITION, 1)
    saved = tmp_path / "page.html"
    saved.write_text(page)
    generic = json.loads(run("extract", str(saved), "--json").output)
    assert generic["title"] == STORY.headline and generic["method"] == "generic"
    assert generic["paragraphs"] == list(STORY.paragraphs)
    rules = tmp_path / "rules.toml"
    rules.write_text('[[sites]]\nhost = "gazette.example"\nbody = ".article-body"\n')
    ruled = CliRunner().invoke(
        cli, ["--config", str(rules), "extract", str(saved), "--url", "https://gazette.example/a"]
    )
    assert "Method:    site:gazette.example" in ruled.output
    assert f"Headline:  {STORY.headline}" in ruled.output
    site.page("/live", page)
    fetched = json.loads(run("extract", site.url("/live"), "--json").output)
    assert fetched["paragraphs"] == generic["paragraphs"]
    assert run("extract", "notaurl").exit_code == 2


def test_extract_tries_a_rule_from_the_command_line_and_prints_it_for_the_config(
    run: Run, tmp_path: Path
) -> None:
    saved = tmp_path / "page.html"
    saved.write_text(render_page(STORY, FIRST_EDITION, 1))
    url = "https://gazette.example/a"
    last = STORY.paragraphs[-1]
    tried = run("extract", str(saved), "--url", url, "--body", ".article-body", "--drop", "p + p")
    assert tried.exit_code == 0, tried.output
    assert "Method:    site:gazette.example" in tried.output
    assert last not in tried.output  # dropped by the rule's "p + p"
    snippet = tried.output.split("for your config file:\n", 1)[1]
    assert snippet.strip() == (
        '[[sites]]\nhost = "gazette.example"\nbody = ".article-body"\ndrop = ["p + p"]'
    )
    config = tmp_path / "mine.toml"
    config.write_text(snippet)  # pasted as printed, it is a valid config with the same effect
    pasted = CliRunner().invoke(cli, ["--config", str(config), "extract", str(saved), "--url", url])
    assert pasted.stdout == tried.output.split("\nThe rule tried", 1)[0]

    invalid = run("extract", str(saved), "--url", url, "--body", "div[")
    assert invalid.exit_code == 2 and "invalid CSS selector 'div['" in invalid.output
    no_host = run("extract", str(saved), "--drop", ".promo")
    assert no_host.exit_code == 2 and "give --url for a saved page" in no_host.output
