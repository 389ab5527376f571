"""access: feed teams, site roles, scoped API tokens, invitations and the audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:30:00

Before this, "editor", "contributor" and "moderator" were roles of the whole site. They become
roles in each feed's team: such a user joins every existing feed's team in that role, keeps what
they could do, and their site role becomes "member". Going down, the highest feed role a member
holds becomes their site role again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FEED_ROLES = ("editor", "contributor", "moderator")


def upgrade() -> None:
    op.create_table(
        "feed_members",
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feeds.id"],
            name=op.f("fk_feed_members_feed_id_feeds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_feed_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feed_id", "user_id", name=op.f("pk_feed_members")),
    )
    with op.batch_alter_table("feed_members") as batch_op:
        batch_op.create_index("ix_feed_members_user_id", ["user_id"], unique=False)
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("feed_role", sa.String(length=20), nullable=True),
        sa.Column("site_role", sa.String(length=20), nullable=True),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name=op.f("fk_invitations_feed_id_feeds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["users.id"],
            name=op.f("fk_invitations_invited_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=254), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_log_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.create_index("ix_audit_log_at", ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_feed_id"), ["feed_id"], unique=False)
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("feed_ids", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))

    op.execute(
        "INSERT INTO feed_members (feed_id, user_id, role, added_at) "
        "SELECT feeds.id, users.id, users.role, users.created_at FROM feeds CROSS JOIN users "
        "WHERE users.role IN ('editor', 'contributor', 'moderator')"
    )
    op.execute(
        "UPDATE users SET role = 'member' WHERE role IN ('editor', 'contributor', 'moderator')"
    )


def downgrade() -> None:
    for role in _FEED_ROLES:  # the highest role first: the first to match wins
        op.execute(
            sa.text(
                "UPDATE users SET role = :role WHERE role = 'member' AND id IN "
                "(SELECT user_id FROM feed_members WHERE role = :role)"
            ).bindparams(role=role)
        )
    op.execute("UPDATE users SET role = 'contributor' WHERE role = 'member'")
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("role")
        batch_op.drop_column("feed_ids")
        batch_op.drop_column("expires_at")
    op.drop_table("audit_log")
    op.drop_table("invitations")
    op.drop_table("feed_members")
