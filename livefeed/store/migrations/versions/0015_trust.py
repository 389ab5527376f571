"""verification states, and the Content Credentials of pictures

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 17:00:00

Each post says how far the newsroom stands behind it, where it came from and on whose word;
each feed chooses the state its new posts take. Posts written before are taken as confirmed,
which is what publishing them said until now. An uploaded picture keeps what its C2PA manifest
said, and a post copies it with the picture, beside a digital source type an editor may give.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.add_column(
            sa.Column(
                "default_verification", sa.String(20), nullable=False, server_default="confirmed"
            )
        )
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(
            sa.Column("verification", sa.String(20), nullable=False, server_default="confirmed")
        )
        batch_op.add_column(sa.Column("source_type", sa.String(40), nullable=True))
        batch_op.add_column(sa.Column("sourcing", sa.String(300), nullable=True))
        batch_op.add_column(sa.Column("image_credentials", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("image_source_type", sa.String(60), nullable=True))
    op.execute("UPDATE posts SET verification = 'retracted' WHERE retracted_at IS NOT NULL")
    with op.batch_alter_table("media") as batch_op:
        batch_op.add_column(sa.Column("credentials", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media") as batch_op:
        batch_op.drop_column("credentials")
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_column("image_source_type")
        batch_op.drop_column("image_credentials")
        batch_op.drop_column("sourcing")
        batch_op.drop_column("source_type")
        batch_op.drop_column("verification")
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.drop_column("default_verification")
