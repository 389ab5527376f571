"""Runs migrations on the engine that :mod:`livefeed.store.migrate` hands over."""

from alembic import context
from sqlalchemy import Connection

# The discussion's tables join the one metadata when their module is loaded.
from livefeed.store import discussion_schema, embed_schema, mail_schema, webhook_schema  # noqa: F401
from livefeed.store.schema import metadata

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
