"""The revisions' part of the OpenAPI document: corrections, retractions and a post's history.

The limits are the revision rules' own, so the document says what the server refuses.
"""

from __future__ import annotations

from livefeed.domain import revisions as revision_rules
from livefeed.web.api.openapi.helpers import (
    Schema,
    array,
    boolean,
    integer,
    json_body,
    nullable,
    obj,
    ok,
    operation,
    ref,
    text,
)


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
            "Why the post is retracted (required with retracted).",
            revision_rules.REASON_LENGTH,
            minLength=1,
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
                        "embed": nullable(ref("EmbedInput")),
                        "audio": nullable(ref("AudioInput")),
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
                    "Why the post is retracted; readers see it.",
                    revision_rules.REASON_LENGTH,
                    minLength=1,
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
