"""drafts, contributions and scheduled posts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 12:30:00

Posts gain what their life before publication needs: when one is due to go out
(``publish_at``), when it was sent to the editors (``submitted_at``), which editor last dealt
with it (``reviewer_id``), the note of a post sent back to its author (``review_note``), and
whether an editor changed a contribution before it went out (``edited_in_review``). Every
existing post is published already, so each new column is empty for it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(sa.Column("publish_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("edited_in_review", sa.Boolean(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_posts_reviewer_id_users"),
            "users",
            ["reviewer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_posts_due", ["state", "publish_at"], unique=False)
        batch_op.create_index("ix_posts_author", ["author_id", "feed_id", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_index("ix_posts_author")
        batch_op.drop_index("ix_posts_due")
        batch_op.drop_constraint(batch_op.f("fk_posts_reviewer_id_users"), type_="foreignkey")
        batch_op.drop_column("edited_in_review")
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewer_id")
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("publish_at")
