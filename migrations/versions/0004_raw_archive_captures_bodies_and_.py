"""raw archive: captures, bodies and replaced texts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:41:46.183729

``bodies`` holds each distinct raw response body once, zstd-compressed (against
the article's previous body where ``base_id`` is set); ``captures`` ties a
version to the response it was extracted from; ``replaced_texts`` keeps a
version's text from before a re-extraction; ``checks.content_hash`` records
what each check extracted (a text held back as suspect is confirmed by the
next check seeing the same). Versions stored before this have no capture.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["base_id"], ["bodies.id"], name=op.f("fk_bodies_base_id_bodies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bodies")),
        sa.UniqueConstraint("sha256", name=op.f("uq_bodies_sha256")),
    )
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bodies_base_id"), ["base_id"], unique=False)

    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_captures_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_captures_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
        sa.UniqueConstraint("version_id", name=op.f("uq_captures_version_id")),
    )
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_captures_body_id"), ["body_id"], unique=False)

    op.create_table(
        "replaced_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("byline", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=64), nullable=True),
        sa.Column("paragraphs", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_replaced_texts_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replaced_texts")),
    )
    with op.batch_alter_table("replaced_texts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_replaced_texts_version_id"), ["version_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_replaced_texts_replaced_at"), ["replaced_at"], unique=False
        )

    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    with op.batch_alter_table("replaced_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replaced_texts_replaced_at"))
        batch_op.drop_index(batch_op.f("ix_replaced_texts_version_id"))

    op.drop_table("replaced_texts")
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_captures_body_id"))

    op.drop_table("captures")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bodies_base_id"))

    op.drop_table("bodies")
