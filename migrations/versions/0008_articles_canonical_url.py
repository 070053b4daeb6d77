"""each article records the URL its page names as its own; its final URL is indexed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00.000000

An article discovered under one URL (a feed's alias that redirects) and added
by hand under another (the address its page names, ``rel=canonical`` or
``og:url``) is one article: ``add``, URL references and feed discovery look an
URL up in ``url``, ``final_url`` and the new ``canonical_url``, so the last two
get indexes. Articles stored before this have no canonical URL until their
next check extracts one: the pages it would come from are not re-read here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canonical_url", sa.String(length=2048), nullable=True))
        batch_op.create_index("ix_articles_canonical_url", ["canonical_url"], unique=False)
        batch_op.create_index("ix_articles_final_url", ["final_url"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_articles_final_url", table_name="articles")
    op.drop_index("ix_articles_canonical_url", table_name="articles")
    if op.get_bind().dialect.name == "sqlite":
        # not batch mode: rebuilding articles drops it, and with foreign keys on that
        # deletes every version and check (ALTER TABLE ... DROP COLUMN needs SQLite 3.35)
        op.execute("ALTER TABLE articles DROP COLUMN canonical_url")
    else:
        op.drop_column("articles", "canonical_url")
