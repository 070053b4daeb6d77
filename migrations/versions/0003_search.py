"""full-text search over versions, and an index of changes by time

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00.000000

SQLite gets a contentless FTS5 table, ``versions_fts``, whose rowid is the version's id,
kept up to date by triggers; PostgreSQL a GIN index over the tsvector of a version's title
and paragraphs. Both tokenise without stemming (``unicode61`` without diacritic folding,
PostgreSQL's ``simple`` configuration), so a search finds the same versions on either.
Neither object is a model: ``redline.store.search_tables.include_name`` keeps Alembic's
comparison away from them. A later migration that rebuilds ``versions`` on SQLite (batch
mode's copy-and-rename) drops the triggers with the old table and must create them again.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SQLITE_BODY = "(SELECT group_concat(value, char(10)) FROM json_each({row}.paragraphs))"

_SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE versions_fts USING fts5("
    "title, body, content='', columnsize=0, tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO versions_fts(rowid, title, body) "
    f"SELECT id, title, {_SQLITE_BODY.format(row='versions')} FROM versions",
    "CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN "
    "INSERT INTO versions_fts(rowid, title, body) "
    f"VALUES (new.id, new.title, {_SQLITE_BODY.format(row='new')}); END",
    # A contentless table forgets a row when told the very values it indexed.
    "CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, body) "
    f"VALUES ('delete', old.id, old.title, {_SQLITE_BODY.format(row='old')}); END",
    "CREATE TRIGGER versions_fts_update AFTER UPDATE OF title, paragraphs ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, body) "
    f"VALUES ('delete', old.id, old.title, {_SQLITE_BODY.format(row='old')}); "
    "INSERT INTO versions_fts(rowid, title, body) "
    f"VALUES (new.id, new.title, {_SQLITE_BODY.format(row='new')}); END",
]

_SQLITE_DOWNGRADE = [
    "DROP TRIGGER versions_fts_update",
    "DROP TRIGGER versions_fts_delete",
    "DROP TRIGGER versions_fts_insert",
    "DROP TABLE versions_fts",
]

_POSTGRESQL_UPGRADE = [
    "CREATE INDEX ix_versions_search ON versions USING gin "
    "((to_tsvector('simple', title) || to_tsvector('simple', paragraphs)))",
]

_POSTGRESQL_DOWNGRADE = ["DROP INDEX ix_versions_search"]


def upgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.create_index("ix_versions_seen_at_id", ["seen_at", "id"], unique=False)
    statements = {"sqlite": _SQLITE_UPGRADE, "postgresql": _POSTGRESQL_UPGRADE}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    statements = {"sqlite": _SQLITE_DOWNGRADE, "postgresql": _POSTGRESQL_DOWNGRADE}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_index("ix_versions_seen_at_id")
