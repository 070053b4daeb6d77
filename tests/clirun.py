"""How CLI tests run ``redline``: in-process, over the test's database, with a config that
reaches pages served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from redline.cli import cli
from redline.store import upgrade_database

Run = Callable[..., Result]

LOOPBACK_CONFIG = "[fetch]\nallow_private_networks = true\ntimeout = 2\nper_host_delay = 0\n"


def cli_runner(tmp_path: Path, database_url: str, settings: str = LOOPBACK_CONFIG) -> Run:
    """Runs ``redline --db DATABASE --config FILE ARGS...``; the config file holds ``settings``."""
    config = tmp_path / "redline.toml"
    config.write_text(settings)
    upgrade_database(database_url)  # made beforehand: no "created a new database" line

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            cli, ["--db", database_url, "--config", str(config), *args], catch_exceptions=False
        )

    return invoke
