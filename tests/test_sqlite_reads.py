"""The reads of ``redline list`` and ``show`` through sqlite3 give what the store's give.

:class:`~redline.store.sqlite_reads.SQLiteReads` reads a SQLite archive without
SQLAlchemy; every value it returns must equal the store's, on an archive holding
what a store holds: versions in any script, checks that failed, change cards,
articles known by three URLs; and it must step aside for a database to create or
upgrade, or one that is not SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command

from observations import T0, content, every_hour, seen
from redline import Redline
from redline.errors import ErrorKind, NotFoundError
from redline.store import Store
from redline.store.database import alembic_config
from redline.store.sqlite_reads import SQLiteReads


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture
def filled(url: str) -> Iterator[Store]:
    """A store over a SQLite file with two articles: one of three versions and its checks
    (one failed), with change cards; one never checked."""
    store = Store.open(url)
    article, _ = store.add_article("https://news.test/a", source="gazette", now=T0)
    texts = [
        content("The council met.", "It voted 5 to 4."),
        content("The council met.", "It voted 6 to 3."),
        content("“Café” — 東京 🙂", "It voted 6 to 3.", title="Ünïcode", byline=None),
    ]
    final = "https://news.test/a-final"
    for hour, text in enumerate(texts):
        observed = seen(T0 + timedelta(hours=hour), text, final_url=final, etag=f'"{hour}"')
        store.record_check(article.id, observed, every_hour)
    failed = seen(T0 + timedelta(hours=5), error="timed out", error_kind=ErrorKind.TIMEOUT)
    store.record_check(article.id, failed, every_hour)
    store.add_article("https://news.test/b", source=None, now=T0 + timedelta(minutes=1))
    yield store
    store.close()


def same(read: object, stored: object) -> bool:
    """Equal, and of the same types: ``0 == False``, but their reprs differ."""
    return read == stored and repr(read) == repr(stored)


def test_every_read_gives_what_the_store_gives(filled: Store, url: str) -> None:
    reads = SQLiteReads.open(url)
    assert reads is not None
    try:
        assert same(reads.articles(), filled.articles())
        assert [article.version_count for article in reads.articles()] == [3, 0]
        for article in filled.articles():
            assert same(reads.article(article.id), filled.article(article.id))
            assert same(reads.versions(article.id), filled.versions(article.id))
            assert same(reads.checks(article.id), filled.checks(article.id))
            assert same(reads.checks(article.id, limit=2), filled.checks(article.id, limit=2))
            cards = sorted(reads.cards(article.id).items())
            assert same(cards, sorted(filled.cards(article.id).items()))
        assert sorted(reads.cards(1)) == [1, 2]
        assert reads.checks(1)[0].error_kind is ErrorKind.TIMEOUT
    finally:
        reads.close()


def test_an_article_is_found_by_each_of_its_urls_as_the_store_finds_it(
    filled: Store, url: str
) -> None:
    reads = SQLiteReads.open(url)
    assert reads is not None
    try:
        for name in ("https://news.test/a", "https://news.test/a-final", "https://news.test/b"):
            assert reads.article_by_url(name) == filled.article_by_url(name)
        with pytest.raises(NotFoundError, match="no tracked article with URL"):
            reads.article_by_url("https://news.test/c")
        with pytest.raises(NotFoundError, match="no article with id 9"):
            reads.article(9)
    finally:
        reads.close()


def test_a_database_to_create_or_upgrade_is_left_to_the_store(url: str, tmp_path: Path) -> None:
    assert SQLiteReads.open(url) is None  # no file yet: the store creates it
    assert not (tmp_path / "archive.db").exists()
    store = Store.open(url)
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    store.close()
    assert SQLiteReads.open(url) is None  # behind: Alembic upgrades it
    (tmp_path / "notes.txt").write_text("not a database")
    assert SQLiteReads.open(f"sqlite:///{tmp_path / 'notes.txt'}") is None
    assert SQLiteReads.open("sqlite://") is None
    assert SQLiteReads.open("postgresql+psycopg://u@127.0.0.1/db") is None


def test_redline_reads_through_sqlite3_until_a_write_opens_the_store(
    filled: Store, url: str
) -> None:
    with Redline.open(url) as redline:
        assert redline.articles() == filled.articles()
        assert redline.versions("https://news.test/a-final") == filled.versions(1)
        assert not redline.created
        redline.add(["https://news.test/c"])  # opens the store, which reads from now on
        assert [article.url for article in redline.articles()][-1] == "https://news.test/c"
