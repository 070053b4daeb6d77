"""The ``redline`` command as people and scripts meet it: questions, colour, errors, completion."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import lxml.html
import pytest
from click.testing import CliRunner, Result

from redline.cli import cli
from redline.cli._base import RedlineCommand, fail
from redline.demo import FIRST_EDITION, render_page
from redline.store import upgrade_database
from terminal import Terminal, on_terminal
from test_docs import all_commands
from test_web_browser import CHROMIUM, Browser
from webarchive import HOSTILE_TITLE, HOSTILE_URL, fill

Run = Callable[..., Result]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A database for what does not depend on which kind it is (questions, colour).

    It exists already, so no command says it created it.
    """
    url = f"sqlite:///{tmp_path / 'redline.db'}"
    upgrade_database(url)
    return url


def redline(database: str, *args: str, input: str | None = None) -> Result:
    """``redline --db DATABASE ARGS`` in process, ``input`` on its stdin (not a terminal)."""
    return CliRunner().invoke(cli, ["--db", database, *args], input=input)


@pytest.fixture
def run(database_url: str) -> Run:
    return functools.partial(redline, database_url)


def article_ids(database: str) -> list[int]:
    return [article["id"] for article in json.loads(redline(database, "list", "--json").output)]


def test_remove_off_a_terminal_needs_yes(database_url: str, run: Run) -> None:
    ids = fill(database_url)
    refused = run("remove", str(ids.bridge), input="y\n")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == (
        f"redline: error: removing article {ids.bridge} deletes its history: "
        "pass --yes to remove it\n"
    )
    assert ids.bridge in article_ids(database_url)
    assert run("remove", str(ids.bridge), "--yes").output.startswith(f"removed {ids.bridge} ")
    assert run("remove", "-y", str(ids.hostile)).exit_code == 0
    assert article_ids(database_url) == [ids.stopped]


@pytest.mark.parametrize(("answer", "removed"), [("n", False), ("", False), ("y", True)])
def test_remove_on_a_terminal_asks_first(sqlite_url: str, answer: str, removed: bool) -> None:
    ids = fill(sqlite_url)
    terminal = Terminal("--db", sqlite_url, "remove", str(ids.bridge))
    asked = terminal.read_until("[y/N]")
    assert (
        f"Remove article {ids.bridge} (https://news.example/bridge) and its 3 versions? "
        "This deletes its history. [y/N]"
    ) in asked
    terminal.type(answer)
    assert terminal.finish() == (0 if removed else 1)
    assert (ids.bridge not in article_ids(sqlite_url)) is removed


def test_stop_ends_the_checks_but_keeps_the_history(database_url: str, run: Run) -> None:
    ids = fill(database_url)
    stopped = run("stop", str(ids.bridge))
    assert (
        stopped.output
        == f"stopped {ids.bridge} https://news.example/bridge: it won't be checked again\n"
    )
    shown = json.loads(run("show", str(ids.bridge), "--json").output)
    assert shown["status"] == "stopped" and shown["next_check"] is None
    assert len(shown["versions"]) == 3 and shown["recent_checks"]
    assert "won't be checked again" in run("show", str(ids.bridge)).output
    assert run("stop", HOSTILE_URL).exit_code == 0  # by URL; now no article is active
    assert json.loads(run("check", "--json").output)["checked"] == 0  # none is due any more
    assert run("resume", str(ids.bridge)).exit_code == 0
    assert json.loads(run("show", str(ids.bridge), "--json").output)["status"] == "active"
    assert "no article with id 99" in run("stop", "99").stderr


ANSI = "\x1b["


def test_a_diff_on_a_terminal_is_coloured_and_marked(sqlite_url: str) -> None:
    ids = fill(sqlite_url)
    status, shown = on_terminal("--db", sqlite_url, "diff", str(ids.bridge), "--from", "0")
    assert status == 0
    assert "\x1b[31m[-410-]\x1b[0m\x1b[32m{+420+}\x1b[0m" in shown


@pytest.mark.parametrize(
    ("options", "env", "coloured"),
    [
        ((), {"NO_COLOR": "1"}, False),
        ((), {"NO_COLOR": ""}, True),  # set but empty: no-color.org says it does not count
        (("--color", "never"), {}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),  # the command line wins
        (("--colour", "auto"), {"NO_COLOR": "yes"}, False),
    ],
)
def test_colour_on_a_terminal_is_the_users_choice(
    sqlite_url: str, options: tuple[str, ...], env: dict[str, str], coloured: bool
) -> None:
    bridge = str(fill(sqlite_url).bridge)
    status, shown = on_terminal(
        "--db", sqlite_url, *options, "diff", bridge, "--from", "0", env=env
    )
    assert status == 0 and "[-410-]" in shown and "{+420+}" in shown
    assert (ANSI in shown) is coloured
    status, shown = on_terminal("--db", sqlite_url, *options, "list", env=env)
    assert status == 0 and "news.example/bridge" in shown and (ANSI in shown) is coloured


@pytest.mark.parametrize(
    ("color", "coloured"), [("always", True), ("never", False), ("auto", False)]
)
def test_colour_off_a_terminal_only_when_asked(sqlite_url: str, color: str, coloured: bool) -> None:
    ids = fill(sqlite_url)
    text = redline(sqlite_url, "--color", color, "diff", str(ids.bridge), "--from", "0").output
    assert "[-" in text and "{+" in text and (ANSI in text) is coloured
    assert (ANSI in redline(sqlite_url, "--color", color, "list").output) is coloured
    assert (ANSI in redline(sqlite_url, "--color", color, "status").output) is coloured


def test_an_html_diff_is_a_whole_page_that_reads_right_from_a_file(
    sqlite_url: str, tmp_path: Path
) -> None:
    ids = fill(sqlite_url)
    result = redline(sqlite_url, "diff", str(ids.hostile), "--format", "html")
    assert result.exit_code == 0
    saved = tmp_path / "change.html"
    saved.write_bytes(result.stdout_bytes)
    page = lxml.html.parse(str(saved))
    assert page.docinfo.doctype == "<!DOCTYPE html>"
    assert page.xpath("/html/head/meta[1]/@charset") == ["utf-8"]
    title = f"Changes to {HOSTILE_TITLE}: version 0 → 1"
    assert page.findtext("head/title") == title
    style = page.findtext("head/style")
    assert ".redline-insert{background:#e6ffe6" in style and ".redline-delete{" in style
    assert page.xpath("//a/@href") == [HOSTILE_URL]
    assert page.xpath("//del[@class='redline-delete']") and page.xpath("//ins")
    assert not page.xpath("//script | //img | //*[@onerror]")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: the page was not opened in a browser")
    opened = Browser(tmp_path / "profile", tmp_path).open(saved.as_uri())
    assert title in opened.words() and "Calm" in opened.words()
    assert not [tag for tag, _ in opened.tags if tag in ("script", "img")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("/no/such/file.html",), "no such file: /no/such/file.html"),
        (("saved/page.html",), "no such file: saved/page.html"),
        (("notaurl",), "no such file: notaurl"),
        (("ftp://example.com/x",), "unsupported URL scheme 'ftp'"),
    ],
)
def test_extract_says_what_is_missing(sqlite_url: str, args: tuple[str, ...], message: str) -> None:
    result = redline(sqlite_url, "extract", *args)
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"redline: error: {message}")


@pytest.mark.parametrize(
    ("option", "selector", "setting"),
    [
        ("--body", "div.nowhere", "body"),
        ("--title", "h1.none", "title"),
        ("--byline", "x", "byline"),
    ],
)
def test_extract_says_when_a_selector_tried_matches_nothing(
    sqlite_url: str, tmp_path: Path, option: str, selector: str, setting: str
) -> None:
    saved = tmp_path / "page.html"
    saved.write_text(render_page(FIRST_EDITION[1], FIRST_EDITION, 1))
    url = "https://gazette.example/a"
    result = redline(sqlite_url, "extract", str(saved), "--url", url, option, selector)
    assert result.exit_code == 2
    assert result.stderr == (
        f"redline: error: the {setting} selector {selector!r} matches nothing on the page\n"
    )
    matching = redline(sqlite_url, "extract", str(saved), "--url", url, "--body", ".article-body")
    assert matching.exit_code == 0 and "Method:    site:gazette.example" in matching.output
    dropped = redline(
        sqlite_url,
        "extract",
        str(saved),
        "--url",
        url,
        "--body",
        ".article-body",
        "--drop",
        "article",
    )
    assert "the body selector '.article-body' matches nothing" in dropped.stderr  # after drop


def complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for the command line ``words`` (the last one partial)."""
    typed = words.split(" ")
    result = CliRunner().invoke(
        cli,
        prog_name="redline",
        env={
            "_REDLINE_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(typed) - 1),
            **(env or {}),
        },
    )
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.output.splitlines()]


def test_completion_offers_commands_options_and_choices() -> None:
    assert complete("redline st") == ["status", "stop"]
    assert complete("redline source re") == ["remove"]
    assert complete("redline --color ") == ["auto", "always", "never"]
    assert complete("redline diff 1 --format ") == ["text", "html", "json"]
    assert "--yes" in complete("redline remove --")


@pytest.mark.parametrize(
    ("shell", "defines"),
    [
        ("bash", "_redline_completion()"),
        ("zsh", "#compdef redline"),
        ("fish", "complete --no-files --command redline"),
    ],
)
def test_every_shell_gets_its_completion_script(shell: str, defines: str) -> None:
    result = CliRunner().invoke(
        cli, prog_name="redline", env={"_REDLINE_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0 and defines in result.output


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_completion_works_in_bash_as_the_readme_sets_it_up() -> None:
    script = (
        'eval "$(_REDLINE_COMPLETE=bash_source redline)"\n'
        "COMP_WORDS=(redline diff 1 --fo); COMP_CWORD=3; _redline_completion redline\n"
        'echo "${COMPREPLY[@]}"\n'
    )
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["--format"]


@pytest.mark.parametrize(
    ("args", "usage", "error"),
    [
        (("diff", "1", "--from", "x"), "redline diff", "Invalid value for '--from'"),
        (("diff",), "redline diff", "Missing argument 'ARTICLE'."),
        (("diff", "1", "--frm", "0"), "redline diff", "No such option '--frm'."),
        (("dif", "1"), "redline", "No such command 'dif'."),
        (("source", "bogus"), "redline source", "No such command 'bogus'."),
        (("--db",), "redline", "Option '--db' requires an argument."),
        (("extract", "page.html", "--url"), "redline extract", "Option '--url' requires"),
        (("source", "add", "x", "--include"), "redline source add", "Option '--include' requires"),
        (("--color", "purple", "list"), "redline", "Invalid value for '--color'"),
        (
            ("reextract", "--article", "1", "--source", "x"),
            "redline reextract",
            "give --article or --source",
        ),
    ],
)
def test_a_usage_error_is_one_error_line_with_the_usage_and_hint(
    args: tuple[str, ...], usage: str, error: str
) -> None:
    result = CliRunner().invoke(cli, list(args), prog_name="redline")
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Usage: {usage} [OPTIONS]")
    assert lines[1] == f"Try '{usage} --help' for help."
    assert lines[2:3] == [""] and len(lines) == 4
    assert lines[3].startswith(f"Error: {error}")


def test_every_command_shows_its_usage_with_its_errors() -> None:
    assert all(isinstance(command, RedlineCommand) for command in all_commands(cli).values())


def test_an_error_message_with_line_breaks_is_still_one_line() -> None:
    @click.command()
    def broken() -> None:
        fail("the selector 'div[' is invalid:\n  div[\n     ^")

    result = CliRunner().invoke(broken)
    assert result.exit_code == 2
    assert result.stderr == "redline: error: the selector 'div[' is invalid: div[ ^\n"
