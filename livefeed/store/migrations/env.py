"""Runs migrations on the engine that :mod:`livefeed.store.migrate` hands over."""

from alembic import context
from sqlalchemy import Connection

from livefeed.store.tables import metadata

connection = context.config.attributes["connection"]
assert isinstance(connection, Connection)

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
connection.commit()
