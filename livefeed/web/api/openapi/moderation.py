"""The moderators' part of the OpenAPI document: the moderation queue and bans, for scripts.

Limits and choices come from the rules themselves (reasons, ban lengths, the tab size), so the
document says what the server takes and refuses.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from livefeed.domain import bans as ban_rules
from livefeed.domain import comment_text
from livefeed.domain import comments as comment_rules
from livefeed.domain.moderation_queue import TAB_SIZE, Tab
from livefeed.web.api.openapi.helpers import (
    Schema,
    array,
    boolean,
    integer,
    json_body,
    not_modified,
    nullable,
    obj,
    ok,
    operation,
    parameter,
    text,
)

ACTIONS: Schema = {
    "type": "string",
    "enum": ["approve", "reject", "hide", "restore"],
    "description": "A decision that applies now (POST /api/v1/comments/{id}/{action}).",
}


def _item() -> Schema:
    author = obj(
        "Who wrote it: the display name, or the name a guest gave; the address only for "
        "administrators.",
        {
            "name": text("The name shown."),
            "guest": boolean("Written by a guest."),
            "email": text("The account's address (administrators only)."),
        },
        ["name", "guest"],
        closed=False,
    )
    report = obj(
        "One reader's report.",
        {
            "reason": {
                "type": "string",
                "enum": [reason.value for reason in comment_rules.ReportReason],
            },
            "note": text("What the reader added, as typed.", comment_text.NOTE_LENGTH),
            "created_at": text("When (UTC).", format="date-time"),
        },
        ["reason", "note", "created_at"],
        closed=False,
    )
    return obj(
        "A comment in the queue, as its moderators see it.",
        {
            "id": integer("The comment's id.", 1),
            "feed": text("The slug of its feed."),
            "parent_id": nullable(integer("The comment it replies to.", 1)),
            "url": text("Where readers see it once approved.", format="uri"),
            "state": {
                "type": "string",
                "enum": [state.value for state in comment_rules.CommentState],
            },
            "author": author,
            "body": text("The text as written.", comment_text.BODY_LENGTH),
            "body_html": text("The text as HTML: escaped, addresses made links."),
            "created_at": text("When it was written (UTC).", format="date-time"),
            "hold_reason": nullable(text("Why it was held for review.")),
            "reports": integer("Readers' reports since a moderator last decided on it."),
            "decided_by": nullable(text("The moderator who last decided on it.")),
            "decided_at": nullable(text("When (UTC).", format="date-time")),
            "decision_reason": nullable(
                {
                    "type": "string",
                    "enum": [reason.value for reason in comment_rules.RejectReason],
                }
            ),
            "reports_since_decision": array(report, "The reports counted in reports."),
            "featured_post_id": nullable(integer("The post an editor made of it.", 1)),
            "actions": array(ACTIONS, "What a moderator can decide on it now."),
        },
        [
            "id", "feed", "parent_id", "url", "state", "author", "body", "body_html",
            "created_at", "hold_reason", "reports", "decided_by", "decided_at",
            "decision_reason", "reports_since_decision", "featured_post_id", "actions",
        ],
        closed=False,
    )  # fmt: skip


def schemas() -> dict[str, Schema]:
    tabs = [tab.value for tab in Tab]
    return {
        "ModerationQueue": obj(
            f"One tab of the queue, at most {TAB_SIZE} comments.",
            {
                "tab": {"type": "string", "enum": tabs},
                "feed": nullable(text("The feed asked for; null for all the caller's feeds.")),
                "counts": obj(
                    "How many comments each tab holds in all.",
                    {tab: integer(f"Comments in {tab}.") for tab in tabs},
                    tabs,
                    closed=False,
                ),
                "items": array(
                    _item(),
                    "pending: oldest first; reported: hidden ones first, "
                    "then the most reported; decided: the latest decision first.",
                ),
            },
            ["tab", "feed", "counts", "items"],
            closed=False,
        ),
        "NewBan": obj(
            "A ban of a comment's author.",
            {
                "comment_id": integer("One of the reader's comments on this feed.", 1),
                "length": {
                    "type": "string",
                    "enum": [length.value for length in ban_rules.BanLength],
                },
                "scope": {
                    "type": "string",
                    "enum": [scope.value for scope in ban_rules.BanScope],
                    "default": "feed",
                    "description": "feed: this feed's discussion; site: every feed's "
                    "(administrators only).",
                },
                "reason": text(
                    "Why (the reader is told it).", ban_rules.REASON_LENGTH, minLength=1
                ),
            },
            ["comment_id", "length", "reason"],
        ),
        "Ban": obj(
            "A ban in force. The reader's comments and reports are refused until it ends; "
            "their sessions ended when it was made.",
            {
                "id": integer("The ban's id.", 1),
                "reader": text("The reader's display name."),
                "feed": nullable(text("The feed's slug; null for a site-wide ban.")),
                "scope": {"type": "string", "enum": ["feed", "site"]},
                "reason": text("Why."),
                "banned_by": text("Who banned them."),
                "created_at": text("When (UTC).", format="date-time"),
                "expires_at": nullable(
                    text("When it ends (UTC); null: never.", format="date-time")
                ),
            },
            [
                "id",
                "reader",
                "feed",
                "scope",
                "reason",
                "banned_by",
                "created_at",
                "expires_at",
            ],
            closed=False,
        ),
    }


PARAMETERS: dict[str, Schema] = {
    "queue_feed": parameter(
        "feed", "query", "One feed's slug; all the caller's feeds without it.", {"type": "string"}
    ),
    "queue_tab": parameter(
        "tab", "query", "pending (the default), reported or decided (the last 24 hours).",
        {"type": "string", "enum": [tab.value for tab in Tab]},
    ),
}  # fmt: skip


def paths() -> dict[str, Schema]:
    moderate = partial(operation, "moderation")
    return {
        "/api/v1/moderation/queue": {
            "get": moderate(
                "getModerationQueue",
                "One tab of the moderation queue (moderators, editors and admins); answers "
                "304 to If-None-Match while it is unchanged",
                {"200": ok("ModerationQueue", "The tab."), "304": not_modified("the tab")},
                params=("queue_feed", "queue_tab"),
                private=True,
                problems=("404", "422"),
            ),
        },
        "/api/v1/feeds/{slug}/bans": {
            "post": moderate(
                "banReader",
                "Ban a comment's author from the feed's discussion, or from every feed's",
                {"201": ok("Ban", "The ban.")},
                params=("slug",),
                body=json_body("NewBan", "Whose comment, for how long, where and why."),
                write=True,
                problems=("404", "409", "422"),
            ),
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the moderators' tag, paths, schemas and parameters."""
    document["tags"].append({"name": "moderation", "description": "The moderation queue and bans."})
    document["paths"] |= paths()
    components = document["components"]
    components["schemas"] |= schemas()
    components["parameters"] |= PARAMETERS
    return document
