"""The discussion's tables: readers' comments and reports, bans, blocked words, featured
comments and the community standards' text.

They are defined on the one ``metadata`` of ``schema.py``, so migrations and their checks see
every table together; a table here refers to one there (feeds, users, posts) by name.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from livefeed.store.schema import UTCDateTime, metadata

# Readers' comments under a feed, with one level of replies. Deleting a feed or the comment
# replied to takes them along; an account going leaves its comments without an author.
comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", ForeignKey("comments.id", ondelete="CASCADE"), nullable=True),
    Column("author_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    # The name a guest gave; NULL for a signed-in reader, whose account's name is shown.
    Column("guest_name", String(60), nullable=True),
    # A keyed hash of the guest's client address, so that a moderator can ban them; NULL for
    # a signed-in reader. Nothing readable about where they wrote from is kept.
    Column("guest_key", String(64), nullable=True),
    Column("body", Text, nullable=False),
    Column("state", String(20), nullable=False),
    # Why it was held for review, for the moderator; "" when it was not.
    Column("hold_reason", String(500), nullable=False),
    # Readers' reports since a moderator last decided on it.
    Column("reports", Integer, nullable=False),
    # The moderator's decision: who, when and, for a rejection, why.
    Column("decided_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decision_reason", String(40), nullable=False),
    # The event that last showed it to readers: when it is taken down, that event's copy of
    # the text is blanked, so the log keeps no words that readers can no longer see.
    Column("shown_seq", BigInteger, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # A page of a feed's threads, newest or oldest first, from a position.
    Index("ix_comments_feed_listing", "feed_id", "state", "parent_id", "created_at", "id"),
    Index("ix_comments_parent", "parent_id", "created_at", "id"),
    # The author's recent comments, for the holding rules (duplicates, bursts).
    Index("ix_comments_author_recent", "author_id", "created_at"),
)

# One report per reader per comment; kept after a decision, as the record of what was said.
comment_reports = Table(
    "comment_reports",
    metadata,
    Column("comment_id", ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("reporter_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("reason", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_comment_reports_reporter_id", "reporter_id"),
)


# Readers barred from one feed's discussion, or from every feed's (``feed_id`` NULL), until
# ``expires_at`` or for good (NULL). Lifting a ban keeps its row, as the record of what was done.
bans = Table(
    "bans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=True),
    Column("reason", String(500), nullable=False),
    Column("banned_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("lifted_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("lifted_at", UTCDateTime, nullable=True),
    # Whether a reader is banned, asked before each of their comments and reports.
    Index("ix_bans_user_feed", "user_id", "feed_id"),
    # A feed's bans in force, for its moderators' list.
    Index("ix_bans_feed_lifted", "feed_id", "lifted_at"),
)

# The site's blocked words: a comment holding one waits for a moderator. Kept in the form the
# matching compares (NFKC, case folded), so "Word" and "word" are one entry.
blocked_words = Table(
    "blocked_words",
    metadata,
    Column("word", String(100), primary_key=True),
    Column("added_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("added_at", UTCDateTime, nullable=False),
)

# A reader's comment an editor turned into a quote post; one post per comment at most. The row
# is written first, as a claim the database settles between two editors, and names its post
# once that is published (``post_id`` NULL until then).
comment_features = Table(
    "comment_features",
    metadata,
    Column("comment_id", ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("featured_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("featured_at", UTCDateTime, nullable=False),
)

# Texts the site's administrators write, by name ("community_standards"): Markdown, rendered
# when shown. A name without a row shows the default shipped with the code.
site_texts = Table(
    "site_texts",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("body", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
)

# Guests barred from one feed's discussion, or every feed's: only keyed hashes (HMAC with the
# site's key) of their client address and of their name are kept, and only while the ban lasts.
guest_bans = Table(
    "guest_bans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=True),
    Column("address_key", String(64), nullable=True, index=True),
    Column("name_key", String(64), nullable=True, index=True),
    Column("reason", String(500), nullable=False),
    Column("banned_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
)

# Keys the site makes for itself when the operator gives none (``LIVEFEED_SECRET_KEY``), kept
# here so every instance uses the same one.
site_keys = Table(
    "site_keys",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
