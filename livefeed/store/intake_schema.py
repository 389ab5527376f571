"""What arrives from outside and must be taken once: requests sent again with an
``Idempotency-Key``, and the items of an agency's wire. On the one ``metadata`` of ``schema.py``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.sql.expression import true

from livefeed.store.schema import UTCDateTime, metadata

# A post made by a request that carried an ``Idempotency-Key``: the same key from the same
# account gets that post back instead of a second one, for a day. ``fingerprint`` is the
# request's (method, path and body), so a key reused for another request is refused.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# An item a wire delivered to a feed, by ninjs ``uri``: the newest ``version`` taken (a version
# already taken changes nothing, so a wire that retries is read once), and the post it became.
wire_items = Table(
    "wire_items",
    metadata,
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("uri", String(1000), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("post_id", ForeignKey("posts.id", ondelete="SET NULL"), nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    # False from a claim until its change is written (see store/wire_items.py).
    Column("settled", Boolean, nullable=False, server_default=true()),
)
