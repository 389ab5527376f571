"""The tables, as SQLAlchemy Core metadata; migrations under ``migrations/`` create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (no zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a zone")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    # When the reader accepted the community standards (needed once, before a first comment).
    Column("standards_accepted_at", UTCDateTime, nullable=True),
    # Whether the account wants an email when a contribution waits for it (as a feed's editor)
    # or a comment is reported (as a feed's moderator).
    Column("notify_contributions", Boolean, nullable=False, server_default=false()),
    Column("notify_reports", Boolean, nullable=False, server_default=false()),
    # The BCP 47 tag of the language the person chose for the pages they read; NULL: their
    # browser's, else the site's.
    Column("language", String(35), nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    # Only a hash of the cookie's value is kept, so a copy of the database opens no session.
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    # The token's scope (see domain/access.py): feed ids as "3,7", or NULL for every feed …
    Column("feed_ids", Text, nullable=True),
    # … and the most it may do there, or NULL for whatever its account may.
    Column("role", String(20), nullable=True),
    # Written at most every few minutes, so a busy script does not write on every request.
    Column("last_used_at", UTCDateTime, nullable=True),
)

# Invitations: a one-time link, kept as a hash, that lets its bearer make an account and join.
invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("email", String(254), nullable=False),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=True),
    Column("feed_role", String(20), nullable=True),
    # "admin" when an admin invited another admin; NULL for a plain member.
    Column("site_role", String(20), nullable=True),
    Column("invited_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime, nullable=True),
    # Set when whoever could invite took it back before it was used.
    Column("withdrawn_at", UTCDateTime, nullable=True),
)

# Who did what and when: publishing, edits, deletions, role changes, logins. Rows are only ever
# added; the actor's address is copied so the record survives the account.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("actor_email", String(254), nullable=False),
    Column("action", String(40), nullable=False),
    Column("feed_id", Integer, nullable=True, index=True),
    Column("post_id", Integer, nullable=True),
    Column("subject", String(254), nullable=False),
    Column("detail", Text, nullable=False),
    Index("ix_audit_log_at", "at"),
)

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("lead", Text, nullable=False),
    Column("notes", Text, nullable=False),
    Column("notes_html", Text, nullable=False),
    Column("lead_html", Text, nullable=False),
    Column("tags", Text, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("status", String(20), nullable=False),
    Column("coverage_start", UTCDateTime, nullable=True),
    Column("coverage_end", UTCDateTime, nullable=True),
    Column("audio_stream_url", String(2000), nullable=False),
    # The live stream's recording, which a post may point into (NULL or "" for none).
    Column("recording_url", String(2000), nullable=True),
    # Who may comment (closed, members, guests) and whether comments wait (pre) or not (post).
    Column("discussion", String(10), nullable=False, server_default="members"),
    Column("moderation", String(10), nullable=False, server_default="pre"),
    # The verification state a new post takes when its author does not say.
    Column("default_verification", String(20), nullable=False, server_default="confirmed"),
    # The feed's event counter: the row lock taken to bump it orders commits by seq.
    Column("last_seq", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The feed's own community standards (Markdown); NULL means the site's.
    Column("community_standards", Text, nullable=True),
    # The ``uri`` of the portable document it was imported from (see domain/portable.py);
    # NULL for a feed made here, whose uri is its address.
    Column("source_uri", String(2000), nullable=True, unique=True),
    # When readers last saw a post change: the "Last updated" line (NULL: no post yet).
    Column("news_at", UTCDateTime, nullable=True),
    # How the feed reads once ended: "newest" or "oldest" first.
    Column("ended_order", String(10), nullable=False, server_default="newest"),
    # Counts up with each rewrite of events already logged (see store/events.py).
    Column("log_rewrites", Integer, nullable=False, server_default="0"),
    # The BCP 47 tag its readers' pages, feeds and tags are written in.
    Column("language", String(35), nullable=False, server_default="en"),
    # Whether its readers' pages say how many read it now (always shown to its editors).
    Column("show_readers", Boolean, nullable=False, server_default=false()),
)

# Each feed's team: who is its editor, contributor or moderator.
feed_members = Table(
    "feed_members",
    metadata,
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Index("ix_feed_members_user_id", "user_id"),
)

feed_tags = Table(
    "feed_tags",
    metadata,
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(40), primary_key=True),
    Index("ix_feed_tags_tag", "tag"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(20), nullable=False),
    Column("headline", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("quote_text", Text, nullable=False),
    Column("quote_attribution", String(200), nullable=False),
    Column("image_url", String(2000), nullable=False),
    Column("image_caption", String(500), nullable=False),
    Column("image_credit", String(200), nullable=False),
    Column("image_alt", String(500), nullable=False),
    Column("read_more_url", String(2000), nullable=False),
    Column("read_more_title", String(200), nullable=False),
    Column("read_more_summary", Text, nullable=False),
    Column("read_more_image_url", String(2000), nullable=False),
    Column("tags", Text, nullable=False),
    Column("key_event", Boolean, nullable=False),
    Column("pinned", Boolean, nullable=False),
    Column("author_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("published_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    # An uploaded picture's size and renditions ([{"width", "height", "url"}] as JSON), found
    # when the post is written so that showing it needs no look-up; NULL for other pictures.
    Column("image_width", Integer, nullable=True),
    Column("image_height", Integer, nullable=True),
    Column("image_renditions", Text, nullable=True),
    # A YouTube or Vimeo address, or one of our uploaded videos; NULL for none. An uploaded
    # video's length, found when the post is written; NULL for any other.
    Column("video_url", String(2000), nullable=True),
    Column("video_duration_ms", Integer, nullable=True),
    # What the video shows, as the editor described it; NULL for none.
    Column("video_alt", String(500), nullable=True),
    # An uploaded sound clip (its length and size found when the post is written) or a moment, in
    # seconds, of the feed's recording; what is said in it. NULL for none.
    Column("audio_url", String(2000), nullable=True),
    Column("audio_duration_ms", Integer, nullable=True),
    Column("audio_byte_size", BigInteger, nullable=True),
    Column("audio_start", Integer, nullable=True),
    Column("audio_transcript", Text, nullable=True),
    # Before it goes out (see domain/workflow.py): when a scheduled post is due, when it was
    # sent to the editors, the editor who last dealt with it, why they sent it back, and
    # whether they changed a contribution before publishing it (NULL: not a contribution).
    Column("publish_at", UTCDateTime, nullable=True),
    Column("submitted_at", UTCDateTime, nullable=True),
    Column("reviewer_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("review_note", Text, nullable=True),
    Column("edited_in_review", Boolean, nullable=True),
    # Public corrections, oldest first, as JSON ([{"at", "note", "headline", "body_html"}], the
    # last two being the wording each replaced), copied from post_revisions so that showing a
    # post needs no other look-up; NULL for none. A retraction: when, and why.
    Column("corrections", Text, nullable=True),
    Column("retracted_at", UTCDateTime, nullable=True),
    Column("retraction_reason", Text, nullable=True),
    # Verification (domain/verification.py): "retracted" is written by a retraction only.
    Column("verification", String(20), nullable=False, server_default="confirmed"),
    Column("source_type", String(40), nullable=True),
    Column("sourcing", String(300), nullable=True),
    # The picture's Content Credentials (JSON, domain/credentials.py), copied from its upload,
    # and the IPTC digital source type an editor gave by hand; NULL for none.
    Column("image_credentials", Text, nullable=True),
    Column("image_source_type", String(60), nullable=True),
    # The feed page reads newest first from a position: this index makes page 500 as cheap as 1.
    Index("ix_posts_feed_timeline", "feed_id", "state", "published_at", "id"),
    Index("ix_posts_feed_seq", "feed_id", "seq"),
    # The first page asks for the pinned post and the key events: without these, a feed of
    # 10,000 posts would be read whole to find a handful.
    Index("ix_posts_feed_pinned", "feed_id", "pinned"),
    Index("ix_posts_feed_key_events", "feed_id", "state", "key_event", "published_at", "id"),
    # The scheduler's look for due posts, and a contributor's own posts.
    Index("ix_posts_due", "state", "publish_at"),
    Index("ix_posts_author", "author_id", "feed_id", "state"),
    # Search within a feed has an index of its own, in each database's kind (migration 0015,
    # store/search.py): FTS5 tables on SQLite, a GIN index over a tsvector on PostgreSQL.
)

post_tags = Table(
    "post_tags",
    metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(40), primary_key=True),
    Index("ix_post_tags_tag", "tag"),
)

# Every change of a published post keeps the post as it was: its editable fields (flat form
# names, as JSON), its sanitised body and the version they made up; with who changed it, when,
# and whether it was a plain edit, a correction (with its public note) or a retraction.
post_revisions = Table(
    "post_revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("editor_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("fields", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    # One revision per version: a version is replaced once.
    UniqueConstraint("post_id", "version"),
)

# Who has a post open for editing right now ("Anna is editing"), kept in the database so every
# instance sees it; a row not refreshed for a while no longer counts (domain/presence.py).
post_presence = Table(
    "post_presence",
    metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seen_at", UTCDateTime, nullable=False, index=True),
)

# Who is writing a post for a feed ("Anna is composing"), refreshed by the compose form's
# heartbeats like ``post_presence``.
feed_composing = Table(
    "feed_composing",
    metadata,
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False, index=True),
)

events = Table(
    "events",
    metadata,
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(40), nullable=False),
    Column("post_id", Integer, nullable=True),
    Column("data", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Every short code ever given, and what it names: one table, so a code is unique across feeds
# and posts. A row is never deleted; if its feed or post goes, the id is cleared and the code
# stays taken (it then answers 410 Gone), so it can never lead to anything else.
short_codes = Table(
    "short_codes",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("feed_id", ForeignKey("feeds.id", ondelete="SET NULL"), nullable=True, unique=True),
    Column("post_id", ForeignKey("posts.id", ondelete="SET NULL"), nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Clicks on a short URL per UTC day: how many, and nothing about who.
short_clicks = Table(
    "short_clicks",
    metadata,
    Column("code", ForeignKey("short_codes.code", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("count", Integer, nullable=False),
)

# Uploaded pictures and videos. The files are named by the SHA-256 of the bytes sent (of a
# video as stored, once copied without its tags), so the same picture uploaded twice is stored
# once; each upload still has its row (its own alt text, who sent it, for which feed, when).
# The quotas add up byte_size by uploader and by feed.
media = Table(
    "media",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hash", String(64), nullable=False, index=True),
    Column("type", String(40), nullable=False),
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
    Column("byte_size", BigInteger, nullable=False),
    # The renditions' widths, as "480,960,1600"; empty for a video.
    Column("renditions", String(200), nullable=False),
    Column("alt", String(500), nullable=False),
    Column("uploaded_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    # NULL: sent for no feed, or before uploads knew their feed.
    Column("feed_id", ForeignKey("feeds.id", ondelete="SET NULL"), nullable=True, index=True),
    # A video's length as ffprobe read it; NULL for a picture.
    Column("duration_ms", Integer, nullable=True),
    # Content Credentials (C2PA) read on upload, as JSON; the store is kept as ``{hash}.c2pa``.
    Column("credentials", Text, nullable=True),
)
