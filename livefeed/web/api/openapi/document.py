"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/openapi.json``.

Built from small helpers so each schema reads like the JSON it describes. Limits come from the
domain rules themselves, so the document cannot drift from what the server refuses; a test walks
the app's routes and fails when one under ``/api/v1`` is missing here.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from livefeed.distribution.reading import MAX_PAGE_SIZE, PAGE_SIZE
from livefeed.domain import feeds as feed_rules
from livefeed.domain import media as media_rules
from livefeed.domain import posts as post_rules
from livefeed.domain import revisions as revision_rules
from livefeed.domain import text as text_rules
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import PostState
from livefeed.web.middleware import MAX_BODY_BYTES

Schema = dict[str, Any]

PROBLEM_TYPE = "application/problem+json"
BEARER = "bearerToken"


# Schema helpers ---------------------------------------------------------------------------------


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def text(description: str, max_length: int | None = None, **extra: Any) -> Schema:
    schema: Schema = {"type": "string", "description": description, **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def web_url(description: str) -> Schema:
    # No ``format: uri``: an empty string is how a request clears an optional address.
    return text(description + " An absolute http:// or https:// address.", 2000)


def moment(description: str) -> Schema:
    return text(description + " ISO 8601 with an offset, e.g. 2026-11-25T18:30:00Z.", 64) | {
        "format": "date-time"
    }


def integer(description: str, minimum: int = 0, **extra: Any) -> Schema:
    return {"type": "integer", "description": description, "minimum": minimum, **extra}


def boolean(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def array(items: Schema, description: str, **extra: Any) -> Schema:
    return {"type": "array", "items": items, "description": description, **extra}


def obj(
    description: str,
    properties: dict[str, Schema],
    required: tuple[str, ...] | list[str] = (),
    *,
    closed: bool = True,
) -> Schema:
    """An object schema; ``closed`` refuses unknown keys, as the API does for request bodies."""
    schema: Schema = {"type": "object", "description": description, "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def short_url(what: str) -> Schema:
    return nullable(
        text(
            f"A short address that redirects to the {what}'s page, for good; null only for a "
            f"{what} written by an older release during an upgrade.",
            format="uri",
        )
    )


def tags_input() -> Schema:
    tag = ref("Tag")
    return {
        "description": (
            f"Up to {text_rules.MAX_TAGS} tags, as a list or a comma-separated string; "
            "spaces become hyphens and letters are lower-cased."
        ),
        "anyOf": [array(tag, "Tags.", maxItems=text_rules.MAX_TAGS), {"type": "string"}],
    }


# Parts of a post: one field list, an input shape (every key optional) and an output shape ------

PARTS: dict[str, tuple[str, dict[str, Schema]]] = {
    "Quote": (
        "Quoted words and who said them.",
        {
            "text": text(
                "The quoted words; paragraphs split by a blank line.", post_rules.QUOTE_LENGTH
            ),
            "attribution": text("Who said them.", post_rules.NAME_LENGTH),
        },
    ),
    "Image": (
        "An image shown with the post.",
        {
            "url": web_url("The image."),
            "caption": text("Caption.", post_rules.CAPTION_LENGTH),
            "credit": text("Photographer or agency.", post_rules.NAME_LENGTH),
            "alt": text(
                "Description for readers who cannot see it (required with an image).",
                post_rules.CAPTION_LENGTH,
            ),
        },
    ),
    "ReadMore": (
        "A card pointing to the full article behind an update.",
        {
            "url": web_url("The article."),
            "title": text(
                "The article's title (required with a card).", post_rules.HEADLINE_LENGTH
            ),
            "summary": text("A short summary.", post_rules.SUMMARY_LENGTH),
            "image_url": web_url("The article's image; may be empty."),
        },
    ),
}


def part_schemas() -> dict[str, Schema]:
    schemas: dict[str, Schema] = {}
    for name, (description, fields) in PARTS.items():
        schemas[name] = obj(description, fields, tuple(fields), closed=False)
        schemas[f"{name}Input"] = obj(
            description + " Keys left out are empty; send null instead of the object to remove it.",
            fields,
        )
    return schemas


# Feeds -----------------------------------------------------------------------------------------


def feed_input_fields() -> dict[str, Schema]:
    low, high = feed_rules.SLUG_LENGTH
    return {
        "slug": text(
            "The feed's address: lower-case letters, digits and single hyphens.",
            high,
            minLength=low,
            pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
        "title": text("The story's title.", feed_rules.TITLE_LENGTH),
        "lead": text("A few paragraphs of summary, in Markdown.", feed_rules.LEAD_LENGTH),
        "notes": text("Editorial notes under the lead, in Markdown.", feed_rules.NOTES_LENGTH),
        "tags": tags_input(),
        "timezone": text("IANA time zone for showing times, e.g. Europe/London.", 64),
        "coverage_start": moment("When coverage starts; empty for none."),
        "audio_stream_url": web_url("A live audio stream (Listen Live); empty for none."),
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
        "last_seq": integer("The feed's last event number; poll posts with since=."),
        "version": integer("Changes with every edit of the feed.", 1),
        "updated_at": text("Last change (UTC).", format="date-time"),
        "discussion": fields["discussion"],
        "moderation": fields["moderation"],
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


# Posts -----------------------------------------------------------------------------------------


def post_input_fields() -> dict[str, Schema]:
    return {
        "headline": text("One line.", post_rules.HEADLINE_LENGTH),
        "body": text(
            "Markdown; links must be http, https or mailto, images http or https.",
            post_rules.BODY_LENGTH,
        ),
        "quote": nullable(ref("QuoteInput")),
        "image": nullable(ref("ImageInput")),
        "read_more": nullable(ref("ReadMoreInput")),
        "video": nullable(ref("VideoInput")),
        "tags": tags_input(),
        "key_event": boolean("Listed in the feed's key events."),
        "pinned": boolean("Shown on top of the feed; pinning a post unpins the one before."),
    }


def post_schemas() -> dict[str, Schema]:
    fields = post_input_fields()
    states = [state.value for state in PostState]
    return {
        "Post": obj(
            "One timestamped update. A deleted post is a tombstone: only id, version, seq, "
            "url and state.",
            {
                "id": integer("The post's number, never reused.", 1),
                "version": integer("Changes with every edit; send it back to guard an edit.", 1),
                "seq": integer("The feed event that last changed this post."),
                "url": text("The post's page.", format="uri"),
                "state": {"type": "string", "enum": states, "description": "published or deleted."},
                "short_url": short_url("post"),
                "published_at": text("Publish time (UTC).", format="date-time"),
                "updated_at": text("Last edit (UTC).", format="date-time"),
                "headline": text("The headline."),
                "body": text("The body as written, in Markdown."),
                "body_html": text("The body as sanitised HTML."),
                "quote": nullable(ref("Quote")),
                "image": nullable(ref("Image")),
                "read_more": nullable(ref("ReadMore")),
                "video": nullable(ref("Video")),
                "tags": array(ref("Tag"), "Tags."),
                "key_event": boolean("Listed in the feed's key events."),
                "pinned": boolean("Shown on top of the feed."),
                "author": nullable(text("The author's display name.")),
                "corrections": array(
                    ref("Correction"),
                    "Edits marked as corrections, oldest first (a minor edit leaves no trace).",
                ),
                "retracted": boolean("Withdrawn: shown struck through, with the reason."),
                "retraction_reason": nullable(text("Why it was retracted.")),
                "retracted_at": nullable(text("When it was retracted (UTC).", format="date-time")),
            },
            ["id", "version", "seq", "url", "state"],
            closed=False,
        ),
        "NewPost": obj("A post to publish now.", fields, ["headline"]),
        "PostChanges": obj(
            "Fields to change; fields left out keep their value. With correction_note the edit "
            "is a public correction; with retracted (and retraction_reason, and nothing else "
            "but version) the post is retracted.",
            fields
            | {
                "version": integer(
                    "The version the edit is based on (required); a newer one on the server "
                    "gives 409 with the post as it is now in current.",
                    1,
                )
            }
            | revision_change_fields(),
            ["version"],
        ),
        "PostPage": obj(
            "A page of published posts, newest first.",
            {
                "posts": array(ref("Post"), "Posts."),
                "next_cursor": nullable(text("Pass as cursor= for the next, older page.")),
                "last_seq": integer("The feed's last event number."),
            },
            ["posts", "next_cursor", "last_seq"],
            closed=False,
        ),
        "PostChangeList": obj(
            "Posts published, edited or deleted after since=, in event order.",
            {
                "posts": array(ref("Post"), "Changed posts, deleted ones as tombstones."),
                "last_seq": integer("The feed's last event number."),
            },
            ["posts", "last_seq"],
            closed=False,
        ),
    }


def link_card_schemas() -> dict[str, Schema]:
    card = PARTS["ReadMore"][1]
    return {
        "LinkCardRequest": obj(
            "An article to make a Read more card for.",
            {"url": web_url("The article. A feed or post of this site is read without a fetch.")},
            ["url"],
        ),
        "LinkCard": obj(
            "A Read more card filled from the article's page (Open Graph, then its title and "
            "description), for the editor to check before publishing it as read_more.",
            {
                "url": text("Where the article was found, after redirects.", format="uri"),
                "title": card["title"] | {"description": "The article's title; may be empty."},
                "summary": card["summary"],
                "image_url": text("The article's image; empty when it names none.", 2000),
            },
            ["url", "title", "summary", "image_url"],
            closed=False,
        ),
    }


def short_url_schemas() -> dict[str, Schema]:
    return {
        "ShortUrlClicks": obj(
            "A short URL and how often it was followed, per UTC day (only days with clicks).",
            {
                "short_url": short_url("feed or post"),
                "clicks": array(
                    obj(
                        "Clicks on one day.",
                        {
                            "day": text("The day (UTC).", format="date"),
                            "count": integer("Redirects answered that day.", 1),
                        },
                        ["day", "count"],
                        closed=False,
                    ),
                    "Oldest day first.",
                ),
            },
            ["short_url", "clicks"],
            closed=False,
        )
    }


def media_schemas() -> dict[str, Schema]:
    """Uploads, and what they add to posts: ``Image`` here replaces the plain one of
    ``part_schemas`` as posts send it back (its input shape, ``ImageInput``, is unchanged)."""
    description, fields = PARTS["Image"]
    rendition = obj(
        "One size of an uploaded picture.",
        {
            "width": integer("Pixels across.", 1),
            "height": integer("Pixels down.", 1),
            "url": text("The file, cached for good.", format="uri"),
        },
        ["width", "height", "url"],
        closed=False,
    )
    image = fields | {
        "width": nullable(integer("Pixels across, for a picture uploaded here.", 1)),
        "height": nullable(integer("Pixels down, for a picture uploaded here.", 1)),
        "renditions": array(
            ref("Rendition"),
            "For a picture uploaded here, every size made of it, smallest first, for srcset; "
            "empty for a picture elsewhere.",
        ),
    }
    video_url = web_url(
        "A YouTube address (youtube.com/watch?v=…, youtu.be/…, /shorts/…, /embed/…), a Vimeo "
        "address (vimeo.com/…), or the url of an MP4 or WebM video uploaded here."
    )
    widths = ", ".join(str(width) for width in media_rules.RENDITION_WIDTHS)
    return {
        "Image": obj(description, image, tuple(image), closed=False),
        "Rendition": rendition,
        "VideoInput": obj(
            "A video shown with the post. Send null instead of the object to remove it.",
            {"url": video_url},
        ),
        "Video": obj(
            "A video shown with the post.",
            {
                "url": text("The address as given."),
                "kind": {
                    "type": "string",
                    "enum": [kind.value for kind in media_rules.VideoKind],
                    "description": "Where it plays from.",
                },
                "embed_url": text(
                    "What the page plays: YouTube's or Vimeo's privacy-enhanced player (for an "
                    "iframe), or the uploaded file itself.",
                    format="uri",
                ),
            },
            ["url", "kind", "embed_url"],
            closed=False,
        ),
        "MediaUpload": obj(
            "A picture (JPEG, PNG, GIF or WebP, told from its content) or a video (MP4 or "
            f"WebM). A picture is re-encoded without its metadata, upright, in widths {widths} "
            "(never enlarged); an animated one keeps its first frame.",
            {
                "file": {
                    "type": "string",
                    "format": "binary",
                    "description": "The file, under its own name (a name with a path is refused).",
                },
                "alt": text(
                    "What it shows, for readers who cannot see it.", media_rules.ALT_LENGTH
                ),
            },
            ["file", "alt"],
        ),
        "Media": obj(
            "An upload. Give url as a post's image.url (or video.url): its renditions are then "
            "shown with srcset.",
            {
                "id": integer("The upload's number.", 1),
                "url": text("The largest rendition, or the video.", format="uri"),
                "type": text("The type it is served as, e.g. image/jpeg or video/mp4."),
                "width": nullable(integer("Pixels across, upright; null for a video.", 1)),
                "height": nullable(integer("Pixels down, upright; null for a video.", 1)),
                "alt": text("The description sent."),
                "renditions": array(ref("Rendition"), "Smallest first; empty for a video."),
            },
            ["id", "url", "type", "width", "height", "alt", "renditions"],
            closed=False,
        ),
    }


def media_paths() -> dict[str, Schema]:
    upload = operation(
        "media",
        "uploadMedia",
        "Upload a picture or a video (editors and contributors)",
        {"201": ok("Media", "The upload.")},
        body={
            "required": True,
            "description": "multipart/form-data with file and alt.",
            "content": {"multipart/form-data": {"schema": ref("MediaUpload")}},
        },
        write=True,
        problems=("422",),
    )
    # Uploads have limits of their own, not the 4 MB of other requests.
    upload["responses"]["413"] = {
        "description": "The file is over LIVEFEED_MEDIA_MAX_BYTES (a picture, 20 MB by "
        "default) or LIVEFEED_MEDIA_MAX_VIDEO_BYTES (a video, 200 MB); refused as soon as it "
        "passes, with field file.",
        "content": {PROBLEM_TYPE: {"schema": ref("Problem")}},
    }
    return {"/api/v1/media": {"post": upload}}


def revision_change_fields() -> dict[str, Schema]:
    return {
        "correction_note": nullable(
            text(
                "Makes the edit a public correction: readers see this note with the post, and "
                "the wording it replaced. The edit must change what readers read.",
                revision_rules.NOTE_LENGTH,
            )
        ),
        "retracted": {"type": "boolean", "const": True, "description": "Retract the post."},
        "retraction_reason": text(
            "Why the post is retracted (required with retracted).", revision_rules.REASON_LENGTH
        ),
    }


def revision_schemas() -> dict[str, Schema]:
    kinds = [kind.value for kind in revision_rules.RevisionKind]
    return {
        "Correction": obj(
            "A public correction.",
            {
                "at": text("When the correcting edit was made (UTC).", format="date-time"),
                "note": text("What was corrected."),
            },
            ["at", "note"],
            closed=False,
        ),
        "Revision": obj(
            "A post as it was before one change.",
            {
                "id": integer("The revision's number.", 1),
                "version": integer("The post's version these fields made up.", 1),
                "kind": {
                    "type": "string",
                    "enum": kinds,
                    "description": "What replaced it: a minor edit, a correction or a retraction.",
                },
                "note": nullable(text("The correction's note or the retraction's reason.")),
                "editor": nullable(text("Who made the change.")),
                "replaced_at": text("When the change was made (UTC).", format="date-time"),
                "post": obj(
                    "Its fields as they were, shaped as a post's (a part null when empty), with "
                    "the body as sanitised HTML.",
                    {
                        "headline": text("The headline."),
                        "body": text("The body as written, in Markdown."),
                        "body_html": text("The body as sanitised HTML."),
                        "quote": nullable(ref("Quote")),
                        "image": nullable(ref("ImageInput")),
                        "read_more": nullable(ref("ReadMore")),
                        "video": nullable(ref("VideoInput")),
                        "tags": array({"type": "string"}, "Tags."),
                        "key_event": boolean("Listed in the feed's key events."),
                        "pinned": boolean("Shown on top of the feed."),
                    },
                    ["headline", "body", "body_html"],
                    closed=False,
                ),
            },
            ["id", "version", "kind", "note", "editor", "replaced_at", "post"],
            closed=False,
        ),
        "RevisionList": obj(
            "A post as it is now, and every earlier version, the latest change first.",
            {"post": ref("Post"), "revisions": array(ref("Revision"), "Revisions.")},
            ["post", "revisions"],
            closed=False,
        ),
        "Retraction": obj(
            "A retraction.",
            {
                "reason": text(
                    "Why the post is retracted; readers see it.", revision_rules.REASON_LENGTH
                ),
                "version": integer("The version it is based on; a newer one gives 409.", 1),
            },
            ["reason"],
        ),
    }


def revision_paths() -> dict[str, Schema]:
    post = ("slug", "post_id")
    return {
        "/api/v1/feeds/{slug}/posts/{post_id}/revisions": {
            "get": operation(
                "posts",
                "listRevisions",
                "A post's revisions, the latest change first (the feed's team only)",
                {"200": ok("RevisionList", "The post and its revisions.")},
                params=post,
                private=True,
                problems=("404",),
            ),
        },
        "/api/v1/feeds/{slug}/posts/{post_id}/retract": {
            "post": operation(
                "posts",
                "retractPost",
                "Retract a post: it stays in place, struck through, with the reason",
                {"200": ok("Post", "The post as retracted.")},
                params=post,
                body=json_body("Retraction", "The reason, and the version it is based on."),
                write=True,
                problems=("404", "409", "422"),
            ),
        },
    }


def problem_schemas() -> dict[str, Schema]:
    return {
        "Problem": obj(
            "An RFC 9457 problem document.",
            {
                "type": text("Always about:blank.", format="uri-reference"),
                "title": text("Short summary of the kind of problem."),
                "status": integer("The HTTP status.", 400),
                "detail": text("What went wrong, in words."),
                "field": text("The first field at fault, when a field is at fault."),
                "errors": array(ref("FieldError"), "Every field at fault."),
                "current": ref("Post")
                | {"description": "With a 409 on version: the post as it is now."},
            },
            ["type", "title", "status", "detail"],
            closed=False,
        ),
        "FieldError": obj(
            "One field at fault; nested fields are dotted (quote.text, read_more.url).",
            {"field": text("The field."), "message": text("What is wrong with it.")},
            ["field", "message"],
        ),
        "Tag": text(
            "Lower-case letters, digits and hyphens.",
            text_rules.MAX_TAG_LENGTH,
            pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    }


# Parameters, responses, operations ---------------------------------------------------------------


def parameter(name: str, where: str, description: str, schema: Schema) -> Schema:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


PARAMETERS: dict[str, Schema] = {
    "slug": parameter("slug", "path", "The feed's slug.", {"type": "string"}),
    "post_id": parameter("post_id", "path", "The post's id.", {"type": "integer", "minimum": 1}),
    "limit": parameter(
        "limit",
        "query",
        f"Posts per page (default {PAGE_SIZE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
    "cursor": parameter(
        "cursor",
        "query",
        "The next_cursor of the page before; not with since.",
        {"type": "string", "maxLength": 64},
    ),
    "since": parameter(
        "since",
        "query",
        "An event number (seq): list every change after it, in event order.",
        {"type": "integer", "minimum": 0},
    ),
}

PROBLEMS: dict[str, str] = {
    "401": "No valid bearer token was sent.",
    "403": "The token's account may not do this (only editors and admins publish).",
    "404": "There is no such feed or post.",
    "409": "The change clashes with the current state: a taken slug, a stale version, "
    "a deleted post, an ended feed.",
    "413": f"The request body is over {MAX_BODY_BYTES // (1024 * 1024)} MB.",
    "422": "The input breaks a rule; errors names each field at fault.",
}


def param(name: str) -> Schema:
    return {"$ref": f"#/components/parameters/{name}"}


def problem(status: str) -> Schema:
    return {"$ref": f"#/components/responses/Problem{status}"}


def json_body(schema: str, description: str) -> Schema:
    return {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": ref(schema)}},
    }


def ok(schema: str | Schema, description: str) -> Schema:
    body = ref(schema) if isinstance(schema, str) else schema
    return {"description": description, "content": {"application/json": {"schema": body}}}


def operation(
    tag: str,
    operation_id: str,
    summary: str,
    responses: dict[str, Schema],
    *,
    params: tuple[str, ...] = (),
    body: Schema | None = None,
    write: bool = False,
    private: bool = False,
    problems: tuple[str, ...] = (),
) -> Schema:
    """One operation; a write needs a bearer token and can also fail with 401, 403 and 413.

    A ``private`` read (what only editors see) needs the token too, and can fail with 401, 403.
    """
    found = list(problems)
    if write:
        found = ["401", "403", *found, "413"]
    elif private:
        found = ["401", "403", *found]
    op: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "security": [{BEARER: []}] if write or private else [],
        "responses": responses | {status: problem(status) for status in sorted(found)},
    }
    if params:
        op["parameters"] = [param(name) for name in params]
    if body is not None:
        op["requestBody"] = body
    return op


def paths() -> dict[str, Schema]:
    feeds, posts = partial(operation, "feeds"), partial(operation, "posts")
    feed, post = ("slug",), ("slug", "post_id")
    created_headers = {
        "Location": {"description": "The new resource.", "schema": {"type": "string"}}
    }
    return {
        "/api/v1/feeds": {
            "get": feeds("listFeeds", "List every feed", {"200": ok("FeedList", "Feeds.")}),
            "post": feeds(
                "createFeed",
                "Create a feed",
                {"201": ok("Feed", "The new feed.") | {"headers": created_headers}},
                body=json_body("NewFeed", "The feed."),
                write=True,
                problems=("409", "422"),
            ),
        },
        "/api/v1/feeds/{slug}": {
            "get": feeds(
                "getFeed",
                "Read a feed",
                {"200": ok("Feed", "The feed.")},
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
        "/api/v1/feeds/{slug}/posts": {
            "get": posts(
                "listPosts",
                "List a feed's posts, or the changes since an event",
                {
                    "200": ok(
                        {"anyOf": [ref("PostPage"), ref("PostChangeList")]},
                        "A page of posts; with since=, the changed posts in event order.",
                    )
                },
                params=("slug", "limit", "cursor", "since"),
                problems=("404", "422"),
            ),
            "post": posts(
                "createPost",
                "Publish a post",
                {"201": ok("Post", "The new post.") | {"headers": created_headers}},
                params=feed,
                body=json_body("NewPost", "The post."),
                write=True,
                problems=("404", "409", "422"),
            ),
        },
        "/api/v1/feeds/{slug}/posts/{post_id}": {
            "get": posts(
                "getPost",
                "Read a post (a deleted one as its tombstone)",
                {"200": ok("Post", "The post.")},
                params=post,
                problems=("404",),
            ),
            "patch": posts(
                "updatePost",
                "Edit a post in place",
                {"200": ok("Post", "The post as edited.")},
                params=post,
                body=json_body("PostChanges", "The fields to change."),
                write=True,
                problems=("404", "409", "422"),
            ),
            "delete": posts(
                "deletePost",
                "Delete a post, leaving a tombstone",
                {"204": {"description": "Deleted."}},
                params=post,
                write=True,
                problems=("404", "409"),
            ),
        },
        "/api/v1/feeds/{slug}/short-url": {
            "get": feeds(
                "getFeedShortUrl",
                "The feed's short URL and its clicks per day (editors only)",
                {"200": ok("ShortUrlClicks", "The short URL and its clicks.")},
                params=feed,
                private=True,
                problems=("404",),
            ),
        },
        "/api/v1/feeds/{slug}/posts/{post_id}/short-url": {
            "get": posts(
                "getPostShortUrl",
                "A post's short URL and its clicks per day (editors only)",
                {"200": ok("ShortUrlClicks", "The short URL and its clicks.")},
                params=post,
                private=True,
                problems=("404",),
            ),
        },
        "/api/v1/link-cards": {
            "post": posts(
                "makeLinkCard",
                "Fill a Read more card from an article's page (editors only)",
                {"200": ok("LinkCard", "The card, to check and send as a post's read_more.")},
                body=json_body(
                    "LinkCardRequest",
                    "The article's address. Only public http(s) sites on ports 80 and 443 are "
                    "fetched, within 5 seconds and 2 MB, following at most 3 redirects; each "
                    "refusal is a 422 naming url.",
                ),
                write=True,
                problems=("422",),
            ),
        },
    }


def components() -> Schema:
    return {
        "schemas": part_schemas()
        | feed_schemas()
        | post_schemas()
        | link_card_schemas()
        | short_url_schemas()
        | problem_schemas()
        | media_schemas()
        | revision_schemas(),
        "parameters": PARAMETERS,
        "responses": {
            f"Problem{status}": {
                "description": description,
                "content": {PROBLEM_TYPE: {"schema": ref("Problem")}},
            }
            for status, description in PROBLEMS.items()
        },
        "securitySchemes": {
            BEARER: {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token from `livefeed token create`.",
            }
        },
    }


def spec(public_url: str) -> dict[str, Any]:
    """The whole document; ``public_url`` is the server scripts should call."""
    # Parts described beside this module, with the helpers here (so imported late).
    from livefeed.web.api.openapi import discussion, moderation, team, workflow

    document = team.extend(discussion.extend(_document(public_url)))
    return moderation.extend(workflow.extend(document))


def _document(public_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Livefeed API",
            "version": "1",
            "description": (
                "Read live feeds and their posts; with a bearer token, run feeds and publish. "
                "Errors are application/problem+json naming each field at fault."
            ),
        },
        "servers": [{"url": public_url}],
        "tags": [
            {"name": "feeds", "description": "Live feeds."},
            {"name": "posts", "description": "Timestamped updates in a feed."},
            {"name": "media", "description": "Uploaded pictures and videos."},
        ],
        "paths": paths() | media_paths() | revision_paths(),
        "components": components(),
    }
