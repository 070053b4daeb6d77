"""What ``redline list`` and ``redline show`` read, from a SQLite file through ``sqlite3``.

Loading SQLAlchemy takes ~0.25 s on a small machine, most of the 0.3 s those
commands have (bench/startup.py), so :meth:`SQLiteReads.open` reads a SQLite
archive whose schema is current with the standard library alone. The rows come
back with the columns' names as attributes and values as SQLAlchemy hands them
out (timestamps aware UTC, JSON parsed), so :mod:`.rows` maps them to values as
it maps the models' rows; tests/test_sqlite_reads.py checks that every read gives
what :class:`~redline.store.Store`'s does. Any other database, or a schema to
create or upgrade, is the store's to open.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from ..errors import NotFoundError
from ..model import Article, ChangeCard, CheckRecord, Version
from .database import SCHEMA_REVISION, SQLITE_BUSY_TIMEOUT_MS
from .rows import to_article, to_card, to_check, to_version

__all__ = ["SQLiteReads"]

_SQLITE_FILE = "sqlite:///"
"""How :func:`~.database.database_url` names a SQLite file: the path follows."""

_ARTICLES = """
SELECT articles.*,
    (SELECT count(*) FROM versions WHERE versions.article_id = articles.id) AS version_count,
    (SELECT title FROM versions WHERE versions.article_id = articles.id
        ORDER BY number DESC LIMIT 1) AS latest_title
FROM articles
"""
"""Articles with their version count and latest headline, as rows.article_query has them."""

_KNOWN_AS = """
SELECT id FROM articles WHERE url = :url OR final_url = :url OR canonical_url = :url
ORDER BY CASE WHEN url = :url THEN 0 WHEN final_url = :url THEN 1 ELSE 2 END, id LIMIT 1
"""
"""The article known by a URL, as the store's ``_known_as`` ranks its names."""


class SQLiteReads:
    """Reads articles, their versions, checks and change cards from one SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._decoders: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, url: str) -> SQLiteReads | None:
        """Reads of the SQLite file ``url`` names, if it exists at :data:`SCHEMA_REVISION`;
        None for any other database, or one to create or upgrade."""
        path = url.removeprefix(_SQLITE_FILE)
        if path == url or "?" in path or not Path(path).is_file():
            return None
        try:  # mode=rw: a file removed meanwhile is not created empty
            connection = sqlite3.connect(
                f"file:{quote(path)}?mode=rw", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
            )
        except sqlite3.Error:
            return None
        try:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.Error:  # no schema, or not a database: the store says what is wrong
            found = []
        if found != [(SCHEMA_REVISION,)]:
            connection.close()
            return None
        return cls(connection)

    def close(self) -> None:
        self._connection.close()

    def article(self, article_id: int) -> Article:
        found = self._articles("WHERE articles.id = ?", (article_id,))
        if not found:
            raise NotFoundError(f"no article with id {article_id}")
        return found[0]

    def article_by_url(self, url: str) -> Article:
        """The article tracked under ``url``, else whose fetches ended at ``url``, else whose
        page names ``url`` as its own."""
        found = self._connection.execute(_KNOWN_AS, {"url": url}).fetchone()
        if found is None:
            raise NotFoundError(f"no tracked article with URL {url}")
        return self.article(found[0])

    def articles(self) -> list[Article]:
        """All articles, oldest first."""
        return self._articles("", ())

    def versions(self, article_id: int) -> list[Version]:
        """Every version of an article, from number 0."""
        query = "SELECT * FROM versions WHERE article_id = ? ORDER BY number"
        return [to_version(row) for row in self._rows(query, (article_id,), "versions")]

    def checks(self, article_id: int, *, limit: int = 10) -> list[CheckRecord]:
        """The article's latest checks, newest first."""
        query = (
            "SELECT * FROM checks WHERE article_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?"
        )
        return [to_check(row) for row in self._rows(query, (article_id, limit), "checks")]

    def cards(self, article_id: int) -> dict[int, ChangeCard]:
        """The change cards of an article's versions, by version number."""
        query = (
            "SELECT change_cards.*, versions.number AS version_number FROM versions"
            " JOIN change_cards ON change_cards.version_id = versions.id"
            " WHERE versions.article_id = ?"
        )
        rows = self._rows(query, (article_id,), "change_cards")
        return {row.version_number: to_card(row) for row in rows}

    def _articles(self, where: str, parameters: tuple[int, ...]) -> list[Article]:
        rows = self._rows(f"{_ARTICLES} {where} ORDER BY articles.id", parameters, "articles")
        return [to_article(row, row.version_count, row.latest_title) for row in rows]

    def _rows(self, query: str, parameters: tuple[int, ...], table: str) -> list[Any]:
        """The rows of ``query``, each column an attribute, ``table``'s columns decoded."""
        cursor = self._connection.execute(query, parameters)
        names = [column[0] for column in cursor.description]
        decoders = self._decoders_of(table)
        return [
            SimpleNamespace(
                **{
                    name: value if value is None or name not in decoders else decoders[name](value)
                    for name, value in zip(names, values, strict=True)
                }
            )
            for values in cursor.fetchall()
        ]

    def _decoders_of(self, table: str) -> dict[str, Any]:
        """How to read ``table``'s columns that SQLAlchemy stores as text: by declared type."""
        if table not in self._decoders:
            columns = self._connection.execute(f"PRAGMA table_info({table})").fetchall()
            self._decoders[table] = {
                name: _DECODERS[declared.upper()]
                for _, name, declared, *_ in columns
                if declared.upper() in _DECODERS
            }
        return self._decoders[table]


def _utc(stored: str) -> datetime:
    """A timestamp as SQLAlchemy stores it on SQLite (naive UTC text), aware."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)


_DECODERS = {"DATETIME": _utc, "JSON": json.loads}
"""The declared column types whose values SQLAlchemy's types turn from text: tables.py's
``UTCDateTime`` and ``JSON``. A column of another such type (``Boolean``: 0 or 1) read
here needs its own, or it reads as a number: tests/test_sqlite_reads.py compares the
values' reprs, which tell ``0`` from ``False``."""
