"""The tables of webhooks: where to send events, and the outbox of deliveries to them.

On the one ``metadata`` of ``schema.py``, like the discussion's and the mail's tables.
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

# Where to POST events: for one feed, or (feed_id NULL) for every feed on the site.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("url", String(2000), nullable=False),
    Column("secret", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # Paused by an admin: nothing is queued for it until it is resumed.
    Column("disabled", Boolean, nullable=False),
    # The event types it asked for, as "comment.approved,post.published"; the default
    # set (posts published, updated and deleted, feeds ended) is NULL.
    Column("events", Text, nullable=True),
)

# The outbox: one row per event per webhook, written in the event's own transaction.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("webhook_id", ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("feed_id", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    UniqueConstraint("webhook_id", "feed_id", "seq"),
    Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
)
