"""the fast path for unchanged pages: its learned rules, and which path decided a check

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 21:00:00.000000

``articles.fastpath_rule`` holds, as JSON, where the latest version's text sits on
the article's page (see ``redline.extract._fastpath``), and ``fastpath_checks`` the
checks that rule has decided since it was learned. ``checks.decided_by`` says which
path compared the article on a check: ``full`` (the extractor) or ``fast``. Articles
upgraded to this revision have no rule yet: their next check extracts in full and
learns one. Checks before this revision all went the full path, but the log cannot
tell which of them compared a text; they keep no path.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fastpath_rule", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("fastpath_checks", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_by", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("decided_by")
    # Not in a batch: on SQLite that would copy the articles table, which every other
    # table refers to, and dropping the old copy fails ("database table is locked").
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL) drops these plain columns.
    op.drop_column("articles", "fastpath_checks")
    op.drop_column("articles", "fastpath_rule")
