"""Taking rows for one worker: article claims and delivery leases, the same mechanism.

Several workers sharing a PostgreSQL database each take what is due, and none takes
a row another is taking: the rows are chosen ``FOR UPDATE SKIP LOCKED`` and marked as
taken in one UPDATE (SQLite, one writer at a time, runs that UPDATE atomically).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, update
from sqlalchemy.orm import Session

from .tables import Base

__all__ = ["take_rows"]


def take_rows(
    session: Session, model: type[Base], due: Select[Any], values: dict[str, Any]
) -> list[Any]:
    """Set ``values`` on the rows of ``model`` whose ids ``due`` selects, skipping those
    another transaction holds; the ids of the rows taken."""
    taken = (
        update(model)
        .where(model.id.in_(due.with_for_update(skip_locked=True)))  # type: ignore[attr-defined]
        .values(**values)
        .returning(model.id)  # type: ignore[attr-defined]
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(taken))
