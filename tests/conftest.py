from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from handclock import Clock
from localsite import LocalSite
from mocksite import MockSite, Site
from redline import Redline
from redline.store import Store
from redlines import RedlineFactory

POSTGRES_URL = os.environ.get("REDLINE_TEST_POSTGRES_URL")


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return f"redline: PostgreSQL tests run against {POSTGRES_URL}"
    return "redline: REDLINE_TEST_POSTGRES_URL is not set, PostgreSQL tests are SKIPPED"


@pytest.fixture(autouse=True)
def no_user_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep every test off the user's own database and settings.

    A command run without ``--db`` opens, and migrates, the database in the
    user's data directory; a run of another checkout's newer migrations there
    would fail this one's tests.
    """
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    monkeypatch.delenv("REDLINE_DB", raising=False)
    monkeypatch.delenv("REDLINE_CONFIG", raising=False)


@pytest.fixture
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """A local HTTP server on 127.0.0.1 serving the pages a test gives it.

    Parametrized indirectly with ``"public"``, the ``mocksite`` instead: the
    same pages under public names, for a Redline with the address guard on.
    """
    if getattr(request, "param", "loopback") == "public":
        yield request.getfixturevalue("mocksite")
        return
    server = LocalSite()
    yield server
    server.close()


@pytest.fixture
def mocksite() -> MockSite:
    """Pages under public names (news.example) on httpx.MockTransport, with their own DNS."""
    return MockSite()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A database of the test run's own on the server REDLINE_TEST_POSTGRES_URL names.

    The URL's own database is only connected to, never changed: the run creates a
    uniquely named database beside it, empties that one for each test, and drops it
    (and nothing else) at the end.
    """
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set REDLINE_TEST_POSTGRES_URL to run (.ci/run does)")
    name = f"redline_test_{uuid.uuid4().hex[:12]}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _empty_postgres(url: str) -> str:
    """Empty the run's own database (see postgres_server) for the next test."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, and PostgreSQL when the server is configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'redline.db'}"
    return _empty_postgres(request.getfixturevalue("postgres_server"))


@pytest.fixture
def clock() -> Clock:
    """The clock a test's Redline reads, moved by hand."""
    return Clock()


@pytest.fixture
def make_redline(database_url: str, clock: Clock) -> Iterator[RedlineFactory]:
    """Opens Redlines over the test's database and clock; all are closed at teardown.

    ``make_redline()`` reaches the ``site`` fixture's server on 127.0.0.1,
    ``make_redline(over=mocksite)`` the ``mocksite`` with the address guard on.
    """
    factory = RedlineFactory(database_url, clock)
    yield factory
    factory.close()


@pytest.fixture
def redline(make_redline: RedlineFactory) -> Redline:
    """A Redline reaching the ``site`` fixture's server on 127.0.0.1."""
    return make_redline()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """The store alone, over the test's database."""
    opened = Store.open(database_url)
    yield opened
    opened.close()
