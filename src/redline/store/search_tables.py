"""The full-text search objects of migration 0003, which are no models.

On SQLite they are an FTS5 virtual table with its shadow tables and triggers, on
PostgreSQL an expression index. :func:`include_name` tells Alembic's comparison
(autogenerate, and the test that the migrations build the models) to leave them alone.
"""

from __future__ import annotations

from alembic.runtime.environment import NameFilterParentNames, NameFilterType

__all__ = ["SEARCH_INDEX", "SEARCH_TABLE", "include_name"]

SEARCH_TABLE = "versions_fts"
"""SQLite: the FTS5 table over versions' titles and text; its rowid is the version's id."""

SEARCH_INDEX = "ix_versions_search"
"""PostgreSQL: the GIN index over the tsvector of versions' titles and paragraphs."""


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    """Alembic's ``include_name`` hook: every reflected name but the search objects'."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_TABLE)
    if type_ == "index":
        return name != SEARCH_INDEX
    return True
