"""indexes for the first page: the pinned post and the key events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:02:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index("ix_posts_feed_pinned", ["feed_id", "pinned"], unique=False)
        batch_op.create_index(
            "ix_posts_feed_key_events",
            ["feed_id", "state", "key_event", "published_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_feed_key_events")
        batch_op.drop_index("ix_posts_feed_pinned")
