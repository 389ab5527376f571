"""an agency's wire item is taken once

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:50:00

Each item a wire delivers to a feed is kept by its ninjs ``uri`` with the newest version taken
and the post it became, so a retried delivery changes nothing and a newer version edits the
same post.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wire_items",
        sa.Column(
            "feed_id", sa.Integer(), sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("uri", sa.String(length=1000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "post_id", sa.Integer(), sa.ForeignKey("posts.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed_id", "uri"),
    )


def downgrade() -> None:
    op.drop_table("wire_items")
