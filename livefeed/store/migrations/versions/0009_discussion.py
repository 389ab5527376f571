"""discussion: comments and their reports; each feed's discussion and moderation settings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 12:30:00

Existing feeds open their discussion to signed-in readers, pre-moderated: nothing a reader
writes shows before a moderator has seen it, as on a new feed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.add_column(
            sa.Column("discussion", sa.String(length=10), nullable=False, server_default="members")
        )
        batch_op.add_column(
            sa.Column("moderation", sa.String(length=10), nullable=False, server_default="pre")
        )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("guest_name", sa.String(length=60), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("hold_reason", sa.String(length=500), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=40), nullable=False),
        sa.Column("shown_seq", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name=op.f("fk_comments_feed_id_feeds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_comments_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments") as batch_op:
        batch_op.create_index(
            "ix_comments_feed_listing",
            ["feed_id", "state", "parent_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_comments_parent", ["parent_id", "created_at", "id"])
        batch_op.create_index("ix_comments_author_recent", ["author_id", "created_at"])
    op.create_table(
        "comment_reports",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_reports_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_comment_reports_reporter_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("comment_id", "reporter_id", name=op.f("pk_comment_reports")),
    )
    with op.batch_alter_table("comment_reports") as batch_op:
        batch_op.create_index("ix_comment_reports_reporter_id", ["reporter_id"])


def downgrade() -> None:
    op.drop_table("comment_reports")
    op.drop_table("comments")
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.drop_column("moderation")
        batch_op.drop_column("discussion")
