"""Full-text search: the page, what it finds, and the index that migration 0003 keeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from redline.store import Store
from redline.store.database import alembic_config
from redline.store.queries import Archive, search_terms
from redline.store.search_tables import include_name
from redline.store.tables import Base
from redline.web import pages
from test_web_pages import Links
from webarchive import T0, Served, article, record, served


@pytest.fixture
def archive(database_url: str) -> Iterator[Served]:
    with served(database_url) as opened:
        yield opened


def found(database_url: str, query: str) -> list[tuple[int, int]]:
    """(article id, version number) of every version a search finds, newest first."""
    store = Store.open(database_url)
    try:
        hits = Archive(store.engine).search(search_terms(query), limit=100).items
    finally:
        store.close()
    return [(hit.version.article_id, hit.version.number) for hit in hits]


def test_the_search_page_groups_versions_by_article(archive: Served) -> None:
    page = archive.client.get("/search?q=ferries")
    links = Links(page.text)
    bridge = archive.ids.bridge
    assert [href for href in links.hrefs() if f"/articles/{bridge}/" in href] == [
        f"/articles/{bridge}/versions/{number}" for number in (2, 1, 0)
    ]
    assert "found in version 2, version 1, version 0" in links.words()
    assert "<mark>ferries</mark>" in page.text


def test_every_word_must_occur(archive: Served, database_url: str) -> None:
    assert found(database_url, "bridge consultation") == [(archive.ids.bridge, 2)]
    assert found(database_url, "bridge") == [(archive.ids.bridge, n) for n in (2, 1, 0)]
    assert found(database_url, "bridge unicorn") == []


def test_case_does_not_matter_and_headlines_count(archive: Served, database_url: str) -> None:
    assert found(database_url, "AT LAST") == [(archive.ids.bridge, 2), (archive.ids.bridge, 1)]


@pytest.mark.parametrize(
    "query", ['"bridge', "bridge OR NEAR(x y)", "'; DROP TABLE versions; --", "title:bridge*", "^"]
)
def test_query_syntax_is_taken_as_plain_words(archive: Served, query: str) -> None:
    response = archive.client.get("/search", params={"q": query})
    assert response.status_code == 200
    assert archive.client.get("/api/articles").status_code == 200


def test_an_empty_search_shows_the_form(archive: Served) -> None:
    page = archive.client.get("/search?q=")
    assert page.status_code == 200 and 'name="q"' in page.text
    assert "No version holds" not in page.text


def test_no_result_says_so(archive: Served) -> None:
    assert "No version holds all of those words." in archive.client.get("/search?q=zebra").text


def test_the_search_page_pages(archive: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "SEARCH_PAGE_SIZE", 2)
    first = Links(archive.client.get("/search?q=bridge").text)
    (older,) = [href for href in first.hrefs() if "before=" in href]
    second = Links(archive.client.get(f"/search{older}").text)
    assert "found in version 0" in second.words() and "q=bridge" in older


def test_new_versions_are_found_and_removed_articles_are_not(
    archive: Served, database_url: str
) -> None:
    store = Store.open(database_url)
    try:
        late = article("Ferry service resumes", "The unicorn ferry sails again.")
        record(store, archive.ids.stopped, T0 + timedelta(days=1), late)
        assert found(database_url, "unicorn") == [(archive.ids.stopped, 1)]
        store.remove_article(archive.ids.bridge)
    finally:
        store.close()
    assert found(database_url, "ferries") == []
    assert "No version holds" in archive.client.get("/search?q=ferries").text


def test_the_migration_indexes_what_was_there_and_can_be_undone(
    archive: Served, database_url: str
) -> None:
    config = alembic_config()
    store = Store.open(database_url)
    try:
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
            command.upgrade(config, "head")
    finally:
        store.close()
    assert found(database_url, "consultation") == [(archive.ids.bridge, 2)]


def test_the_migrations_build_the_models_but_for_the_search_objects(database_url: str) -> None:
    """What tests/test_store.py checks, with the filter env.py must use once 0003 is in."""
    store = Store.open(database_url)
    try:
        with store.engine.connect() as connection:
            options = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=options)
            assert compare_metadata(context, Base.metadata) == []
    finally:
        store.close()
