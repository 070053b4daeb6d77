"""Numbers and settings that used to load and crash later (issue 10, item 7).

Ids no database holds, version numbers past the last, config values that are
NaN, infinite, absurdly large or not a header value, and a database that
refuses writes: each is one line and exit status 2, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import make_url

from localsite import LocalSite
from redline.cli import cli
from redline.config import MAX_DURATION, load_config
from redline.demo import FIRST_EDITION, render_page
from redline.errors import ConfigError
from redline.store import upgrade_database
from redline.store.tables import MAX_ID

LOOPBACK_TOML = "[fetch]\nallow_private_networks = true\ntimeout = 2\nper_host_delay = 0\n"


def invoke(database: str, *args: str, config: Path | None = None) -> Result:
    options = ["--config", str(config)] if config else []
    return CliRunner().invoke(cli, ["--db", database, *options, *args])


def one_line_error(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("redline: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr, result.stderr


@pytest.fixture
def database(database_url: str) -> str:
    """The test's database, its schema made (so no command says it created it)."""
    upgrade_database(database_url)
    return database_url


# --- ids and version numbers --------------------------------------------------------------

TOO_LARGE = [str(MAX_ID + 1), str(2**63), str(2**64), "9" * 5000]
"""Beyond PostgreSQL's int4, beyond SQLite's int64, beyond both, beyond what int() parses."""


@pytest.mark.parametrize("number", TOO_LARGE, ids=["int4+1", "2**63", "2**64", "5000 digits"])
@pytest.mark.parametrize(
    "command",
    [
        ("show",),
        ("remove",),
        ("resume",),
        ("diff",),
        ("feed",),
        ("check",),
        ("reextract", "--article"),
        ("export", "--warc", "-", "--article"),
    ],
    ids=lambda command: command[0],
)
def test_an_id_no_database_holds_is_no_such_article(
    database: str, command: tuple[str, ...], number: str
) -> None:
    one_line_error(invoke(database, *command, number), f"no article with id {number}")


def test_the_largest_id_is_looked_up_as_any_other(database: str) -> None:
    one_line_error(invoke(database, "show", str(MAX_ID)), f"no article with id {MAX_ID}")


def test_a_version_number_no_database_holds_is_no_such_version(
    database: str, site: LocalSite, tmp_path: Path
) -> None:
    config = tmp_path / "loopback.toml"
    config.write_text(LOOPBACK_TOML)
    site.page("/news/flood", render_page(FIRST_EDITION[1], FIRST_EDITION, 1))
    assert invoke(database, "add", site.url("/news/flood"), config=config).exit_code == 0
    assert invoke(database, "check", config=config).exit_code == 0
    for flag in ("--from", "--to"):
        result = invoke(database, "diff", "1", flag, str(2**63))
        one_line_error(result, "the article has versions 0 to 0")


# --- config values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("[fetch]\ntimeout = nan", "[fetch] timeout: must be a finite number"),
        ("[fetch]\ntimeout = inf", "[fetch] timeout: must be a finite number"),
        ("[fetch]\ntimeout = 1e9", "[fetch] timeout: must be positive and at most 3600"),
        ("[fetch]\nper_host_delay = inf", "[fetch] per_host_delay: must be a finite number"),
        ("[fetch]\nper_host_delay = -1", "[fetch] per_host_delay: must be at least 0"),
        ("[fetch]\nmax_bytes = 9223372036854775807", "[fetch] max_bytes: must be positive"),
        ("[fetch]\nmax_bytes = 0", "[fetch] max_bytes: must be positive"),
        ("[fetch]\nconcurrency = 1000000", "[fetch] concurrency: must be positive and at most"),
        ("[fetch]\nper_host_concurrency = 0", "[fetch] per_host_concurrency: must be positive"),
        ("[fetch]\nmax_redirects = 100000", "[fetch] max_redirects: must be at least 0"),
        ('[fetch]\nuser_agent = "redline\\nX-Injected: 1"', "[fetch] user_agent: must be a"),
        ('[fetch]\nuser_agent = "redline\\u0000"', "[fetch] user_agent: must be a valid"),
        ('[fetch]\nuser_agent = "rédline"', "[fetch] user_agent: must be a valid HTTP header"),
        ('[fetch]\nuser_agent = " redline"', "[fetch] user_agent: must be a valid HTTP header"),
        ('[fetch]\nuser_agent = ""', "[fetch] user_agent: must be a valid HTTP header"),
        ("[schedule]\nbackoff = nan", "[schedule] backoff: must be a finite number"),
        ("[schedule]\nbackoff = inf", "[schedule] backoff: must be a finite number"),
        ("[schedule]\nbackoff = 1e6", "[schedule] backoff: must be at least 1 and at most 100"),
        ("[schedule]\njitter = nan", "[schedule] jitter: must be at least 0 and below 1"),
        ("[schedule]\nafter_change = 1e300", "[schedule] after_change: at most 3650d"),
        ("[schedule]\nafter_change = nan", "[schedule] after_change: a duration cannot be"),
        ('[schedule]\nstop_after = "99999999999d"', "[schedule] stop_after: at most 3650d"),
        ("[schedule]\nlease = inf", "[schedule] lease: at most 3650d"),
        ('[schedule]\nsource_interval = "522w"', "[schedule] source_interval: at most 3650d"),
        ("[versions]\nsuspect_shrink = nan", "[versions] suspect_shrink: must be at least 0"),
    ],
)
def test_a_value_that_would_crash_later_is_refused_at_load(
    tmp_path: Path, setting: str, named: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(setting + "\n")
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert str(refused.value).startswith(named)
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "x.db"), "--config", str(config), "list"]
    )
    one_line_error(result, named)


def test_the_bounds_themselves_are_accepted(tmp_path: Path) -> None:
    config = tmp_path / "edge.toml"
    config.write_text(
        "[fetch]\ntimeout = 3600\nmax_bytes = 1073741824\nconcurrency = 1024\nmax_redirects = 0\n"
        'user_agent = "news-watch/1.0 (+mailto:desk@example.com)"\n'
        '[schedule]\nbackoff = 100\nstop_after = "3650d"\nafter_change = 1\n'
    )
    loaded = load_config(config)
    assert loaded.schedule.stop_after == MAX_DURATION and loaded.fetch.timeout == 3600
    assert loaded.fetch.user_agent == "news-watch/1.0 (+mailto:desk@example.com)"


# --- a database that refuses writes -----------------------------------------------------------


def read_only(url: str) -> str:
    """``url`` opened so that the database refuses every write.

    SQLite: read-only mode (a file the user cannot write to is refused alike, below);
    PostgreSQL: every transaction read-only, as on a standby or for a read-only role.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    options = {"options": "-c default_transaction_read_only=on"}
    return parsed.update_query_dict(options).render_as_string(hide_password=False)


PUBLIC_URL = "https://93.184.215.14/a"
"""A URL add takes without a DNS lookup (and that no test fetches)."""


def test_a_read_only_database_is_one_line_at_the_first_write(database: str) -> None:
    refusing = read_only(database)
    listed = invoke(refusing, "list", "--json")
    assert (listed.exit_code, listed.stdout) == (0, "[]\n")  # reading is fine
    for command in (("add", PUBLIC_URL), ("check",)):
        result = invoke(refusing, *command)
        one_line_error(result, "cannot write to the database ")
        assert ": read-only (" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_file_or_folder_is_one_line(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    database = folder / "x.db"
    upgrade_database(f"sqlite:///{database}")
    (database if what == "file" else folder).chmod(0o555)
    try:
        result = invoke(str(database), "add", PUBLIC_URL)
    finally:
        (database if what == "file" else folder).chmod(0o755)
    one_line_error(result, f"cannot write to the database {database}: read-only")
