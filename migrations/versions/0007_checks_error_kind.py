"""each failed check records the kind of its error

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00.000000

``checks.error_kind`` names what went wrong (``timeout``, ``no_article``, ...:
the failing exception's ``redline.errors.ErrorKind``), so that ``redline
status`` and scripts tell failures apart without parsing messages, which may
be reworded. Error rows stored before this get their kind from their message,
as the messages read when this migration was written; a message none of them
matches keeps no kind. Suspect (held-back) checks failed nothing and get none.
The patterns are copied here, not imported: a migration must do the same thing
whatever later code says.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (LIKE pattern, kind), the first match wins: the more particular patterns come first.
_KIND_BY_MESSAGE = (
    ("timed out after %", "timeout"),
    ("connection failed: %", "connect"),
    ("cannot resolve %", "connect"),
    ("refusing to follow a redirect to %", "redirect"),
    ("refusing to %", "blocked_address"),  # "refusing to fetch/connect to ...: ... address"
    ("disallowed by %", "disallowed"),
    ("not fetched: % asked us to wait (Retry-After)%", "retry_later"),
    ("HTTP % redirect without a Location", "redirect"),
    ("HTTP %", "http_status"),
    ("not an HTML page%", "content_type"),
    ("response body is %", "too_large"),
    ("empty response body", "empty_body"),
    ("redirect loop at %", "too_many_redirects"),
    ("more than % redirects", "too_many_redirects"),
    ("invalid redirect: %", "redirect"),
    ("not a valid URL%", "invalid_url"),
    ("not an http(s) URL%", "invalid_url"),
    ("no article text%", "no_article"),
    ("invalid CSS selector %", "no_article"),  # an ExtractionError too
    ("extraction failed%", "internal"),
)


def upgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_kind", sa.String(length=32), nullable=True))
    checks = sa.table("checks", sa.column("outcome"), sa.column("error"), sa.column("error_kind"))
    kind = sa.case(
        *((checks.c.error.like(pattern), kind) for pattern, kind in _KIND_BY_MESSAGE),
        else_=None,
    )
    op.execute(
        checks.update()
        .where(checks.c.outcome == "error", checks.c.error.is_not(None))
        .values(error_kind=kind)
    )


def downgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("error_kind")
