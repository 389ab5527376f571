"""a post's video keeps the editor's description

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00

Readers who cannot see a video hear what the editor wrote it shows, as they do for a picture;
the posts written before have none (NULL), and their players are named by the headline.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(sa.Column("video_alt", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("video_alt")
