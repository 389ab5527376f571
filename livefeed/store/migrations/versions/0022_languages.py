"""a feed's language and a person's

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 20:10:00

``feeds.language`` is the BCP 47 tag a feed's pages, syndication and tags are written in;
feeds made before it are in the site's default language, ``en``. ``users.language`` is the
language a person chose for the pages they read, NULL until they choose one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=35), nullable=False, server_default="en")
        )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.drop_column("language")
