"""bans and the blocked word list

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 12:30:00

Bans bar a reader from one feed's discussion or from every feed's, for a time or for good; a
lifted ban keeps its row. The site's blocked words send a comment holding one to review.
A comment an editor featured in the feed records the post it became.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("banned_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bans_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name=op.f("fk_bans_feed_id_feeds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["banned_by"], ["users.id"], name=op.f("fk_bans_banned_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by"], ["users.id"], name=op.f("fk_bans_lifted_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bans")),
    )
    with op.batch_alter_table("bans") as batch_op:
        batch_op.create_index("ix_bans_user_feed", ["user_id", "feed_id"], unique=False)
        batch_op.create_index("ix_bans_feed_lifted", ["feed_id", "lifted_at"], unique=False)
    op.create_table(
        "blocked_words",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["users.id"],
            name=op.f("fk_blocked_words_added_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_blocked_words")),
    )
    op.create_table(
        "comment_features",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("featured_by", sa.Integer(), nullable=True),
        sa.Column("featured_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_features_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_comment_features_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["featured_by"],
            ["users.id"],
            name=op.f("fk_comment_features_featured_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_comment_features")),
    )
    with op.batch_alter_table("comment_features") as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_features_post_id"), ["post_id"], unique=False)


def downgrade() -> None:
    op.drop_table("comment_features")
    op.drop_table("blocked_words")
    op.drop_table("bans")
