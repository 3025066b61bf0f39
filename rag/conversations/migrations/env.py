"""Alembic environment: run by rag.conversations.migrate with the store's own connection
(config.attributes["connection"]), or with `sqlalchemy.url` set (tests, manual runs)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from rag.conversations.models import Base

# Any fixed number: several server processes starting on one PostgreSQL database take turns.
_PG_MIGRATION_LOCK = 726_150_412


def _run(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with create_engine(context.config.get_main_option("sqlalchemy.url")).begin() as conn:
        _run(conn)
