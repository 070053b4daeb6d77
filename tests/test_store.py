from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from observations import T0, content, every_hour, seen
from redline.config import VersionPolicy
from redline.errors import NotFoundError, StoreError
from redline.model import ArticleStatus, CheckOutcome, NextCheck
from redline.store import SchemaChange, Store, database_url, upgrade_database
from redline.store.database import SCHEMA_REVISION, alembic_config
from redline.store.search_tables import include_name
from redline.store.tables import Base
from redline.urls import canonical_url


def test_adding_twice_keeps_one_article(store: Store) -> None:
    first, created = store.add_article("https://news.test/a", source="news", now=T0)
    again, created_again = store.add_article("https://news.test/a", source=None, now=T0)
    assert (created, created_again) == (True, False)
    assert first == again
    assert first.next_check == T0 and first.status is ArticleStatus.ACTIVE
    assert first.first_seen == T0 and first.first_seen.tzinfo is UTC


def test_versions_are_numbered_from_zero_and_only_written_when_text_differs(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    outcomes = [
        store.record_check(article.id, seen(T0 + timedelta(hours=i), body), every_hour)
        for i, body in enumerate(
            [content("One."), content("One."), content("One", "Two."), content("One", "Two.")]
        )
    ]
    assert [(r.outcome, r.version) for r in outcomes] == [
        (CheckOutcome.NEW_VERSION, 0),
        (CheckOutcome.UNCHANGED, 0),
        (CheckOutcome.NEW_VERSION, 1),
        (CheckOutcome.UNCHANGED, 1),
    ]
    versions = store.versions(article.id)
    assert [v.number for v in versions] == [0, 1]
    assert versions[1].paragraphs == ("One", "Two.") and versions[1].seen_at == T0 + timedelta(
        hours=2
    )
    refreshed = store.article(article.id)
    assert refreshed.version_count == 2 and refreshed.title == "Headline"
    assert refreshed.last_changed == T0 + timedelta(hours=2)
    assert refreshed.last_checked == T0 + timedelta(hours=3)


def test_title_and_byline_changes_are_new_versions(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    for body in [content("x"), content("x", title="New"), content("x", title="New", byline=None)]:
        store.record_check(article.id, seen(T0, body), every_hour)
    assert [v.title for v in store.versions(article.id)] == ["Headline", "New", "New"]


def test_errors_and_not_modified_keep_validators_and_count_failures(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    store.record_check(
        article.id, seen(T0, content("x"), etag='W/"1"', last_modified="Sun"), every_hour
    )
    failed = store.record_check(
        article.id, seen(T0, error="HTTP 500 Internal Server Error"), every_hour
    )
    assert failed.outcome is CheckOutcome.ERROR
    assert failed.error is not None and failed.error.startswith("HTTP 500")
    assert store.article(article.id).consecutive_failures == 1
    assert store.article(article.id).etag == 'W/"1"'
    not_modified = store.record_check(
        article.id, seen(T0, etag='W/"1"', last_modified="Sun"), every_hour
    )
    assert not_modified.outcome is CheckOutcome.NOT_MODIFIED and not_modified.version == 0
    again = store.article(article.id)
    assert again.consecutive_failures == 0 and again.last_modified == "Sun"
    assert again.version_count == 1


def test_a_failing_transaction_writes_no_half_version(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)

    def broken_plan(changed: bool, previous: timedelta | None) -> NextCheck:
        raise RuntimeError("planner failed")

    with pytest.raises(RuntimeError):
        store.record_check(article.id, seen(T0, content("x")), broken_plan)
    assert store.versions(article.id) == []
    assert store.article(article.id).last_checked is None


def test_schedule_is_stored(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)

    def stop(changed: bool, previous: timedelta | None) -> NextCheck:
        return NextCheck(None, timedelta(days=50), ArticleStatus.STOPPED)

    store.record_check(article.id, seen(T0, content("x")), stop)
    stopped = store.article(article.id)
    assert stopped.status is ArticleStatus.STOPPED and stopped.next_check is None
    assert store.active_article_ids() == []
    assert store.claim_due_articles("a", T0 + timedelta(999), timedelta(1)) == []


def test_due_articles_are_claimed_most_overdue_first_and_only_once(store: Store) -> None:
    late, _ = store.add_article("https://news.test/late", source=None, now=T0)
    early, _ = store.add_article("https://news.test/early", source=None, now=T0 - timedelta(1))
    store.add_article("https://news.test/future", source=None, now=T0 + timedelta(1))
    lease = timedelta(minutes=15)
    assert store.claim_due_articles("a", T0, lease) == [early.id, late.id]
    assert store.claim_due_articles("b", T0, lease) == []
    assert store.claim_due_articles("b", T0 + timedelta(minutes=16), lease) == [early.id, late.id]
    store.release_claims("b")
    assert store.claim_due_articles("c", T0, lease, limit=1) == [early.id]


def test_recording_a_check_ends_the_claim(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    assert store.claim_due_articles("a", T0, timedelta(hours=1)) == [article.id]
    store.record_check(
        article.id,
        seen(T0, content("x")),
        lambda *_: NextCheck(T0, timedelta(1), ArticleStatus.ACTIVE),
    )
    assert store.claim_due_articles("b", T0, timedelta(hours=1)) == [article.id]


def test_a_stopped_article_can_be_resumed(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)

    def stop(changed: bool, previous: timedelta | None) -> NextCheck:
        return NextCheck(None, timedelta(days=50), ArticleStatus.STOPPED)

    store.record_check(article.id, seen(T0, content("x")), stop)
    resumed = store.resume_article(article.id, T0 + timedelta(days=60))
    assert resumed.status is ArticleStatus.ACTIVE and resumed.next_check == T0 + timedelta(days=60)
    assert store.claim_due_articles("a", T0 + timedelta(days=60), timedelta(1)) == [article.id]


def test_lookup_by_url_final_url_and_removal(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    store.record_check(
        article.id, seen(T0, content("x"), final_url="https://news.test/final"), every_hour
    )
    assert store.article_by_url("https://news.test/final").id == article.id
    store.remove_article(article.id)
    with pytest.raises(NotFoundError):
        store.article(article.id)
    with pytest.raises(NotFoundError):
        store.remove_article(article.id)
    assert store.versions(article.id) == []


def test_unicode_survives_the_round_trip(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    text_ = "“Quoted” café — 東京 🙂"
    store.record_check(article.id, seen(T0, content(text_, title=text_)), every_hour)
    (version,) = store.versions(article.id)
    assert version.paragraphs == (text_,) and version.title == text_


def test_schema_is_created_by_migrations_and_upgrade_is_idempotent(database_url: str) -> None:
    assert upgrade_database(database_url) is SchemaChange.CREATED
    assert upgrade_database(database_url) is SchemaChange.UNCHANGED
    store = Store.open(database_url)
    assert not store.created  # the schema was there already
    tables = set(inspect(store.engine).get_table_names())
    assert {"articles", "versions", "checks", "alembic_version"} <= tables
    store.close()


def test_the_schema_revision_known_without_alembic_is_its_head() -> None:
    """A new migration must update SCHEMA_REVISION, or opening a database skips it."""
    assert SCHEMA_REVISION == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_schema_behind_is_upgraded_to_the_head(database_url: str) -> None:
    assert upgrade_database(database_url) is SchemaChange.CREATED
    store = Store.open(database_url)
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    store.close()
    assert upgrade_database(database_url) is SchemaChange.UPGRADED
    store = Store.open(database_url)
    with store.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    store.close()
    assert current == SCHEMA_REVISION
    assert upgrade_database(database_url) is SchemaChange.UNCHANGED


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert (connection.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 1000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()


def test_database_url_accepts_paths_and_urls(tmp_path: Path) -> None:
    assert database_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(StoreError):
        Store.open("nosuchdatabase://u@h/db")


def test_the_migrations_build_exactly_the_models(database_url: str) -> None:
    store = Store.open(database_url)
    with store.engine.connect() as connection:
        options = {"compare_type": True, "include_name": include_name}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, Base.metadata) == []
    store.close()


def test_a_flip_back_to_an_earlier_text_is_not_a_new_version(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    texts = [content("A."), content("B."), content("A."), content("B."), content("C.")]
    outcomes = [store.record_check(article.id, seen(T0, t), every_hour).outcome for t in texts]
    assert [o.value for o in outcomes] == [
        "new_version", "new_version", "unchanged", "unchanged", "new_version"
    ]  # fmt: skip
    assert [v.paragraphs for v in store.versions(article.id)] == [("A.",), ("B.",), ("C.",)]


def test_whitespace_or_punctuation_alone_is_not_a_new_version(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    store.record_check(article.id, seen(T0, content("It rained, said Jo.")), every_hour)
    for same in ["It rained said Jo", "It  rained — said Jo.", "It rained, said Jo!"]:
        result = store.record_check(article.id, seen(T0, content(same)), every_hour)
        assert result.outcome is CheckOutcome.UNCHANGED
    changed = store.record_check(article.id, seen(T0, content("It snowed, said Jo.")), every_hour)
    assert changed.outcome is CheckOutcome.NEW_VERSION


def test_the_version_policy_can_be_switched_off(store: Store) -> None:
    strict = VersionPolicy(ignore_seen_before=False, ignore_punctuation_only=False)
    article, _ = store.add_article("https://news.test/a", source=None, now=T0)
    for body in ["A.", "B.", "A.", "A!"]:
        store.record_check(article.id, seen(T0, content(body)), every_hour, strict)
    assert len(store.versions(article.id)) == 4


def test_a_version_carries_its_articles_source_for_the_source_pages(store: Store) -> None:
    article, _ = store.add_article("https://news.test/a", source="gazette", now=T0)
    store.record_check(article.id, seen(T0, content("One.")), every_hour)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT source FROM versions")).scalars().all() == [
            "gazette"
        ]


def test_the_upgrade_spells_stored_hosts_in_ascii_as_redline_now_does(database_url: str) -> None:
    """Migration 0009: URLs stored with an internationalised host as typed keep matching."""
    store = Store.open(database_url)
    try:
        config = alembic_config()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
            for url in ("https://bücher.example/a", "https://xn--bcher-kva.example/b"):
                connection.execute(
                    text(
                        "INSERT INTO articles (url, first_seen, status, consecutive_failures)"
                        " VALUES (:url, :now, 'active', 0)"
                    ),
                    {"url": url, "now": T0.replace(tzinfo=None)},
                )
            connection.execute(
                text(
                    "INSERT INTO articles (url, first_seen, status, consecutive_failures)"
                    " VALUES ('https://bücher.example/b', :now, 'active', 0)"
                ),
                {"now": T0.replace(tzinfo=None)},
            )
            command.upgrade(config, "head")
        urls = sorted(article.url for article in store.articles())
        # the second /b is left as typed: its ASCII spelling is taken by another article
        assert urls == [
            "https://bücher.example/b",
            "https://xn--bcher-kva.example/a",
            "https://xn--bcher-kva.example/b",
        ]
        article, created = store.add_article(
            canonical_url("https://Bücher.example/a"), source=None, now=T0
        )
        assert not created and article.url == "https://xn--bcher-kva.example/a"
    finally:
        store.close()
