"""The ``redline`` command as people and scripts meet it: questions, colour, errors, completion."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from redline.cli import cli
from terminal import Terminal
from webarchive import HOSTILE_URL, fill

Run = Callable[..., Result]


@pytest.fixture
def run(database_url: str) -> Run:
    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--db", database_url, *args], input=input)

    return invoke


def article_ids(run: Run) -> list[int]:
    return [article["id"] for article in json.loads(run("list", "--json").output)]


def test_remove_off_a_terminal_needs_yes(database_url: str, run: Run) -> None:
    ids = fill(database_url)
    refused = run("remove", str(ids.bridge), input="y\n")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == (
        f"redline: error: removing article {ids.bridge} deletes its history: "
        "pass --yes to remove it\n"
    )
    assert ids.bridge in article_ids(run)
    assert run("remove", str(ids.bridge), "--yes").output.startswith(f"removed {ids.bridge} ")
    assert run("remove", "-y", str(ids.hostile)).exit_code == 0
    assert article_ids(run) == [ids.stopped]


@pytest.mark.parametrize(("answer", "removed"), [("n", False), ("", False), ("y", True)])
def test_remove_on_a_terminal_asks_first(
    database_url: str, run: Run, answer: str, removed: bool
) -> None:
    ids = fill(database_url)
    terminal = Terminal("--db", database_url, "remove", str(ids.bridge))
    asked = terminal.read_until("[y/N]")
    assert (
        f"Remove article {ids.bridge} (https://news.example/bridge) and its 3 versions? "
        "This deletes its history. [y/N]"
    ) in asked
    terminal.type(answer)
    assert terminal.finish() == (0 if removed else 1)
    assert (ids.bridge not in article_ids(run)) is removed


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
