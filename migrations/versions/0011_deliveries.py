"""the outbox: notifications queued with the versions they tell of

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:00:00.000000

``deliveries`` holds one row per message a ``[[notify]]`` rule sends: its delivery
id (the webhook's ``id``), its status (pending, sent, failed), its attempts, last
error and when it is next due, and the lease of the sender sending it.
``delivery_changes`` names the versions each delivery tells of (one, or the changes
a digest folds). A database upgraded to this revision has an empty outbox: the
changes it already holds were told of, or not, before notifications existed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_kind", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deliveries_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index("ix_deliveries_rule_created_at", ["rule", "created_at"], unique=False)
    op.create_table(
        "delivery_changes",
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_changes_delivery_id_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_delivery_changes_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("delivery_id", "version_id", name=op.f("pk_delivery_changes")),
    )
    with op.batch_alter_table("delivery_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_changes_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("delivery_changes")
    op.drop_table("deliveries")
