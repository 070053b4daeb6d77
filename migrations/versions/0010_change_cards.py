"""change cards: what each change is, computed for the versions already stored

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 09:00:00.000000

``change_cards`` holds one card per version after the first (see redline.cards): its
kinds, significance, reasons, summary, sentence counts, share of words changed,
numbers changed, the version it reverts to, and the classifier that made it.
``change_card_kinds`` repeats each kind in a row of its own, so that a listing
filtered by kind probes an index on SQLite and PostgreSQL alike.

The upgrade computes the cards of every version the database holds, with the
classifier of the code running it, a batch of versions at a time (memory stays
bounded at any archive size). The tables are declared here as they are at this
revision, not read from today's models, so that the migration means the same
whatever later ones change. A version the classifier fails on is left without a
card, as a check would leave it; ``redline reclassify`` computes it later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op

from redline.cards import classify_change
from redline.model import ChangeCard

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_BATCH = 500
"""Versions read, classified and written at a time."""

log = logging.getLogger("redline")

_VERSIONS = sa.table(
    "versions",
    sa.column("id", sa.Integer),
    sa.column("article_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("seen_at", sa.DateTime),
    sa.column("title", sa.Text),
    sa.column("byline", sa.Text),
    sa.column("paragraphs", sa.JSON),
    sa.column("content_hash", sa.String),
)


def upgrade() -> None:
    cards = op.create_table(
        "change_cards",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("significance", sa.Float(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("sentences_added", sa.Integer(), nullable=False),
        sa.Column("sentences_deleted", sa.Integer(), nullable=False),
        sa.Column("sentences_edited", sa.Integer(), nullable=False),
        sa.Column("sentences_moved", sa.Integer(), nullable=False),
        sa.Column("words_changed", sa.Float(), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("revert_of", sa.Integer(), nullable=True),
        sa.Column("classifier_version", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_change_cards_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_change_cards")),
    )
    with op.batch_alter_table("change_cards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_cards_seen_at", ["seen_at", "version_id", "significance"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_cards_classifier_version"), ["classifier_version"], unique=False
        )
    kinds = op.create_table(
        "change_card_kinds",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["change_cards.version_id"],
            name=op.f("fk_change_card_kinds_version_id_change_cards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "kind", name=op.f("pk_change_card_kinds")),
    )
    with op.batch_alter_table("change_card_kinds", schema=None) as batch_op:
        batch_op.create_index("ix_change_card_kinds_kind", ["kind", "version_id"], unique=False)
    _compute_cards(op.get_bind(), cards, kinds)


def downgrade() -> None:
    op.drop_table("change_card_kinds")
    op.drop_table("change_cards")


class _Text(NamedTuple):
    """A stored version's text, as the classifier reads it (a named tuple: Alembic loads
    this module outside ``sys.modules``, where a dataclass cannot resolve its annotations)."""

    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


def _compute_cards(connection: sa.Connection, cards: sa.Table, kinds: sa.Table) -> None:
    previous: sa.Row[Any] | None = None
    first_numbers: dict[str, int] = {}  # of the article being read: text digest -> version
    for batch in _version_batches(connection):
        card_rows: list[dict[str, Any]] = []
        kind_rows: list[dict[str, Any]] = []
        for version in batch:
            if version.number == 0 or previous is None or previous.article_id != version.article_id:
                first_numbers = {}
            elif (card := _card(previous, version, _revert_of(version, first_numbers))) is not None:
                card_rows.append(_card_values(version, card))
                kind_rows += ({"version_id": version.id, "kind": kind.value} for kind in card.kinds)
            first_numbers.setdefault(version.content_hash, version.number)
            previous = version
        if card_rows:
            connection.execute(cards.insert(), card_rows)
        if kind_rows:
            connection.execute(kinds.insert(), kind_rows)


def _version_batches(connection: sa.Connection) -> Iterator[Sequence[sa.Row[Any]]]:
    """Every version, in article and number order, :data:`_BATCH` at a time."""
    query = sa.select(_VERSIONS).order_by(_VERSIONS.c.article_id, _VERSIONS.c.number).limit(_BATCH)
    batch = connection.execute(query).all()
    while batch:
        yield batch
        last = batch[-1]
        after = sa.tuple_(_VERSIONS.c.article_id, _VERSIONS.c.number) > sa.tuple_(
            sa.literal(last.article_id), sa.literal(last.number)
        )
        batch = connection.execute(query.where(after)).all()


def _revert_of(version: sa.Row[Any], first_numbers: dict[str, int]) -> int | None:
    """The first earlier version with this text, but the one just before (no change)."""
    earlier = first_numbers.get(version.content_hash)
    return earlier if earlier is not None and earlier < version.number - 1 else None


def _card(previous: sa.Row[Any], version: sa.Row[Any], revert_of: int | None) -> ChangeCard | None:
    try:
        return classify_change(_text(previous), _text(version), revert_of=revert_of)
    except Exception:  # as a check does: the version stays, its card is computed later
        log.exception(
            "no change card for version %d of article %d", version.number, version.article_id
        )
        return None


def _text(version: sa.Row[Any]) -> _Text:
    return _Text(version.title, version.byline, tuple(version.paragraphs))


def _card_values(version: sa.Row[Any], card: ChangeCard) -> dict[str, Any]:
    return {
        "version_id": version.id,
        "seen_at": version.seen_at,
        "kinds": [kind.value for kind in card.kinds],
        "significance": card.significance,
        "summary": card.summary,
        "reasons": list(card.reasons),
        "sentences_added": card.sentences.added,
        "sentences_deleted": card.sentences.deleted,
        "sentences_edited": card.sentences.edited,
        "sentences_moved": card.sentences.moved,
        "words_changed": card.words_changed,
        "numbers": [[number.old, number.new] for number in card.numbers],
        "revert_of": card.revert_of,
        "classifier_version": card.classifier_version,
    }
