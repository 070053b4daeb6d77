"""Opening the database: where it is, how it is tuned, and its schema upgrades.

A database that refuses writes (a read-only SQLite file or directory, a
read-only PostgreSQL transaction, a role without the privilege) is a
:class:`StoreError` at the first statement it refuses, from every engine
:func:`open_engine` makes: no caller needs to catch the driver's errors.

Alembic loads only to upgrade a schema: :func:`upgrade` first compares the
database's revision with :data:`SCHEMA_REVISION` in one query (loading Alembic
costs every command ~0.15 s). SQLAlchemy loads only to open an engine or read a
URL: naming a SQLite file needs neither, so ``redline list`` and ``show`` read a
current archive without them (see :mod:`.sqlite_reads`).
"""

from __future__ import annotations

import enum
import errno
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import AlreadyRunningError, StoreError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import Engine, ExceptionContext
    from sqlalchemy.engine import URL

__all__ = [
    "SCHEMA_REVISION",
    "SchemaChange",
    "database_location",
    "database_url",
    "default_database_path",
    "display_url",
    "open_engine",
    "run_lock",
    "upgrade",
    "upgrade_database",
]

SQLITE_BUSY_TIMEOUT_MS = 30_000

SCHEMA_REVISION = "0012"
"""The newest migration in migrations/versions (Alembic's head), known without loading
Alembic. A new migration changes it: tests/test_store.py fails until it does."""

_SQLITE_READONLY = 8
"""SQLite's primary result code for a write refused: a read-only file, or a directory
where the write-ahead log cannot be created (its extended codes say which)."""
_POSTGRES_REFUSALS = {"25006": "read-only", "42501": "permission denied"}
"""SQLSTATEs of a write PostgreSQL refuses: a read-only transaction, a missing privilege."""
_DRIVER_HINT = "pip install 'redline[postgres]'"


class SchemaChange(enum.Enum):
    """What :func:`upgrade` did to a database's schema."""

    UNCHANGED = "unchanged"
    UPGRADED = "upgraded"
    CREATED = "created"
    """The database had no schema (a new SQLite file, an empty PostgreSQL database)."""


def default_database_path() -> Path:
    """The SQLite file used when no database is named: in the user's data directory."""
    import platformdirs  # ~0.02 s: only when no database is named

    return Path(platformdirs.user_data_dir("redline")) / "redline.db"


def database_url(url_or_path: str | Path | None) -> str:
    """A SQLAlchemy URL for ``url_or_path``: a URL as it is, a plain path as SQLite."""
    if url_or_path is None:
        url_or_path = default_database_path()
    text = str(url_or_path)
    if text.startswith("sqlite:///") and "?" not in text:
        return text  # SQLAlchemy reads any path here: no need to load it to check the URL
    if "://" in text:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(text)
        except ArgumentError as exc:
            raise StoreError(f"not a valid database URL: {text!r}") from exc
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def display_url(url: str) -> str:
    """``url`` with any password masked, fit to print."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def database_location(url: str | URL) -> str:
    """Where the database is, fit to print: a SQLite file's path, else the masked URL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    path = sqlite_file(parsed)
    return str(path) if path is not None else parsed.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names (``file:`` URIs too); None for memory or another backend."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.query.get("uri") in ("true", "1") and url.database.startswith("file:"):
        return Path(url.database.removeprefix("file:"))
    return Path(url.database)


def open_engine(url: str) -> Engine:
    """Create the engine; SQLite files get WAL mode, a busy timeout and foreign keys.

    Only the default database's folder is created when missing: any other
    missing folder is more likely a typo than a wish for a new archive.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    parsed = make_url(url)
    if (path := sqlite_file(parsed)) is not None:
        _ensure_folder(path)
    try:
        engine = create_engine(url, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except ModuleNotFoundError as exc:
        raise StoreError(_missing_driver(parsed, exc)) from exc
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open database {display_url(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    event.listen(engine, "handle_error", _refused_write)
    return engine


def _ensure_folder(database: Path) -> None:
    folder = database.expanduser().parent
    if folder.is_dir():
        return
    if folder.resolve() != default_database_path().parent.resolve():
        raise StoreError(f"no such directory: {folder} (for the database {database})")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the database directory {folder}: {exc.strerror}") from exc


def _missing_driver(url: URL, exc: ModuleNotFoundError) -> str:
    message = f"cannot open database {display_url(url.render_as_string())}: {exc}"
    if url.get_backend_name() != "postgresql":
        return message
    if url.get_driver_name() != "psycopg":
        return f"{message}; redline uses psycopg: a postgresql+psycopg:// URL and {_DRIVER_HINT}"
    return f"{message}; install PostgreSQL support with {_DRIVER_HINT}"


def _refused_write(context: ExceptionContext) -> None:
    """Turn a write the database refuses into a StoreError that says so in a line."""
    if context.engine is None:
        return
    reason = _refusal(context.original_exception, context.engine.url)
    if reason is not None:
        where = database_location(context.engine.url)
        raise StoreError(f"cannot write to the database {where}: {reason}") from (
            context.original_exception
        )


def _refusal(exc: BaseException, url: URL) -> str | None:
    """Why the database at ``url`` refused a write, if ``exc`` is such a refusal."""
    if isinstance(exc, sqlite3.Error):
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) != _SQLITE_READONLY:
            return None
        path = sqlite_file(url)
        if path is not None and not os.access(path.parent, os.W_OK):
            # even reading needs it: the write-ahead log's files are made beside the database
            return (
                f"read-only folder {path.parent} (SQLite writes its log files beside the database)"
            )
        return f"read-only ({exc})"
    reason = _POSTGRES_REFUSALS.get(str(getattr(exc, "sqlstate", "")))
    return None if reason is None else f"{reason} ({_one_line(exc)})"


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
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_directory()))
    return config


def upgrade(engine: Engine, *, only_if_needed: bool = True) -> SchemaChange:
    """Bring the schema to the newest revision; return what that did."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        if only_if_needed and _revisions(engine) == [SCHEMA_REVISION]:
            return SchemaChange.UNCHANGED
        return _upgrade_with_alembic(engine, only_if_needed=only_if_needed)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot upgrade the database: {_one_line(exc)}") from exc


def _revisions(engine: Engine) -> list[str]:
    """The revisions the database's ``alembic_version`` names; none if it has no such table."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    with engine.connect() as connection:
        try:
            found = connection.execute(text("SELECT version_num FROM alembic_version"))
            return list(found.scalars())
        except (OperationalError, ProgrammingError):  # no such table (on SQLite, PostgreSQL)
            return []


def _upgrade_with_alembic(engine: Engine, *, only_if_needed: bool) -> SchemaChange:
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.begin() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if only_if_needed and current == head:
            return SchemaChange.UNCHANGED
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return SchemaChange.CREATED if current is None else SchemaChange.UPGRADED


def upgrade_database(url: str) -> SchemaChange:
    """Open the database at ``url``, upgrade it if needed, close it; return what that did."""
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
    path = sqlite_file(engine.url)
    if path is None:
        yield
        return
    with _lock_file(path) as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunningError(
                f"another redline check is already running on {path}"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _lock_file(database: Path) -> BinaryIO:
    """The lock file beside ``database``, created if need be."""
    try:
        return open(f"{database}.lock", "a+b")  # run_lock closes it
    except OSError as exc:
        read_only = exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
        reason = f"read-only ({exc.strerror})" if read_only else exc.strerror
        raise StoreError(f"cannot write to the database {database}: {reason}") from exc


def _one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
