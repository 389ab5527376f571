"""The tables of readers' alerts (Web Push): who asked, and the outbox of alerts to them.

On the one ``metadata`` of ``schema.py``, like the webhooks' and the mail's tables.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from livefeed.store.schema import UTCDateTime, metadata

# A browser's subscription to one feed's alerts: only what sending needs (domain/alerts.py).
push_subscriptions = Table(
    "push_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint", String(2000), nullable=False),
    Column("p256dh", String(100), nullable=False),
    Column("auth", String(40), nullable=False),
    # "key_events" or "every_post".
    Column("choice", String(20), nullable=False),
    Column("language", String(35), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # When it was last alerted, for the one-alert-in-five-minutes rule.
    Column("alerted_at", UTCDateTime, nullable=True),
    # A sender holds it until then while it sends: one instance alerts a subscription at once.
    Column("sending_until", UTCDateTime, nullable=True),
    UniqueConstraint("endpoint", "feed_id"),
    Index("ix_push_subscriptions_feed", "feed_id", "choice"),
)

# The outbox: one row per post per subscription, written in the post's own transaction; the
# rows of one subscription that are due together go as one alert.
push_alerts = Table(
    "push_alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscription_id",
        ForeignKey("push_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("post_id", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("key_event", Boolean, nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    UniqueConstraint("subscription_id", "seq"),
    Index("ix_push_alerts_due", "state", "next_attempt_at"),
)
