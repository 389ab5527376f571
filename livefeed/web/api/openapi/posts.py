"""The posts' part of the OpenAPI document: a post and its parts, and publishing through the API.

A part of a post (a quote, an image, a Read more card) is written once, as a list of fields,
and given both its shapes from it: the one sent, every key optional, and the one sent back.
The limits are the post rules' own, so the document says what the server refuses.
"""

from __future__ import annotations

from functools import partial

from livefeed.domain import posts as post_rules
from livefeed.domain.posts import PostState
from livefeed.web.api.openapi.helpers import (
    Schema,
    array,
    boolean,
    created,
    integer,
    json_body,
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
from livefeed.web.api.openapi.revisions import revision_change_fields

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


# Posts -----------------------------------------------------------------------------------------


def post_input_fields() -> dict[str, Schema]:
    return {
        "headline": text(
            "One line; optional when the post has text (an empty string for none). A post "
            "needs a headline or some text, a quote, a picture, a card, a video or a social post.",
            post_rules.HEADLINE_LENGTH,
        ),
        "body": text(
            "Markdown; links must be http, https or mailto, images http or https.",
            post_rules.BODY_LENGTH,
        ),
        "quote": nullable(ref("QuoteInput")),
        "image": nullable(ref("ImageInput")),
        "read_more": nullable(ref("ReadMoreInput")),
        "video": nullable(ref("VideoInput")),
        "embed": nullable(ref("EmbedInput")),
        "audio": nullable(ref("AudioInput")),
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
                "headline": text("The headline as written; an empty string for none."),
                "title": text(
                    "What names the post: its headline or, without one, the first sentence "
                    "of its text."
                ),
                "body": text("The body as written, in Markdown."),
                "body_html": text("The body as sanitised HTML."),
                "quote": nullable(ref("Quote")),
                "image": nullable(ref("Image")),
                "read_more": nullable(ref("ReadMore")),
                "video": nullable(ref("Video")),
                "embed": ref("Embed"),
                "audio": ref("Audio"),
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
        "NewPost": obj("A post to publish now.", fields),
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


def post_paths() -> dict[str, Schema]:
    posts = partial(operation, "posts")
    feed, post = ("slug",), ("slug", "post_id")
    return {
        "/api/v1/feeds/{slug}/posts": {
            "get": posts(
                "listPosts",
                "List a feed's posts, or the changes since an event",
                {
                    "200": ok(
                        {"anyOf": [ref("PostPage"), ref("PostChangeList")]},
                        "A page of posts; with since=, the changed posts in event order.",
                    ),
                    "304": not_modified("the published posts"),
                },
                params=("slug", "limit", "cursor", "since"),
                problems=("404", "422"),
            ),
            "post": posts(
                "createPost",
                "Publish a post",
                {"201": created("Post", "The new post.")},
                params=(*feed, "idempotency_key"),
                body=json_body("NewPost", "The post."),
                write=True,
                problems=("404", "409", "422"),
            ),
        },
        "/api/v1/feeds/{slug}/posts/{post_id}": {
            "get": posts(
                "getPost",
                "Read a post (a deleted one as its tombstone)",
                {"200": ok("Post", "The post."), "304": not_modified("in a feed that has ended")},
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
    }
