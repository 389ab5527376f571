"""The feeds' part of the OpenAPI document: a feed's fields, and running feeds through the API.

The limits are the feed rules' own, so the document says what the server refuses.
"""

from __future__ import annotations

from functools import partial

from livefeed.domain import feeds as feed_rules
from livefeed.domain import languages
from livefeed.domain.feeds import FeedStatus
from livefeed.web.api.openapi.helpers import (
    Schema,
    array,
    created,
    integer,
    json_body,
    moment,
    not_modified,
    nullable,
    obj,
    ok,
    operation,
    ref,
    short_url,
    tags_input,
    text,
    web_url,
)


def feed_input_fields() -> dict[str, Schema]:
    low, high = feed_rules.SLUG_LENGTH
    return {
        "slug": text(
            "The feed's address: lower-case letters, digits and single hyphens.",
            high,
            minLength=low,
            pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
        "title": text("The story's title.", feed_rules.TITLE_LENGTH, minLength=1),
        "lead": text("A few paragraphs of summary, in Markdown.", feed_rules.LEAD_LENGTH),
        "notes": text("Editorial notes under the lead, in Markdown.", feed_rules.NOTES_LENGTH),
        "tags": tags_input(),
        "timezone": text("IANA time zone for showing times, e.g. Europe/London.", 64),
        "coverage_start": {
            "description": "When coverage starts; an empty string for none.",
            "anyOf": [moment("A moment."), {"type": "string", "maxLength": 0}],
        },
        "audio_stream_url": web_url("A live audio stream (Listen Live); empty for none."),
        "recording_url": web_url(
            "The live stream's recording, which a post's audio.start points into; empty for none."
        ),
        "discussion": {
            "type": "string",
            "enum": ["closed", "members", "guests"],
            "default": "members",
            "description": "Who may comment: nobody, signed-in readers, or guests too under a "
            "name (a guest's comment always waits for a moderator).",
        },
        "moderation": {
            "type": "string",
            "enum": ["pre", "post"],
            "default": "pre",
            "description": "Whether a comment waits for a moderator (pre) or shows at once (post).",
        },
        "ended_order": {
            "type": "string",
            "enum": ["newest", "oldest"],
            "default": "newest",
            "description": "How the feed's page reads once the feed has ended: newest or oldest "
            "first (a finished story reads best from the start).",
        },
        "language": text(
            "The BCP 47 tag of the language the feed is written in (en, ru, ar-EG, zh-Hant): "
            "its pages, its Atom, RSS and JSON feeds and how its tags are lower-cased. Empty, "
            "or left out of a new feed: the site's language (LIVEFEED_LANGUAGE).",
            languages.MAX_TAG_LENGTH,
        ),
        "show_readers": {
            "type": "boolean",
            "default": False,
            "description": "Whether the feed's page tells its readers how many read it now "
            "(its editors always see the count).",
        },
    }


def feed_schemas() -> dict[str, Schema]:
    statuses = [status.value for status in FeedStatus]
    fields = feed_input_fields()
    feed = {
        "slug": fields["slug"],
        "url": text("The feed's page.", format="uri"),
        "short_url": short_url("feed"),
        "title": text("The story's title."),
        "lead": text("Summary, in Markdown."),
        "notes": text("Editorial notes, in Markdown."),
        "tags": array(ref("Tag"), "Tags."),
        "timezone": text("IANA time zone times are shown in."),
        "status": {"type": "string", "enum": statuses, "description": "Feed status."},
        "coverage_start": nullable(text("Start of coverage (UTC).", format="date-time")),
        "coverage_end": nullable(text("End of coverage (UTC).", format="date-time")),
        "audio_stream_url": nullable(text("Live audio stream.", format="uri")),
        "recording_url": nullable(text("The live stream's recording.", format="uri")),
        "last_seq": integer("The feed's last event number; poll posts with since=."),
        "version": integer("Changes with every edit of the feed.", 1),
        "updated_at": text("Last change (UTC).", format="date-time"),
        "discussion": fields["discussion"],
        "moderation": fields["moderation"],
        "ended_order": fields["ended_order"],
        "language": text("The BCP 47 tag of the language the feed is written in."),
        "show_readers": fields["show_readers"],
    }
    return {
        # Every key is always present in a response, null where there is nothing.
        "Feed": obj("A live feed: one running story.", feed, tuple(feed), closed=False),
        "NewFeed": obj(
            "A feed to create; it starts live unless status is scheduled.",
            fields
            | {
                "status": {
                    "type": "string",
                    "enum": [FeedStatus.SCHEDULED.value, FeedStatus.LIVE.value],
                    "default": FeedStatus.LIVE.value,
                    "description": "Start live, or scheduled for later.",
                }
            },
            ["slug", "title"],
        ),
        "FeedChanges": obj(
            "Fields to change; fields left out keep their value. "
            "status starts, ends or reopens the feed.",
            fields
            | {"status": {"type": "string", "enum": statuses, "description": "The new status."}},
        ),
        "FeedList": obj("Every feed.", {"feeds": array(ref("Feed"), "Feeds.")}, ["feeds"]),
    }


def feed_paths() -> dict[str, Schema]:
    feeds = partial(operation, "feeds")
    feed = ("slug",)
    return {
        "/api/v1/feeds": {
            "get": feeds("listFeeds", "List every feed", {"200": ok("FeedList", "Feeds.")}),
            "post": feeds(
                "createFeed",
                "Create a feed",
                {"201": created("Feed", "The new feed.")},
                body=json_body("NewFeed", "The feed."),
                write=True,
                problems=("409", "422"),
            ),
        },
        "/api/v1/feeds/{slug}": {
            "get": feeds(
                "getFeed",
                "Read a feed",
                {"200": ok("Feed", "The feed."), "304": not_modified("a feed that has ended")},
                params=feed,
                problems=("404",),
            ),
            "patch": feeds(
                "updateFeed",
                "Change a feed, or start, end or reopen it",
                {"200": ok("Feed", "The feed as changed.")},
                params=feed,
                body=json_body("FeedChanges", "The fields to change."),
                write=True,
                problems=("404", "409", "422"),
            ),
        },
    }
