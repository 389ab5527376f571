"""a feed remembers the document it was imported from

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 17:00:00

An imported feed keeps the ``uri`` of the portable document it came from, so importing the
same file again finds it instead of making a second copy, and exporting it again gives the
same ``uri`` wherever it has moved.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("source_uri", sa.String(length=2000), nullable=True))
        batch.create_unique_constraint("uq_feeds_source_uri", ["source_uri"])


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_constraint("uq_feeds_source_uri", type_="unique")
        batch.drop_column("source_uri")
