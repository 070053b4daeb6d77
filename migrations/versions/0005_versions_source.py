"""each version names its article's source, indexed with its time

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 07:45:00.000000

A source's latest changes were found by joining every version of the source's
articles and sorting them: the cost grew with the source (8.6x for a ten times
larger archive, bench/web.py). With the source on the version, they are one
range of ``ix_versions_source_seen_at_id``. An article's source never changes
after it is added, so the copy cannot go stale. Adding a column does not make
batch mode rebuild ``versions`` on SQLite, so migration 0003's triggers stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE versions SET source ="
        " (SELECT articles.source FROM articles WHERE articles.id = versions.article_id)"
    )
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_versions_source_seen_at_id", ["source", "seen_at", "id"], unique=False
        )


def downgrade() -> None:
    op.drop_index("ix_versions_source_seen_at_id", table_name="versions")
    if op.get_bind().dialect.name == "sqlite":
        # not batch mode: rebuilding the table would drop 0003's search triggers
        # (ALTER TABLE ... DROP COLUMN needs SQLite 3.35, of 2021)
        op.execute("ALTER TABLE versions DROP COLUMN source")
    else:
        op.drop_column("versions", "source")
