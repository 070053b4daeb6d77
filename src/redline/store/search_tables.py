"""The full-text search objects of migration 0003, which are no models.

On SQLite they are an FTS5 virtual table with its shadow tables and triggers, on
PostgreSQL a generated tsvector column of ``versions`` and its GIN index (0006).
:func:`include_name` tells Alembic's comparison (autogenerate, and the test that
the migrations build the models) to leave them alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the hook's types only: opening a database must not load Alembic
    from alembic.runtime.environment import NameFilterParentNames, NameFilterType

__all__ = ["SEARCH_COLUMN", "SEARCH_INDEX", "SEARCH_TABLE", "include_name"]

SEARCH_TABLE = "versions_fts"
"""SQLite: the FTS5 table over versions' titles and text; its rowid is the version's id."""

SEARCH_COLUMN = "search_document"
"""PostgreSQL: the stored tsvector of a version's title and paragraphs."""

SEARCH_INDEX = "ix_versions_search_document"
"""PostgreSQL: the GIN index over :data:`SEARCH_COLUMN`."""


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    """Alembic's ``include_name`` hook: every reflected name but the search objects'."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_TABLE)
    if type_ == "index":
        return name != SEARCH_INDEX
    if type_ == "column":
        return name != SEARCH_COLUMN
    return True
