"""a wire item's version is settled once its change is made

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 20:10:00

``wire_items.settled`` is false from the moment a delivery claims a version until the post it
changes is written. A claim left unsettled by an instance that stopped in between may be taken
again by the wire's next try, instead of that try being read as a version already taken.
Existing rows are settled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wire_items") as table:
        table.add_column(
            sa.Column("settled", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("wire_items") as table:
        table.drop_column("settled")
