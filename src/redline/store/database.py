"""Opening the database: where it is, how it is tuned, and its schema upgrades."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import AlreadyRunningError, StoreError

__all__ = [
    "database_url",
    "default_database_path",
    "display_url",
    "open_engine",
    "run_lock",
    "upgrade",
    "upgrade_database",
]

SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_database_path() -> Path:
    """The SQLite file used when no database is named: in the user's data directory."""
    return Path(platformdirs.user_data_dir("redline")) / "redline.db"


def database_url(url_or_path: str | Path | None) -> str:
    """A SQLAlchemy URL for ``url_or_path``: a URL as it is, a plain path as SQLite."""
    if url_or_path is None:
        url_or_path = default_database_path()
    text = str(url_or_path)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError as exc:
            raise StoreError(f"not a valid database URL: {text!r}") from exc
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def display_url(url: str) -> str:
    """``url`` with any password masked, fit to print."""
    return make_url(url).render_as_string(hide_password=True)


def open_engine(url: str) -> Engine:
    """Create the engine; SQLite files get WAL mode, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the database directory: {exc}") from exc
    try:
        engine = create_engine(url, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open database {display_url(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def migrations_directory() -> Path:
    """The Alembic scripts: inside the installed package, or at the top of a checkout."""
    shipped = resources.files("redline") / "migrations"
    if shipped.is_dir():
        return Path(str(shipped))
    checkout = Path(__file__).resolve().parents[3] / "migrations"
    if checkout.is_dir():
        return checkout
    raise StoreError("redline's database migrations are missing from this installation")


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_directory()))
    return config


def upgrade(engine: Engine, *, only_if_needed: bool = True) -> bool:
    """Bring the schema to the newest revision; return whether anything ran."""
    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    try:
        with engine.begin() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            if only_if_needed and current == head:
                return False
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot upgrade the database: {_one_line(exc)}") from exc
    return True


def upgrade_database(url: str) -> bool:
    """Open the database at ``url``, upgrade it if needed, close it; return whether it ran."""
    engine = open_engine(url)
    try:
        return upgrade(engine)
    finally:
        engine.dispose()


@contextmanager
def run_lock(engine: Engine) -> Iterator[None]:
    """Hold this SQLite database's run lock, or raise AlreadyRunningError at once.

    Only one check pass runs at a time on a SQLite file (a lock file beside
    it, released by the OS if the process dies). Other databases need no lock:
    workers share them through claims.
    """
    parsed = engine.url
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        yield
        return
    with open(f"{parsed.database}.lock", "a+b") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunningError(
                f"another redline check is already running on {parsed.database}"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
