"""how many times a feed's logged events were rewritten

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 20:20:00

``feeds.log_rewrites`` counts up in the transaction that rewrites events already logged (a
post's words after its deletion, a removed comment, an erased account's name). Every instance
compares it with the count it last saw when it looks the feed up, and drops the copies of the
feed's frames it keeps for replays when it moved; the validators of the feed's pages and
documents include it, so no cache answers with the earlier words either.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as table:
        table.add_column(
            sa.Column("log_rewrites", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("feeds") as table:
        table.drop_column("log_rewrites")
