"""a post's audio clip, and a feed's live stream recording

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 21:30:00

A post may carry a sound clip uploaded here (its address, length and transcript), or a moment
of its feed's live stream recording (seconds from the start); the feed's recording is an
address beside its live stream, NULL for the feeds made before (none).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(sa.Column("audio_url", sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column("audio_duration_ms", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audio_byte_size", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("audio_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audio_transcript", sa.Text(), nullable=True))
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.add_column(sa.Column("recording_url", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.drop_column("recording_url")
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("audio_transcript")
        batch_op.drop_column("audio_start")
        batch_op.drop_column("audio_byte_size")
        batch_op.drop_column("audio_duration_ms")
        batch_op.drop_column("audio_url")
