"""tracked URLs spell their host in ASCII (IDNA), as redline now spells every URL

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:00:00.000000

redline used to keep an internationalised host as typed (``bücher.example``); it
now stores its IDNA form (``xn--bcher-kva.example``), the form the fetcher asks
for and every URL that comes in is turned into. Articles and sources stored
before keep matching lookups and ``add`` once their host is spelt the same way.
A URL whose ASCII spelling another article already has is left as it is (the two
stay two articles, as before), and so is a host IDNA cannot encode (such a URL
could never be fetched; its checks record the error).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import idna
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    _respell(connection, "articles", "url")
    _respell(connection, "sources", "feed_url")


def downgrade() -> None:
    """Nothing to undo: the ASCII spelling names the same host."""


def _respell(connection: sa.Connection, table: str, column: str) -> None:
    rows = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.String))
    taken = {url for (url,) in connection.execute(sa.select(rows.c[column]))}
    non_ascii = sa.select(rows.c.id, rows.c[column])
    for row_id, url in connection.execute(non_ascii).all():
        if url.isascii():
            continue
        ascii_url = _ascii_host(url)
        if ascii_url is None or ascii_url in taken:
            continue
        connection.execute(sa.update(rows).where(rows.c.id == row_id).values({column: ascii_url}))
        taken.add(ascii_url)


def _ascii_host(url: str) -> str | None:
    """``url`` with its host IDNA-encoded; None if IDNA cannot encode it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        encoded = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None
    netloc = encoded if parts.port is None else f"{encoded}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
