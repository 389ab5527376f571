"""The portable feed document (``feed.json``): its version, its shape, and the check that names
the place at fault in a file that breaks it.

One document holds a whole feed, so that a newsroom can move it between sites or out of
Livefeed altogether. Where a standard already names a thing the document uses that name:
schema.org's ``LiveBlogPosting`` for the feed (``headline``, ``description``, ``keywords``,
``coverageStartTime``…), IPTC ninjs 2.x for a post (``uri``, ``headlines``, ``bodies``,
``firstcreated``, ``versioncreated``, ``version``). People are named by email address, never by
a site's own numbers, and comments by their place in the document, so the same feed exported
from two sites reads the same. ``docs/portable-format.md`` describes every field and
``docs/feed.schema.json`` is its JSON Schema; the checks here are the ones an import relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from livefeed.domain.comments import CommentState
from livefeed.domain.errors import N_, Message
from livefeed.domain.feeds import EARLIEST_YEAR, LATEST_YEAR, FeedStatus
from livefeed.domain.posts import PostState
from livefeed.domain.revisions import RevisionKind

FORMAT = "livefeed-feed"
VERSION = 1
CONTEXT = "https://schema.org"
TYPE = "LiveBlogPosting"
# Where a file of a picture or video sits inside the zip, and how a post points at it.
MEDIA_FOLDER = "media/"
# Enough problems for a person to fix in one go, not a flood.
MAX_PROBLEMS = 20
TEAM_ROLES = frozenset({"editor", "contributor", "moderator"})


def moment(value: datetime) -> str:
    """A moment as the document writes it: UTC, ``Z``, to the microsecond (nothing is lost)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def read_moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# The shape ---------------------------------------------------------------------------------------
#
# Each object is a table of its keys: the kind of value each holds, and whether it may be left
# out. A kind is a function that returns a problem ("" for none).

Kind = Callable[[Any], str]


def _text(value: Any) -> str:
    return "" if isinstance(value, str) else N_("must be a string")


def _maybe_text(value: Any) -> str:
    return "" if value is None else _text(value)


def _flag(value: Any) -> str:
    return "" if isinstance(value, bool) else N_("must be true or false")


def _count(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return "" if ok else N_("must be a whole number, 0 or more")


def _maybe_count(value: Any) -> str:
    return "" if value is None else _count(value)


def _moment(value: Any) -> str:
    if not isinstance(value, str):
        return N_("must be a date and time like 2026-11-25T18:30:00Z")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return N_("must be a date and time like 2026-11-25T18:30:00Z")
    if parsed.tzinfo is None:
        return N_("must include a time zone offset, like Z or +01:00")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return Message(
            "must be between the years %(first)d and %(last)d",
            first=EARLIEST_YEAR,
            last=LATEST_YEAR,
        )
    return ""


def _maybe_moment(value: Any) -> str:
    return "" if value is None else _moment(value)


def _one_of(*choices: str) -> Kind:
    def check(value: Any) -> str:
        if value in choices:
            return ""
        return Message("must be one of %(kinds)s", kinds=", ".join(choices))

    return check


def _texts(value: Any) -> str:
    ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    return "" if ok else N_("must be a list of strings")


def _fields(value: Any) -> str:
    return "" if isinstance(value, dict) else N_("must be an object")


# A key's kind: a check, an object of a shape (which may be null), or a list of objects.
Shape = Mapping[str, tuple["Kind | Shape | tuple[Shape]", bool]]

TEXT_PART: Shape = {"value": (_text, True), "contenttype": (_text, False), "role": (_text, False)}
PERSON: Shape = {"email": (_text, True), "name": (_text, True)}
MEMBER: Shape = {
    "email": (_text, True),
    "role": (_one_of(*sorted(TEAM_ROLES)), True),
    "added_at": (_moment, True),
}
RENDITION: Shape = {
    "name": (_text, True),
    "href": (_text, True),
    "width": (_maybe_count, False),
    "height": (_maybe_count, False),
}
MEDIA: Shape = {
    "hash": (_text, True),
    "contenttype": (_text, True),
    "width": (_maybe_count, True),
    "height": (_maybe_count, True),
    "sizeinbytes": (_count, True),
    "duration_ms": (_maybe_count, True),
    "alt": (_text, True),
    "uploaded_by": (_maybe_text, True),
    "firstcreated": (_moment, True),
    "renditions": ((RENDITION,), True),
}
CORRECTION: Shape = {
    "at": (_moment, True),
    "note": (_text, True),
    "headline": (_text, True),
    "body_html": (_text, True),
}
RETRACTION: Shape = {"at": (_moment, True), "reason": (_text, True)}
REVISION: Shape = {
    "version": (_count, True),
    "kind": (_one_of(*(kind.value for kind in RevisionKind)), True),
    "note": (_text, True),
    "editor": (_maybe_text, True),
    "created_at": (_moment, True),
    "fields": (_fields, True),
    "body_html": (_text, True),
}
QUOTE: Shape = {"text": (_text, True), "attribution": (_text, True)}
IMAGE: Shape = {
    "href": (_text, True),
    "alt": (_text, True),
    "caption": (_text, True),
    "credit": (_text, True),
}
VIDEO: Shape = {"href": (_text, True), "alt": (_text, True)}
# A sound clip in the zip (href), or a moment, in seconds, of the feed's recording (start).
AUDIO: Shape = {"href": (_text, True), "start": (_maybe_count, True), "transcript": (_text, True)}
READ_MORE: Shape = {
    "url": (_text, True),
    "title": (_text, True),
    "summary": (_text, True),
    "image_url": (_text, True),
}
# A social post shown in the post, as its snapshot (see domain/embeds.py); absent before there
# were any. Its picture is a file of the zip; its markup is sanitised again on the way in.
EMBED: Shape = {
    "url": (_text, True),
    "provider": (_text, True),
    "endpoint": (_text, True),
    "author_name": (_text, True),
    "author_url": (_text, True),
    "text": (_text, True),
    "published_at": (_maybe_moment, True),
    "image": (_text, True),
    "html": (_text, True),
    "original_html": (_text, True),
    "hosts": (_texts, True),
    "fetched_at": (_moment, True),
    "checked_at": (_maybe_moment, True),
    "gone_at": (_maybe_moment, True),
}
POST: Shape = {
    "uri": (_text, False),
    "state": (_one_of(*(state.value for state in PostState)), True),
    "headlines": ((TEXT_PART,), True),
    "bodies": ((TEXT_PART,), True),
    "author": (_maybe_text, True),
    "firstcreated": (_moment, True),
    "versioncreated": (_moment, True),
    "published_at": (_moment, True),
    "version": (_count, True),
    "keywords": (_texts, True),
    "key_event": (_flag, True),
    "pinned": (_flag, True),
    "short_code": (_text, True),
    "quote": (QUOTE, True),
    "image": (IMAGE, True),
    "video": (VIDEO, True),
    # Left out by a document from before posts had sound.
    "audio": (AUDIO, False),
    "read_more": (READ_MORE, True),
    "embed": (EMBED, False),
    "publish_at": (_maybe_moment, True),
    "submitted_at": (_maybe_moment, True),
    "reviewer": (_maybe_text, True),
    "review_note": (_text, True),
    "edited_in_review": (lambda v: "" if v is None else _flag(v), True),
    "corrections": ((CORRECTION,), True),
    "retraction": (RETRACTION, True),
    "revisions": ((REVISION,), True),
    # Whether readers were ever told of it: a deleted post that was out leaves a tombstone.
    "reached_readers": (_flag, True),
}
REPORT: Shape = {
    "email": (_text, True),
    "reason": (_text, True),
    "note": (_text, True),
    "at": (_moment, True),
}
FEATURED: Shape = {"post": (_text, True), "by": (_maybe_text, True), "at": (_moment, True)}
COMMENT: Shape = {
    "id": (_count, True),
    "parent": (_maybe_count, True),
    "author": (_maybe_text, True),
    "guest_name": (_maybe_text, True),
    "body": (_text, True),
    "state": (_one_of(*(state.value for state in CommentState)), True),
    "hold_reason": (_text, True),
    "reports": (_count, True),
    "decided_by": (_maybe_text, True),
    "decided_at": (_maybe_moment, True),
    "decision_reason": (_text, True),
    "created_at": (_moment, True),
    "updated_at": (_moment, True),
    "reported_by": ((REPORT,), True),
    "featured": (FEATURED, True),
}
DOCUMENT: Shape = {
    "format": (_one_of(FORMAT), True),
    "version": (_count, True),
    "@context": (_text, False),
    "@type": (_text, False),
    "uri": (_text, True),
    "slug": (_text, True),
    "headline": (_text, True),
    "description": (_text, True),
    "notes": (_text, True),
    "keywords": (_texts, True),
    "timezone": (_text, True),
    "status": (_one_of(*(status.value for status in FeedStatus)), True),
    "coverageStartTime": (_maybe_moment, True),
    "coverageEndTime": (_maybe_moment, True),
    "audio_stream_url": (_text, True),
    "recording_url": (_text, False),
    "discussion": (_text, True),
    "moderation": (_text, True),
    # Left out by a document from before feeds had a language: the site's is taken.
    "inLanguage": (_text, False),
    "community_standards": (_maybe_text, True),
    "dateCreated": (_moment, True),
    "dateModified": (_moment, True),
    "short_code": (_text, True),
    "people": ((PERSON,), True),
    "team": ((MEMBER,), True),
    "media": ((MEDIA,), True),
    "posts": ((POST,), True),
    "comments": ((COMMENT,), True),
}


class Problems:
    """What is wrong with a document, each at its place (``posts[41].published_at``)."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def fail(self, place: str, message: str, /, **values: object) -> None:
        """``message`` is a catalog's message, as for :meth:`Invalid.field`."""
        if len(self.found) < MAX_PROBLEMS:
            self.found.setdefault(place, Message(message, **values))


def check_shape(value: Any, shape: Shape, place: str, problems: Problems) -> None:
    if not isinstance(value, dict):
        problems.fail(place or "feed.json", "must be an object")
        return
    for key, (kind, required) in shape.items():
        where = f"{place}.{key}" if place else key
        if key not in value:
            if required:
                problems.fail(where, "is missing")
            continue
        item = value[key]
        if isinstance(kind, tuple):
            if not isinstance(item, list):
                problems.fail(where, "must be a list")
                continue
            for index, element in enumerate(item):
                check_shape(element, kind[0], f"{where}[{index}]", problems)
        elif isinstance(kind, Mapping):
            if item is not None:
                check_shape(item, kind, where, problems)
        elif message := kind(item):
            problems.fail(where, message)


def check_document(document: Any) -> Problems:
    """Every problem of shape and reference in ``document``; the content of each field (a
    headline's length, a link's scheme) is checked by the rules a post or feed always obeys."""
    problems = Problems()
    if isinstance(document, dict) and document.get("format") == FORMAT:
        version = document.get("version")
        if isinstance(version, int) and version > VERSION:
            problems.fail(
                "version",
                "is %(version)s; this site reads up to version %(latest)s",
                version=version,
                latest=VERSION,
            )
            return problems
    check_shape(document, DOCUMENT, "", problems)
    if not problems.found:
        _check_references(document, problems)
    return problems


def _check_references(document: dict[str, Any], problems: Problems) -> None:
    """Everyone named is among ``people``, every reply's comment comes before it, every
    featured post exists, every short code is used once."""
    people = {person["email"].lower() for person in document["people"]}

    def person(place: str, email: str | None) -> None:
        if email is not None and email.lower() not in people:
            problems.fail(place, "names %(email)s, who is not among people", email=email)

    for index, member in enumerate(document["team"]):
        person(f"team[{index}].email", member["email"])
    for index, item in enumerate(document["media"]):
        person(f"media[{index}].uploaded_by", item["uploaded_by"])
    codes: dict[str, str] = {}
    if document["short_code"]:
        codes[document["short_code"]] = "short_code"
    for index, post in enumerate(document["posts"]):
        place = f"posts[{index}]"
        person(f"{place}.author", post["author"])
        person(f"{place}.reviewer", post["reviewer"])
        for number, revision in enumerate(post["revisions"]):
            person(f"{place}.revisions[{number}].editor", revision["editor"])
        if len(post["headlines"]) > 1 or len(post["bodies"]) > 1:
            problems.fail(place, "holds one headline and one body at most")
        code = post["short_code"]
        if code and code in codes:
            where = f"{place}.short_code"
            problems.fail(where, "%(code)s is used by %(other)s too", code=code, other=codes[code])
        codes[code] = f"{place}.short_code"
    seen: set[int] = set()
    for index, comment in enumerate(document["comments"]):
        place = f"comments[{index}]"
        person(f"{place}.author", comment["author"])
        person(f"{place}.decided_by", comment["decided_by"])
        for number, report in enumerate(comment["reported_by"]):
            person(f"{place}.reported_by[{number}].email", report["email"])
        if comment["id"] in seen:
            where = f"{place}.id"
            problems.fail(where, "%(comment)s is used by an earlier comment", comment=comment["id"])
        if comment["parent"] is not None and comment["parent"] not in seen:
            problems.fail(place + ".parent", "must name an earlier comment of this document")
        seen.add(comment["id"])
        featured = comment["featured"]
        if featured is not None and featured.get("post") not in codes:
            problems.fail(place + ".featured.post", "must be the short code of a post here")


def text_of(parts: list[dict[str, Any]]) -> str:
    """The value of a ninjs ``headlines`` or ``bodies`` list of one (or none)."""
    return str(parts[0]["value"]) if parts else ""
