"""The ``store`` stage: SQLAlchemy over SQLite (default) or PostgreSQL.

Each name is imported from its module when first asked for (:func:`__getattr__`):
``redline list`` and ``redline show`` read a current SQLite archive through
:mod:`.sqlite_reads` alone, without loading SQLAlchemy, which importing the
package would otherwise do.
"""

import typing

from .._lazy import lazy_names as _lazy_names

if typing.TYPE_CHECKING:  # what the type checker sees at once, and __getattr__ imports on demand
    from .archive import ArchiveStore
    from .database import (
        SchemaChange,
        database_location,
        database_url,
        default_database_path,
        display_url,
        run_lock,
        upgrade_database,
    )
    from .health import SourceHealth
    from .sources import SourceStore
    from .store import Planner, Store, content_hash

_HOMES = {
    "ArchiveStore": "archive",
    **dict.fromkeys(
        ["SchemaChange", "database_location", "database_url", "default_database_path"],
        "database",
    ),
    **dict.fromkeys(["display_url", "run_lock", "upgrade_database"], "database"),
    "SourceHealth": "health",
    "SourceStore": "sources",
    **dict.fromkeys(["Planner", "Store", "content_hash"], "store"),
}
"""The module each name comes from."""

__all__ = [
    "ArchiveStore",
    "Planner",
    "SchemaChange",
    "SourceHealth",
    "SourceStore",
    "Store",
    "content_hash",
    "database_location",
    "database_url",
    "default_database_path",
    "display_url",
    "run_lock",
    "upgrade_database",
]


__getattr__, __dir__ = _lazy_names(__name__, _HOMES, globals())
