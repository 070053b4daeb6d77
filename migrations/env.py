"""Alembic environment: runs on the connection redline hands over, or on REDLINE_DB."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from redline.store.database import database_url, open_engine
from redline.store.search_tables import include_name
from redline.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    engine = open_engine(database_url(os.environ.get("REDLINE_DB")))
    with engine.begin() as own_connection:
        run_on(own_connection)


main()
