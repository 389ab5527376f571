"""social posts embedded in posts, kept as snapshots

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 20:20:00

One snapshot per post that embeds a social post (see domain/embeds.py), written with the
post's words; ``gone_at`` marks one whose original a later check found deleted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post_embeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "post_id",
            sa.Integer(),
            sa.ForeignKey("posts.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("endpoint", sa.String(length=4000), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_url", sa.String(length=2000), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("image_url", sa.String(length=2000), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("original_html", sa.Text(), nullable=False),
        sa.Column("hosts", sa.String(length=2000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gone_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_post_embeds_checked_at", "post_embeds", ["checked_at"])


def downgrade() -> None:
    op.drop_index("ix_post_embeds_checked_at", table_name="post_embeds")
    op.drop_table("post_embeds")
