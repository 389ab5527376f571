"""Runs migrations on the engine that :mod:`livefeed.store.migrate` hands over."""

from alembic import context
from sqlalchemy import Engine

from livefeed.store.schema import metadata

engine = context.config.attributes["engine"]
assert isinstance(engine, Engine)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
