"""uploaded images and videos

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 12:30:00

The ``media`` table records each upload; the files themselves are on disk (or wherever the
storage keeps them). Posts gain what showing an uploaded picture needs (its size and
renditions, NULL for any other picture) and an optional video address.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("renditions", sa.String(length=200), nullable=False),
        sa.Column("alt", sa.String(length=500), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["users.id"],
            name=op.f("fk_media_uploaded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
    )
    with op.batch_alter_table("media") as batch_op:
        batch_op.create_index(batch_op.f("ix_media_hash"), ["hash"], unique=False)
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(sa.Column("image_width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("image_height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("image_renditions", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("video_url", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("video_url")
        batch_op.drop_column("image_renditions")
        batch_op.drop_column("image_height")
        batch_op.drop_column("image_width")
    op.drop_table("media")
