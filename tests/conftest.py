from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from handclock import Clock
from localsite import LocalSite

POSTGRES_URL = os.environ.get("REDLINE_TEST_POSTGRES_URL")


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return f"redline: PostgreSQL tests run against {POSTGRES_URL}"
    return "redline: REDLINE_TEST_POSTGRES_URL is not set, PostgreSQL tests are SKIPPED"


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """A local HTTP server on 127.0.0.1 serving the pages a test gives it."""
    server = LocalSite()
    yield server
    server.close()


def _empty_postgres(url: str) -> str:
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
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set REDLINE_TEST_POSTGRES_URL to run (.ci/run does)")
    return _empty_postgres(POSTGRES_URL)


@pytest.fixture
def clock() -> Clock:
    """The clock a test's Redline reads, moved by hand."""
    return Clock()
