"""the newsroom's pulse: who is composing a post, and a feed showing its readers' count

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 21:15:00

``feed_composing`` holds each editor's last "I am writing a post for this feed" report, as
``post_presence`` does for editing one; ``feeds.show_readers`` lets a feed tell its readers how
many read it now (off unless an editor turns it on).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_composing",
        sa.Column(
            "feed_id",
            sa.Integer(),
            sa.ForeignKey("feeds.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feed_composing_seen_at", "feed_composing", ["seen_at"])
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(
            sa.Column("show_readers", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("show_readers")
    op.drop_index("ix_feed_composing_seen_at", table_name="feed_composing")
    op.drop_table("feed_composing")
