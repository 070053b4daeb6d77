"""Change cards in the store: computed with each version, reverts, reclassify, migration 0010,
and the archive's changes filtered by their cards, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import text

from observations import T0, content, every_hour, seen
from redline.cards import CLASSIFIER_VERSION, classify_change
from redline.config import VersionPolicy
from redline.extract import ExtractedArticle
from redline.model import ArticleText, ChangeCard, ChangeKind
from redline.store import Store, content_hash
from redline.store.database import alembic_config
from redline.store.queries import Archive, ChangeFilter

BUDGET = (
    "The council met on Monday to discuss the budget for next year.",
    "Officials said 90 jobs would be cut across three departments.",
    "The mayor declined to comment on the plans.",
)
FEWER_JOBS = (BUDGET[0], BUDGET[1].replace("90", "95"), BUDGET[2])
TYPO = (BUDGET[0], BUDGET[1], BUDGET[2].replace("declined", "declnied"))


def story(paragraphs: tuple[str, ...] = BUDGET, **facts: str) -> ExtractedArticle:
    return content(*paragraphs, **facts)


def record(store: Store, article_id: int, *texts: ExtractedArticle, start: int = 0) -> list[str]:
    """Record a check of each text, an hour apart; their outcomes."""
    return [
        store.record_check(
            article_id, seen(T0 + timedelta(hours=start + hour), body), every_hour
        ).outcome.value
        for hour, body in enumerate(texts)
    ]


def stale(old: ArticleText, new: ArticleText, *, revert_of: int | None = None) -> ChangeCard:
    """The real classifier's card, as if an older classifier had made it."""
    card = classify_change(old, new, revert_of=revert_of)
    return dataclasses.replace(card, classifier_version="0-stale")


def broken(old: ArticleText, new: ArticleText, *, revert_of: int | None = None) -> ChangeCard:
    raise RuntimeError("the classifier has a bug")


@pytest.fixture
def article(store: Store) -> int:
    return store.add_article("https://news.test/budget", source="gazette", now=T0)[0].id


def test_a_card_is_stored_with_each_version_after_the_first(store: Store, article: int) -> None:
    assert record(store, article, story(), story(FEWER_JOBS)) == ["new_version", "new_version"]
    cards = store.cards(article)
    assert list(cards) == [1]  # version 0 has none
    assert ChangeKind.NUMBERS in cards[1].kinds
    assert [(n.old, n.new) for n in cards[1].numbers] == [("90", "95")]
    assert cards[1].classifier_version == CLASSIFIER_VERSION
    infos = Archive(store.engine).versions(article)
    assert [info.change for info in infos] == [None, cards[1]]
    assert Archive(store.engine).card(article, 1) == cards[1]


def test_a_failing_classifier_keeps_the_version_and_reclassify_fills_its_card(
    database_url: str, article: int, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Store.open(database_url, classify=broken)
    try:
        assert record(failing, article, story(), story(FEWER_JOBS)) == [
            "new_version",
            "new_version",
        ]
        assert len(failing.versions(article)) == 2 and failing.cards(article) == {}
        assert "the classifier failed" in caplog.text
    finally:
        failing.close()
    healthy = Store.open(database_url)
    try:
        assert healthy.reclassify(None, current=CLASSIFIER_VERSION) == 1
        assert len(healthy.versions(article)) == 2
        assert ChangeKind.NUMBERS in healthy.cards(article)[1].kinds
    finally:
        healthy.close()


def test_a_quick_flip_back_is_suppressed_and_one_that_persists_is_a_revert(
    store: Store, article: int
) -> None:
    first, edited = story(), story(FEWER_JOBS)
    assert record(store, article, first, edited, first) == [
        "new_version", "new_version", "unchanged"
    ]  # fmt: skip
    assert record(store, article, first, start=3) == ["new_version"]  # seen on two checks
    numbers = [version.number for version in store.versions(article)]
    assert numbers == [0, 1, 2]
    card = store.cards(article)[2]
    assert card.revert_of == 0 and ChangeKind.REVERT in card.kinds
    assert store.versions(article)[2].content_hash == store.versions(article)[0].content_hash


def test_a_flip_flop_on_every_check_makes_no_version(store: Store, article: int) -> None:
    first, edited = story(), story(FEWER_JOBS)
    outcomes = record(store, article, first, edited, first, edited, first, edited)
    assert outcomes == ["new_version", "new_version", *["unchanged"] * 4]
    assert len(store.versions(article)) == 2


def test_a_revert_that_shrinks_the_text_is_held_back_first(store: Store, article: int) -> None:
    short, long = story(BUDGET[:1]), story((*BUDGET, *FEWER_JOBS))
    outcomes = record(store, article, short, long, short, short, short)
    assert outcomes == ["new_version", "new_version", "unchanged", "suspect", "new_version"]
    assert store.cards(article)[2].revert_of == 0


def test_without_ignore_seen_before_a_flip_back_is_a_revert_at_once(
    store: Store, article: int
) -> None:
    strict = VersionPolicy(ignore_seen_before=False)
    for hour, body in enumerate([story(), story(FEWER_JOBS), story()]):
        store.record_check(article, seen(T0 + timedelta(hours=hour), body), every_hour, strict)
    assert store.cards(article)[2].revert_of == 0


def test_reclassify_recomputes_stale_cards_and_adds_no_version(
    database_url: str, article: int
) -> None:
    old = Store.open(database_url, classify=stale)
    try:
        record(old, article, story(), story(TYPO), story(FEWER_JOBS))
    finally:
        old.close()
    store = Store.open(database_url)
    try:
        assert {card.classifier_version for card in store.cards(article).values()} == {"0-stale"}
        assert store.reclassify(None, current=CLASSIFIER_VERSION) == 2
        assert len(store.versions(article)) == 3
        cards = store.cards(article)
        assert {card.classifier_version for card in cards.values()} == {CLASSIFIER_VERSION}
        assert cards[1].kinds == (ChangeKind.TYPO,)
        assert store.reclassify(None, current=CLASSIFIER_VERSION) == 0  # nothing stale now
        assert store.reclassify([article], current=None) == 2  # --all: every card
        assert store.reclassify([article + 1], current=None) == 0  # another article's
    finally:
        store.close()


def test_replacing_a_text_recomputes_the_cards_to_and_from_it(store: Store, article: int) -> None:
    record(store, article, story(), story(FEWER_JOBS), story(FEWER_JOBS, title="New headline"))
    assert ChangeKind.NUMBERS not in store.cards(article)[2].kinds
    # re-extraction finds version 1 had the old figure all along
    assert store.replace_text(article, 1, story(), T0 + timedelta(days=1))
    cards = store.cards(article)
    assert cards[1].kinds == ()  # the same text as version 0 now
    assert ChangeKind.NUMBERS in cards[2].kinds and ChangeKind.HEADLINE in cards[2].kinds


def test_removing_an_article_removes_its_cards(store: Store, article: int) -> None:
    record(store, article, story(), story(FEWER_JOBS))
    store.remove_article(article)
    with store.engine.connect() as connection:
        for table in ("change_cards", "change_card_kinds"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


@pytest.fixture
def archive(store: Store) -> Iterator[Archive]:
    """Three articles: a number changed, a typo fixed, a headline changed; one of another
    source, and one change whose card the classifier failed to compute."""
    edits = {
        "numbers": story(FEWER_JOBS),
        "typo": story(TYPO),
        "headline": story(title="Council to cut jobs"),
    }
    for hour, (name, edit) in enumerate(edits.items()):
        source = "herald" if name == "headline" else "gazette"
        added = store.add_article(f"https://news.test/{name}", source=source, now=T0)[0]
        record(store, added.id, story(), edit, start=2 * hour)
    cardless = store.add_article("https://news.test/cardless", source="gazette", now=T0)[0]
    store.classify = broken
    record(store, cardless.id, story(), story(FEWER_JOBS), start=10)
    yield Archive(store.engine)


def listed(archive: Archive, only: ChangeFilter, **options: object) -> list[str]:
    """The URLs' last parts of the changes listed, newest first."""
    page = archive.changes(limit=10, only=only, **options)  # type: ignore[arg-type]
    return [change.article_url.rsplit("/", 1)[1] for change in page.items]


def test_changes_come_newest_first_with_their_cards(archive: Archive) -> None:
    changes = archive.changes(limit=10).items
    names = [change.article_url.rsplit("/", 1)[1] for change in changes]
    assert names == ["cardless", "headline", "typo", "numbers"]
    assert changes[0].card is None
    assert changes[1].card is not None and ChangeKind.HEADLINE in changes[1].card.kinds


def test_changes_are_filtered_by_kind_significance_time_and_source(archive: Archive) -> None:
    assert listed(archive, ChangeFilter(kinds=[ChangeKind.TYPO])) == ["typo"]
    kinds = [ChangeKind.NUMBERS, ChangeKind.HEADLINE]
    assert listed(archive, ChangeFilter(kinds=kinds)) == ["headline", "numbers"]
    assert listed(archive, ChangeFilter(kinds=[ChangeKind.REWRITE])) == []
    assert listed(archive, ChangeFilter(min_significance=0.5)) == ["headline", "numbers"]
    since = ChangeFilter(since=T0 + timedelta(hours=3), min_significance=0.01)
    assert listed(archive, since) == ["headline", "typo"]
    assert listed(archive, ChangeFilter(min_significance=0.01), source="gazette") == [
        "typo",
        "numbers",
    ]
    assert listed(archive, ChangeFilter(since=T0 + timedelta(hours=5))) == ["cardless", "headline"]


def test_a_filtered_listing_pages_along_the_cards(archive: Archive) -> None:
    only = ChangeFilter(min_significance=0.01)
    first = archive.changes(limit=2, only=only)
    assert first.next_before is not None
    rest = archive.changes(limit=2, only=only, before=first.next_before)
    names = [change.article_url.rsplit("/", 1)[1] for change in (*first.items, *rest.items)]
    assert names == ["headline", "typo", "numbers"] and rest.next_before is None


def test_the_upgrade_computes_cards_for_the_versions_already_stored(database_url: str) -> None:
    """Migration 0010 on a database at 0009 that holds versions."""
    store = Store.open(database_url)
    try:
        config = alembic_config()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0009")
            connection.execute(
                text(
                    "INSERT INTO articles (id, url, first_seen, status, consecutive_failures)"
                    " VALUES (1, 'https://news.test/a', :now, 'active', 0)"
                ),
                {"now": T0.replace(tzinfo=None)},
            )
            texts = [story(), story(FEWER_JOBS), story(TYPO), story()]
            for number, body in enumerate(texts):
                connection.execute(
                    text(
                        "INSERT INTO versions (article_id, number, seen_at, title, byline,"
                        " paragraphs, content_hash, extractor_version, source)"
                        " VALUES (1, :number, :seen_at, :title, :byline, :paragraphs, :digest,"
                        " 'x', NULL)"
                    ),
                    {
                        "number": number,
                        "seen_at": (T0 + timedelta(hours=number)).replace(tzinfo=None),
                        "title": body.title,
                        "byline": body.byline,
                        "paragraphs": json.dumps(list(body.paragraphs)),
                        "digest": content_hash(body.title, body.byline, body.paragraphs),
                    },
                )
            command.upgrade(config, "head")
        cards = store.cards(1)
        assert sorted(cards) == [1, 2, 3]
        assert ChangeKind.NUMBERS in cards[1].kinds
        assert cards[3].revert_of == 0 and ChangeKind.REVERT in cards[3].kinds
        assert cards[2].revert_of is None
        changes = Archive(store.engine).changes(
            limit=5, only=ChangeFilter(kinds=[ChangeKind.REVERT])
        )
        assert [change.new.number for change in changes.items] == [3]
    finally:
        store.close()
