"""What a command loads before it answers: ``--help``, ``list`` and ``show`` load no stage
they do not use (the extractor, the fetcher, Alembic, SQLAlchemy on a current SQLite file).

Each command runs in a fresh interpreter, which then names the modules it imported:
what costs the time (bench/startup.py measures it) without timing anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from observations import T0, content, every_hour, seen
from redline.store import Store

HEAVY = (
    "alembic",
    "apprise",
    "bs4",
    "feedgen",
    "httpx",
    "lxml",
    "soupsieve",
    "sqlalchemy",
    "trafilatura",
    "warcio",
    "zstandard",
)
"""Modules that cost tens of milliseconds or more to import, none of them needed here."""

_REPORT = """
import json, sys
{run}
heavy = {heavy!r}
print(json.dumps(sorted({{name.partition(".")[0] for name in sys.modules}} & set(heavy))))
"""


def loaded(run: str, *argv: str) -> list[str]:
    """The modules of :data:`HEAVY` a fresh interpreter imported running ``run``."""
    script = _REPORT.format(run=run, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


def command(*argv: str) -> list[str]:
    """The heavy modules ``redline ARGV`` imported; it must succeed."""
    run = (
        "from redline.cli import main\n"
        "try:\n    main()\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code"
    )
    return loaded(run, *argv)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A SQLite archive, its schema current, with an article of two versions."""
    path = tmp_path / "archive.db"
    store = Store.open(f"sqlite:///{path}")
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    for text in (content("One."), content("One.", "Two.")):
        store.record_check(article.id, seen(T0, text), every_hour)
    store.close()
    return path


def test_help_loads_no_stage_of_the_library() -> None:
    assert command("--help") == []
    assert command("check", "--help") == []


def test_importing_the_package_and_its_cli_loads_no_stage() -> None:
    assert loaded("import redline, redline.cli, redline.store") == []


@pytest.mark.parametrize("argv", [["list"], ["show", "1"]])
def test_list_and_show_on_a_current_sqlite_archive_load_no_stage(
    archive: Path, argv: list[str]
) -> None:
    assert command("--db", str(archive), *argv) == []


def test_a_sqlite_url_is_read_without_sqlalchemy_as_a_path_is(archive: Path) -> None:
    assert command("--db", f"sqlite:///{archive}", "list") == []


def test_show_by_url_loads_httpx_alone(archive: Path) -> None:
    # canonical_url proves the URL one httpx can request; httpx imports zstandard itself
    loaded_modules = command("--db", str(archive), "show", "https://news.test/a")
    assert "httpx" in loaded_modules and set(loaded_modules) <= {"httpx", "zstandard"}


def test_opening_a_current_archive_does_not_load_alembic(archive: Path) -> None:
    run = "from redline.store import Store\nStore.open(sys.argv[1]).close()"
    assert "alembic" not in loaded(run, f"sqlite:///{archive}")


def test_a_database_to_create_is_made_with_alembic(tmp_path: Path) -> None:
    run = "from redline.store import Store\nassert Store.open(sys.argv[1]).created"
    assert "alembic" in loaded(run, f"sqlite:///{tmp_path / 'new.db'}")


def test_a_public_name_loads_its_module_on_first_use() -> None:
    assert loaded("from redline import Redline, Version") == []
    assert "trafilatura" in loaded("from redline import extract_article")
