"""The ``store`` stage: SQLAlchemy over SQLite (default) or PostgreSQL."""

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
