"""mail, password resets, guest bans, managed webhooks

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 17:00:00

The site sends mail from an outbox; a forgotten password is reset through a one-time link
kept as a hash; editors and moderators choose whether to be emailed; invitations can be
withdrawn; a guest can be banned by keyed hashes of their address and name; webhooks choose
their events; and the site keeps a key of its own when the operator gives none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["state", "next_attempt_at"])
    op.create_table(
        "password_resets",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_password_resets_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_password_resets")),
    )
    op.create_index(op.f("ix_password_resets_user_id"), "password_resets", ["user_id"])
    op.create_table(
        "site_keys",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_keys")),
    )
    op.create_table(
        "guest_bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("address_key", sa.String(length=64), nullable=True),
        sa.Column("name_key", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("banned_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name=op.f("fk_guest_bans_feed_id_feeds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["banned_by"],
            ["users.id"],
            name=op.f("fk_guest_bans_banned_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guest_bans")),
    )
    op.create_index(op.f("ix_guest_bans_address_key"), "guest_bans", ["address_key"])
    op.create_index(op.f("ix_guest_bans_name_key"), "guest_bans", ["name_key"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column(
                "notify_contributions", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("notify_reports", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("webhooks") as batch_op:
        batch_op.add_column(sa.Column("events", sa.Text(), nullable=True))
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("guest_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("guest_key")
    with op.batch_alter_table("webhooks") as batch_op:
        batch_op.drop_column("events")
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("notify_reports")
        batch_op.drop_column("notify_contributions")
    op.drop_table("guest_bans")
    op.drop_table("site_keys")
    op.drop_table("password_resets")
    op.drop_table("mail_outbox")
