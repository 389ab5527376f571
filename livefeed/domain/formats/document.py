"""The portable document as an importer of another system's feed builds it.

Every importer fills the same few things (a headline, posts with their times, who wrote them)
and leaves the rest as a new feed of this site would have it, so each format's module says only
what its source holds. The text an importer takes is plain: it is escaped for Markdown here, so
an asterisk in a party's name stays an asterisk.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from livefeed.domain.portable import CONTEXT, FORMAT, TYPE, VERSION, moment
from livefeed.domain.posts import PostState
from livefeed.domain.text import MAX_TAG_LENGTH, MAX_TAGS

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")


def plain(text: str) -> str:
    """Plain text as Markdown that reads back as the same text."""
    lines = []
    for line in text.splitlines():
        escaped = _SPECIAL.sub(r"\\\1", line.strip())
        lines.append(_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped))
    return "\n".join(lines)


def tag_of(text: str) -> str:
    """Another system's tag ("Farmers' and Workers' League") as this site writes tags
    (``farmers-and-workers-league``): lower case, apostrophes dropped, words joined by hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    joined = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’`]", "", folded)).strip("-")
    return joined[:MAX_TAG_LENGTH].strip("-")


def quoted(text: str) -> str:
    """A paragraph the source marks as someone's words, kept as a quotation."""
    return "> " + plain(text)


@dataclass
class Post:
    """One post as an importer found it; ``body`` is Markdown already."""

    published_at: datetime
    headline: str = ""
    body: str = ""
    author: str | None = None
    key_event: bool = False
    uri: str | None = None
    read_more: dict[str, str] | None = None
    # The post's earlier wordings, oldest first: (when it changed, who changed it, headline, body).
    earlier: list[tuple[datetime, str | None, str, str]] = field(default_factory=list)
    deleted: bool = False
    retraction: tuple[datetime, str] | None = None
    correction: tuple[datetime, str] | None = None
    edited_at: datetime | None = None


@dataclass
class Feed:
    uri: str
    slug: str
    title: str
    created_at: datetime
    timezone: str = "UTC"
    lead: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    live: bool = False
    posts: list[Post] = field(default_factory=list)
    # Email -> name of everyone named as an author or editor.
    people: dict[str, str] = field(default_factory=dict)


def document(feed: Feed) -> dict[str, Any]:
    """The portable document for ``feed``; short codes are left for the site to give."""
    times = [post.published_at for post in feed.posts] or [feed.created_at]
    start = min(times)
    end = max(post.edited_at or post.published_at for post in feed.posts) if feed.posts else start
    return {
        "format": FORMAT,
        "version": VERSION,
        "@context": CONTEXT,
        "@type": TYPE,
        "uri": feed.uri,
        "slug": feed.slug,
        "headline": feed.title,
        "description": feed.lead,
        "notes": feed.notes,
        "keywords": list(dict.fromkeys(tag for tag in map(tag_of, feed.tags) if tag))[:MAX_TAGS],
        "timezone": feed.timezone,
        "status": "live" if feed.live else "ended",
        "coverageStartTime": moment(start),
        "coverageEndTime": None if feed.live else moment(end),
        "audio_stream_url": "",
        "discussion": "closed",
        "moderation": "pre",
        "community_standards": None,
        "dateCreated": moment(min(start, feed.created_at)),
        "dateModified": moment(end),
        "short_code": "",
        "people": [{"email": email, "name": name} for email, name in feed.people.items()],
        "team": [],
        "media": [],
        "posts": [_post(post) for post in sorted(feed.posts, key=lambda p: p.published_at)],
        "comments": [],
    }


def _parts(text: str, contenttype: str) -> list[dict[str, str]]:
    return [{"value": text, "contenttype": contenttype}] if text else []


def _post(post: Post) -> dict[str, Any]:
    changed = post.edited_at or post.published_at
    revisions = []
    for version, (at, editor, headline, body) in enumerate(post.earlier, start=1):
        revisions.append(
            {
                "version": version,
                "kind": "edit",
                "note": "",
                "editor": editor,
                "created_at": moment(at),
                "fields": {"headline": headline, "body": body},
                "body_html": "",
            }
        )
    corrections = []
    if post.correction is not None and post.earlier:
        at, note = post.correction
        revisions[-1]["kind"] = "correction"
        revisions[-1]["note"] = note
        _, _, headline, body = post.earlier[-1]
        # The earlier body as Markdown: the site renders it as readers saw it.
        corrections.append(
            {"at": moment(at), "note": note, "headline": headline, "body_html": body}
        )
    retraction = None
    if post.retraction is not None:
        at, reason = post.retraction
        retraction = {"at": moment(at), "reason": reason}
    result: dict[str, Any] = {
        "state": (PostState.DELETED if post.deleted else PostState.PUBLISHED).value,
        "headlines": _parts(post.headline, "text/plain"),
        "bodies": _parts(post.body, "text/markdown"),
        "author": post.author,
        "firstcreated": moment(post.published_at),
        "versioncreated": moment(changed),
        "published_at": moment(post.published_at),
        "version": len(post.earlier) + 1,
        "keywords": [],
        "key_event": post.key_event,
        "pinned": False,
        "short_code": "",
        "quote": None,
        "image": None,
        "video": None,
        "read_more": post.read_more,
        "publish_at": None,
        "submitted_at": None,
        "reviewer": None,
        "review_note": "",
        "edited_in_review": None,
        "corrections": corrections,
        "retraction": retraction,
        "revisions": revisions,
        "reached_readers": True,
    }
    if post.uri:
        result["uri"] = post.uri
    return result
