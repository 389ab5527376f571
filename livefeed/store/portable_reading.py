"""A whole feed read out of the database as its portable document (see domain/portable.py).

Read in one transaction, so the document is one moment of the feed. Everyone is named by
email, comments by their place in the document, posts' pictures by ``href`` (the caller says
how an address of this site becomes a file in the zip).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, or_, select

from livefeed.domain.media import MediaFormat, media_in_url, media_name, scaled_height
from livefeed.domain.portable import CONTEXT, FORMAT, TYPE, VERSION, moment
from livefeed.store import embeds
from livefeed.store.discussion_schema import comment_features, comment_reports, comments
from livefeed.store.schema import (
    feed_members,
    feeds,
    media,
    post_revisions,
    posts,
    short_codes,
    users,
)

Href = Callable[[str], str]
# The fields of a revision that hold an address (the flat form names of domain/posts.py).
URL_FIELDS = ("image.url", "video.url", "read_more.image_url")


def _when(value: datetime | None) -> str | None:
    return moment(value) if value else None


class _People:
    """Every account the document names, found once each."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.known: dict[int, tuple[str, str]] = {}

    def email(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self.known:
            row = self.conn.execute(
                select(users.c.email, users.c.display_name).where(users.c.id == user_id)
            ).one()
            self.known[user_id] = (row.email, row.display_name)
        return self.known[user_id][0]

    def listed(self) -> list[dict[str, str]]:
        found = sorted(self.known.values())
        return [{"email": email, "name": name} for email, name in found]


def feed_document(
    conn: Connection, feed_id: int, *, uri: str, post_uri: Callable[[int], str], href: Href
) -> dict[str, Any]:
    people = _People(conn)
    feed = conn.execute(select(feeds).where(feeds.c.id == feed_id)).mappings().one()
    code = conn.execute(
        select(short_codes.c.code).where(short_codes.c.feed_id == feed_id)
    ).scalar_one_or_none()
    team = [
        {"email": people.email(row.user_id), "role": row.role, "added_at": moment(row.added_at)}
        for row in conn.execute(select(feed_members).where(feed_members.c.feed_id == feed_id)).all()
    ]
    team.sort(key=lambda member: str(member["email"]))
    post_rows = _post_rows(conn, feed_id)
    document_posts = [_post(conn, row, people, post_uri, href) for row in post_rows]
    document_comments = _comments(conn, feed_id, people)
    document_media = _media(conn, feed_id, post_rows, people, href)
    return {
        "format": FORMAT,
        "version": VERSION,
        "@context": CONTEXT,
        "@type": TYPE,
        "uri": feed["source_uri"] or uri,
        "slug": feed["slug"],
        "headline": feed["title"],
        "description": feed["lead"],
        "notes": feed["notes"],
        "keywords": json.loads(feed["tags"]),
        "timezone": feed["timezone"],
        "status": feed["status"],
        "coverageStartTime": _when(feed["coverage_start"]),
        "coverageEndTime": _when(feed["coverage_end"]),
        "audio_stream_url": feed["audio_stream_url"],
        "recording_url": feed["recording_url"] or "",
        "discussion": feed["discussion"],
        "moderation": feed["moderation"],
        "inLanguage": feed["language"],
        "community_standards": feed["community_standards"],
        "dateCreated": moment(feed["created_at"]),
        "dateModified": moment(feed["updated_at"]),
        "short_code": code or "",
        "people": people.listed(),
        "team": team,
        "media": document_media,
        "posts": document_posts,
        "comments": document_comments,
    }


def _post_rows(conn: Connection, feed_id: int) -> list[RowMapping]:
    query = (
        select(posts, short_codes.c.code.label("short_code"))
        .outerjoin(short_codes, short_codes.c.post_id == posts.c.id)
        .where(posts.c.feed_id == feed_id)
        .order_by(posts.c.created_at, posts.c.id)
    )
    return list(conn.execute(query).mappings())


def _post(
    conn: Connection, row: RowMapping, people: _People, post_uri: Callable[[int], str], href: Href
) -> dict[str, Any]:
    revisions = conn.execute(
        select(post_revisions)
        .where(post_revisions.c.post_id == row["id"])
        .order_by(post_revisions.c.version)
    ).mappings()
    corrections = json.loads(row["corrections"]) if row["corrections"] else []
    return {
        "uri": post_uri(row["id"]),
        "state": row["state"],
        "headlines": [{"value": row["headline"]}] if row["headline"] else [],
        "bodies": [{"contenttype": "text/markdown", "value": row["body"]}],
        "author": people.email(row["author_id"]),
        "firstcreated": moment(row["created_at"]),
        "versioncreated": moment(row["updated_at"]),
        "published_at": moment(row["published_at"]),
        "version": row["version"],
        "keywords": json.loads(row["tags"]),
        "key_event": row["key_event"],
        "pinned": row["pinned"],
        "short_code": row["short_code"] or "",
        "quote": (
            {"text": row["quote_text"], "attribution": row["quote_attribution"]}
            if row["quote_text"]
            else None
        ),
        "image": (
            {
                "href": href(row["image_url"]),
                "alt": row["image_alt"],
                "caption": row["image_caption"],
                "credit": row["image_credit"],
            }
            if row["image_url"]
            else None
        ),
        "video": (
            {"href": href(row["video_url"]), "alt": row["video_alt"] or ""}
            if row["video_url"]
            else None
        ),
        "audio": (
            {
                "href": href(row["audio_url"]) if row["audio_url"] else "",
                "start": row["audio_start"],
                "transcript": row["audio_transcript"] or "",
            }
            if row["audio_url"] or row["audio_start"] is not None
            else None
        ),
        "read_more": (
            {
                "url": row["read_more_url"],
                "title": row["read_more_title"],
                "summary": row["read_more_summary"],
                "image_url": href(row["read_more_image_url"]) if row["read_more_image_url"] else "",
            }
            if row["read_more_url"]
            else None
        ),
        "embed": embeds.document_of(conn, row["id"], href),
        "publish_at": _when(row["publish_at"]),
        "submitted_at": _when(row["submitted_at"]),
        "reviewer": people.email(row["reviewer_id"]),
        "review_note": row["review_note"] or "",
        "edited_in_review": row["edited_in_review"],
        "corrections": corrections,
        "retraction": (
            {"at": moment(row["retracted_at"]), "reason": row["retraction_reason"] or ""}
            if row["retracted_at"]
            else None
        ),
        "revisions": [_revision(revision, people, href) for revision in revisions],
        "reached_readers": row["seq"] > 0,
    }


def _revision(row: RowMapping, people: _People, href: Href) -> dict[str, Any]:
    fields = json.loads(row["fields"])
    for name in URL_FIELDS:
        if fields.get(name):
            fields[name] = href(fields[name])
    return {
        "version": row["version"],
        "kind": row["kind"],
        "note": row["note"],
        "editor": people.email(row["editor_id"]),
        "created_at": moment(row["created_at"]),
        "fields": fields,
        "body_html": row["body_html"],
    }


def _comments(conn: Connection, feed_id: int, people: _People) -> list[dict[str, Any]]:
    """Oldest first, numbered 1, 2, 3…: a reply always comes after the comment it answers."""
    rows = list(
        conn.execute(
            select(comments, comment_features, short_codes.c.code.label("featured_code"))
            .outerjoin(comment_features, comment_features.c.comment_id == comments.c.id)
            .outerjoin(short_codes, short_codes.c.post_id == comment_features.c.post_id)
            .where(comments.c.feed_id == feed_id)
            .order_by(comments.c.created_at, comments.c.id)
        ).mappings()
    )
    number = {row["id"]: index for index, row in enumerate(rows, start=1)}
    found = []
    for row in rows:
        reports = conn.execute(
            select(comment_reports)
            .where(comment_reports.c.comment_id == row["id"])
            .order_by(comment_reports.c.created_at, comment_reports.c.reporter_id)
        ).mappings()
        found.append(
            {
                "id": number[row["id"]],
                "parent": number[row["parent_id"]] if row["parent_id"] else None,
                "author": people.email(row["author_id"]),
                "guest_name": row["guest_name"],
                "body": row["body"],
                "state": row["state"],
                "hold_reason": row["hold_reason"],
                "reports": row["reports"],
                "decided_by": people.email(row["decided_by"]),
                "decided_at": _when(row["decided_at"]),
                "decision_reason": row["decision_reason"],
                "created_at": moment(row["created_at"]),
                "updated_at": moment(row["updated_at"]),
                "reported_by": [
                    {
                        "email": people.email(report["reporter_id"]),
                        "reason": report["reason"],
                        "note": report["note"],
                        "at": moment(report["created_at"]),
                    }
                    for report in reports
                ],
                "featured": (
                    {
                        "post": row["featured_code"],
                        "by": people.email(row["featured_by"]),
                        "at": moment(row["featured_at"]),
                    }
                    if row["featured_code"]
                    else None
                ),
            }
        )
    return found


def _media(
    conn: Connection, feed_id: int, post_rows: list[RowMapping], people: _People, href: Href
) -> list[dict[str, Any]]:
    """The uploads made for the feed, and any other upload one of its posts shows."""
    shown: set[str] = set()
    for row in post_rows:
        for url in (
            row["image_url"],
            row["video_url"],
            row["audio_url"],
            row["read_more_image_url"],
        ):
            found = media_in_url(url) if url else None
            if found:
                shown.add(found[1].hash)
    query = (
        select(media)
        .where(or_(media.c.feed_id == feed_id, media.c.hash.in_(sorted(shown))))
        .order_by(media.c.created_at, media.c.id)
    )
    listed = []
    for row in conn.execute(query).mappings():
        fmt = MediaFormat.from_content_type(row["type"])
        widths = [int(width) for width in row["renditions"].split(",") if width]
        if not fmt.is_picture:
            renditions: list[dict[str, Any]] = [
                {"name": "original", "href": f"media/{media_name(row['hash'], fmt)}"}
            ]
        else:
            renditions = [
                {
                    "name": str(width),
                    "href": f"media/{media_name(row['hash'], fmt, width)}",
                    "width": width,
                    "height": scaled_height(row["width"], row["height"], width),
                }
                for width in widths
            ]
        listed.append(
            {
                "hash": row["hash"],
                "contenttype": row["type"],
                "width": row["width"],
                "height": row["height"],
                "sizeinbytes": row["byte_size"],
                "duration_ms": row["duration_ms"],
                "alt": row["alt"],
                "uploaded_by": people.email(row["uploaded_by"]),
                "firstcreated": moment(row["created_at"]),
                "renditions": renditions,
            }
        )
    return listed
