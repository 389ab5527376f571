"""readers' alerts by Web Push: subscriptions and their outbox

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 20:00:00

A browser subscribed to a feed's alerts keeps only its push service address, its public key
and secret, the feed, its choice (key events or every post) and the alerts' language. Alerts
wait in an outbox written with the post, like the webhooks'.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=2000), nullable=False),
        sa.Column("p256dh", sa.String(length=100), nullable=False),
        sa.Column("auth", sa.String(length=40), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sending_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feeds.id"],
            name=op.f("fk_push_subscriptions_feed_id_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint(
            "endpoint", "feed_id", name=op.f("uq_push_subscriptions_endpoint_feed_id")
        ),
    )
    with op.batch_alter_table("push_subscriptions") as batch_op:
        batch_op.create_index("ix_push_subscriptions_feed", ["feed_id", "choice"], unique=False)
    op.create_table(
        "push_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("key_event", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["push_subscriptions.id"],
            name=op.f("fk_push_alerts_subscription_id_push_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_alerts")),
        sa.UniqueConstraint(
            "subscription_id", "seq", name=op.f("uq_push_alerts_subscription_id_seq")
        ),
    )
    with op.batch_alter_table("push_alerts") as batch_op:
        batch_op.create_index("ix_push_alerts_due", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_table("push_alerts")
    op.drop_table("push_subscriptions")
