"""PostgreSQL: the search document stored on each version, indexed

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 08:00:00.000000

Migration 0003 indexed an expression. A search for common words then either
fetched every match through the index and sorted them (44 ms at 1M versions
for words in one version in ten, 3.6x the time at 100k, bench/web.py) or walked
the primary key computing each version's tsvector. Storing the tsvector as a
generated column makes the walk cheap, and PostgreSQL's statistics on a stored
tsvector let its planner pick: the index for rare words, the newest versions
first for common ones. Adding the column rewrites ``versions`` once. SQLite is
untouched: FTS5 answers both kinds quickly. The column is no model (see
``redline.store.search_tables``).
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_DOCUMENT = "(to_tsvector('simple', title) || to_tsvector('simple', paragraphs))"

_UPGRADE = [
    "ALTER TABLE versions ADD COLUMN search_document tsvector"
    f" GENERATED ALWAYS AS {_DOCUMENT} STORED",
    "CREATE INDEX ix_versions_search_document ON versions USING gin (search_document)",
    "DROP INDEX ix_versions_search",
    "ANALYZE versions",
]

_DOWNGRADE = [
    f"CREATE INDEX ix_versions_search ON versions USING gin ({_DOCUMENT})",
    "DROP INDEX ix_versions_search_document",
    "ALTER TABLE versions DROP COLUMN search_document",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _DOWNGRADE:
            op.execute(statement)
