"""Alembic environment: migrations run on the connection ``notalone.db.upgrade`` passes in.

Migrations are written by hand in ``versions/`` (the schema is small and reviewed), so no
metadata is needed here; the database layer never imports the domains above it.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
