"""A portable document written into the database as a feed (see domain/portable.py).

Every function here runs inside the one transaction of an import: a failure anywhere leaves
nothing behind. The caller has checked the document's shape and rendered its texts; this module
only turns its parts into rows. Times are kept as the document gives them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from livefeed.domain.audio import Audio
from livefeed.domain.errors import Conflict, Message
from livefeed.domain.portable import read_moment, text_of
from livefeed.domain.posts import Image
from livefeed.domain.shortcodes import ShortKind
from livefeed.store.discussion_schema import comment_features, comment_reports, comments
from livefeed.store.schema import (
    feed_members,
    feed_tags,
    feeds,
    media,
    post_revisions,
    post_tags,
    posts,
    short_codes,
    users,
)

# An account made for someone a document names but this site does not know: no password can
# match it, so they sign in only after an admin sets one or sends an invitation.
NO_PASSWORD = "!imported"  # noqa: S105 (a hash nothing matches, not a password)


def _when(text: str | None) -> datetime | None:
    return read_moment(text) if text else None


def feed_with_source(conn: Connection, uri: str) -> str | None:
    """The slug of the feed already imported from the document ``uri``, if any."""
    slug: str | None = conn.execute(
        select(feeds.c.slug).where(feeds.c.source_uri == uri)
    ).scalar_one_or_none()
    return slug


def people_ids(
    conn: Connection, people: Sequence[Mapping[str, str]], now: datetime
) -> dict[str, int]:
    """Each person's account here (by email, in any case), made when they have none."""
    found: dict[str, int] = {}
    for person in people:
        email = person["email"].strip().lower()
        user_id = conn.execute(select(users.c.id).where(users.c.email == email)).scalar()
        if user_id is None:
            user_id = conn.execute(
                insert(users)
                .values(
                    email=email,
                    display_name=person["name"][:200] or email,
                    password_hash=NO_PASSWORD,
                    role="member",
                    disabled=False,
                    created_at=now,
                )
                .returning(users.c.id)
            ).scalar_one()
        found[email] = user_id
    return found


def _code(conn: Connection, code: str, place: str, now: datetime, **target: int) -> None:
    if not code:
        return
    kind = ShortKind.FEED if "feed_id" in target else ShortKind.POST
    taken = conn.execute(select(short_codes.c.code).where(short_codes.c.code == code)).first()
    if taken is not None:
        raise Conflict(
            Message("%(code)s is already a short code on this site", code=code), field=place
        )
    conn.execute(insert(short_codes).values(code=code, kind=kind.value, created_at=now, **target))


def insert_feed(
    conn: Connection,
    document: Mapping[str, Any],
    *,
    slug: str,
    lead_html: str,
    notes_html: str,
    language: str,
    now: datetime,
) -> int:
    values = {
        "slug": slug,
        "title": document["headline"],
        "lead": document["description"],
        "lead_html": lead_html,
        "notes": document["notes"],
        "notes_html": notes_html,
        "tags": json.dumps(document["keywords"]),
        "timezone": document["timezone"],
        "status": document["status"],
        "coverage_start": _when(document["coverageStartTime"]),
        "coverage_end": _when(document["coverageEndTime"]),
        "audio_stream_url": document["audio_stream_url"],
        "recording_url": document.get("recording_url", ""),
        "discussion": document["discussion"],
        "moderation": document["moderation"],
        "language": language,
        "community_standards": document["community_standards"],
        "last_seq": 0,
        "version": 1,
        "created_at": read_moment(document["dateCreated"]),
        "updated_at": read_moment(document["dateModified"]),
        "source_uri": document["uri"],
    }
    try:
        with conn.begin_nested():
            feed_id: int = conn.execute(
                insert(feeds).values(values).returning(feeds.c.id)
            ).scalar_one()
    except IntegrityError:
        raise Conflict(
            Message("the slug %(slug)s is taken on this site", slug=slug), field="slug"
        ) from None
    for tag in dict.fromkeys(document["keywords"]):
        conn.execute(insert(feed_tags).values(feed_id=feed_id, tag=tag))
    _code(conn, document["short_code"], "short_code", now, feed_id=feed_id)
    return feed_id


def insert_member(conn: Connection, feed_id: int, user_id: int, role: str, added_at: str) -> None:
    conn.execute(
        insert(feed_members).values(
            feed_id=feed_id, user_id=user_id, role=role, added_at=read_moment(added_at)
        )
    )


def insert_media(
    conn: Connection, feed_id: int, item: Mapping[str, Any], uploader_id: int | None
) -> None:
    widths = [rendition["name"] for rendition in item["renditions"] if rendition["name"].isdigit()]
    conn.execute(
        insert(media).values(
            hash=item["hash"],
            type=item["contenttype"],
            width=item["width"],
            height=item["height"],
            byte_size=item["sizeinbytes"],
            renditions=",".join(widths),
            alt=item["alt"],
            uploaded_by=uploader_id,
            created_at=read_moment(item["firstcreated"]),
            feed_id=feed_id,
            duration_ms=item["duration_ms"],
        )
    )


def insert_post(
    conn: Connection,
    feed_id: int,
    post: Mapping[str, Any],
    *,
    place: str,
    ids: Mapping[str, int],
    body_html: str,
    image: Image | None,
    video: tuple[str, int | None, str] | None,
    read_more_image_url: str,
    corrections: list[dict[str, str]],
    now: datetime,
    audio: Audio | None = None,
) -> int:
    """One post with its tags, short code and revisions; ``image``, ``video`` (address,
    length, description) and ``audio`` are as this site shows them."""
    quote = post.get("quote") or {}
    card = post.get("read_more") or {}
    retraction = post["retraction"] or {}
    values = {
        "feed_id": feed_id,
        "state": post["state"],
        "headline": text_of(post["headlines"]),
        "body": text_of(post["bodies"]),
        "body_html": body_html,
        "quote_text": quote.get("text", ""),
        "quote_attribution": quote.get("attribution", ""),
        "image_url": image.url if image else "",
        "image_caption": image.caption if image else "",
        "image_credit": image.credit if image else "",
        "image_alt": image.alt if image else "",
        "image_width": (image.width or None) if image else None,
        "image_height": (image.height or None) if image else None,
        "image_renditions": (
            json.dumps(
                [{"width": r.width, "height": r.height, "url": r.url} for r in image.renditions]
            )
            if image and image.renditions
            else None
        ),
        "read_more_url": card.get("url", ""),
        "read_more_title": card.get("title", ""),
        "read_more_summary": card.get("summary", ""),
        "read_more_image_url": read_more_image_url,
        "video_url": video[0] if video else None,
        "video_duration_ms": video[1] if video else None,
        "video_alt": (video[2] or None) if video else None,
        "audio_url": (audio.url or None) if audio else None,
        "audio_duration_ms": audio.duration_ms if audio else None,
        "audio_byte_size": audio.byte_size if audio else None,
        "audio_start": audio.start if audio else None,
        "audio_transcript": (audio.transcript or None) if audio else None,
        "tags": json.dumps(post["keywords"]),
        "key_event": post["key_event"],
        "pinned": post["pinned"],
        "author_id": _person(ids, post["author"]),
        "published_at": read_moment(post["published_at"]),
        "created_at": read_moment(post["firstcreated"]),
        "updated_at": read_moment(post["versioncreated"]),
        "version": post["version"],
        "seq": 0,
        "publish_at": _when(post["publish_at"]),
        "submitted_at": _when(post["submitted_at"]),
        "reviewer_id": _person(ids, post["reviewer"]),
        "review_note": post["review_note"] or None,
        "edited_in_review": post["edited_in_review"],
        "corrections": json.dumps(corrections, ensure_ascii=False) if corrections else None,
        "retracted_at": _when(retraction.get("at")),
        "retraction_reason": retraction.get("reason"),
    }
    post_id: int = conn.execute(insert(posts).values(values).returning(posts.c.id)).scalar_one()
    for tag in dict.fromkeys(post["keywords"]):
        conn.execute(insert(post_tags).values(post_id=post_id, tag=tag))
    _code(conn, post["short_code"], f"{place}.short_code", now, post_id=post_id)
    return post_id


def insert_revision(
    conn: Connection,
    post_id: int,
    revision: Mapping[str, Any],
    *,
    editor_id: int | None,
    fields: Mapping[str, Any],
    body_html: str,
) -> None:
    conn.execute(
        insert(post_revisions).values(
            post_id=post_id,
            version=revision["version"],
            kind=revision["kind"],
            note=revision["note"],
            editor_id=editor_id,
            created_at=read_moment(revision["created_at"]),
            fields=json.dumps(dict(fields), ensure_ascii=False),
            body_html=body_html,
        )
    )


def set_post_seq(conn: Connection, post_id: int, seq: int) -> None:
    conn.execute(update(posts).where(posts.c.id == post_id).values(seq=seq))


def insert_comment(
    conn: Connection,
    feed_id: int,
    comment: Mapping[str, Any],
    *,
    parent_id: int | None,
    ids: Mapping[str, int],
) -> int:
    comment_id: int = conn.execute(
        insert(comments)
        .values(
            feed_id=feed_id,
            parent_id=parent_id,
            author_id=_person(ids, comment["author"]),
            guest_name=comment["guest_name"],
            body=comment["body"],
            state=comment["state"],
            hold_reason=comment["hold_reason"],
            reports=comment["reports"],
            decided_by=_person(ids, comment["decided_by"]),
            decided_at=_when(comment["decided_at"]),
            decision_reason=comment["decision_reason"],
            created_at=read_moment(comment["created_at"]),
            updated_at=read_moment(comment["updated_at"]),
        )
        .returning(comments.c.id)
    ).scalar_one()
    for report in comment["reported_by"]:
        conn.execute(
            insert(comment_reports).values(
                comment_id=comment_id,
                reporter_id=ids[report["email"].lower()],
                reason=report["reason"],
                note=report["note"],
                created_at=read_moment(report["at"]),
            )
        )
    return comment_id


def insert_feature(
    conn: Connection, comment_id: int, post_id: int, by: int | None, at: str
) -> None:
    conn.execute(
        insert(comment_features).values(
            comment_id=comment_id, post_id=post_id, featured_by=by, featured_at=read_moment(at)
        )
    )


def _person(ids: Mapping[str, int], email: str | None) -> int | None:
    return ids[email.lower()] if email else None
