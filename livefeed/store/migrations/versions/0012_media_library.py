"""uploads know their feed and a video its length

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 15:00:00

The quotas add up what each person and each feed has uploaded, so uploads record the feed they
were sent for (NULL for those sent before, which count against their uploader only) and are
indexed by uploader and by feed. A video's length, read by ffprobe, is kept with its upload and
with each post that shows it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch_op:
        batch_op.add_column(sa.Column("feed_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("duration_ms", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_media_feed_id_feeds"), "feeds", ["feed_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(batch_op.f("ix_media_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_uploaded_by"), ["uploaded_by"], unique=False)
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(sa.Column("video_duration_ms", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("video_duration_ms")
    with op.batch_alter_table("media") as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_uploaded_by"))
        batch_op.drop_index(batch_op.f("ix_media_feed_id"))
        batch_op.drop_constraint(batch_op.f("fk_media_feed_id_feeds"), type_="foreignkey")
        batch_op.drop_column("duration_ms")
        batch_op.drop_column("feed_id")
