"""The table of social posts embedded in posts: one snapshot per post that embeds one.

On the one ``metadata`` of ``schema.py``, like the discussion's tables.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from livefeed.store.schema import UTCDateTime, metadata

# A snapshot taken when the editor gave the post's address (see domain/embeds.py); written
# and removed with the post's words, in the same transaction. ``gone_at`` is set when a later
# check found the original deleted; the snapshot itself stays.
post_embeds = Table(
    "post_embeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("provider", String(200), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("endpoint", String(4000), nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("author_url", String(2000), nullable=False),
    Column("text", Text, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Column("image_url", String(2000), nullable=False),
    Column("html", Text, nullable=False),
    Column("original_html", Text, nullable=False),
    # The origins the site's embed loads from, separated by spaces.
    Column("hosts", String(2000), nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("checked_at", UTCDateTime, nullable=True),
    Column("gone_at", UTCDateTime, nullable=True),
    Index("ix_post_embeds_checked_at", "checked_at"),
)
