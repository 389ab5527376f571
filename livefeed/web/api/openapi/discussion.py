"""The discussion's part of the OpenAPI document: comments, reports and moderators' decisions.

Built with the helpers of :mod:`livefeed.web.api.openapi.helpers`, and limits taken from the
comment rules themselves, so the document says what the server refuses.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from livefeed.discussion import comments as discussion
from livefeed.domain import comment_text
from livefeed.domain import comments as rules
from livefeed.web.api.openapi.helpers import (
    PROBLEM_TYPE,
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
    ref,
    text,
)

COMMENT_FIELDS: dict[str, Schema] = {
    "id": integer("The comment's id.", 1),
    "feed": text("The slug of its feed."),
    "parent_id": nullable(integer("The comment it replies to; null for a new thread.", 1)),
    "url": text("Where it is shown.", format="uri"),
    "state": {
        "type": "string",
        "enum": [state.value for state in rules.CommentState],
        "description": "pending until a moderator approves it (or at once, where the feed is "
        "post-moderated); approved comments are the ones readers see.",
    },
    "author": obj(
        "Who wrote it: the account's display name, or the name a guest gave. Never an email "
        "address.",
        {"name": text("The name shown."), "guest": boolean("Written by a guest.")},
        ["name", "guest"],
        closed=False,
    ),
    "body": text("The text as written: plain text, line breaks kept.", comment_text.BODY_LENGTH),
    "body_html": text(
        "The text as HTML: everything escaped, http(s) addresses made links with "
        'rel="nofollow ugc noopener", line breaks as <br>.'
    ),
    "created_at": text("When it was written (UTC).", format="date-time"),
}

MODERATOR_FIELDS: dict[str, Schema] = {
    "hold_reason": nullable(text("Why it was held for review (a duplicate, links, a burst, …).")),
    "reports": integer("Readers' reports since a moderator last decided on it."),
    "decided_by": nullable(text("The moderator who last decided on it.")),
    "decided_at": nullable(text("When (UTC).", format="date-time")),
    "decision_reason": nullable(
        {
            "type": "string",
            "enum": [reason.value for reason in rules.RejectReason],
            "description": "Why it was rejected.",
        }
    ),
}


def schemas() -> dict[str, Schema]:
    reply = obj("A reply.", COMMENT_FIELDS, tuple(COMMENT_FIELDS), closed=False)
    thread_fields = COMMENT_FIELDS | {
        "replies": array(ref("Comment"), "Its replies, oldest first.")
    }
    moderated = COMMENT_FIELDS | MODERATOR_FIELDS
    return {
        "Comment": reply | {"description": "A reader's comment."},
        "Thread": obj(
            "A comment that starts a thread, with the replies to it.",
            thread_fields,
            tuple(thread_fields),
            closed=False,
        ),
        "ModeratedComment": obj(
            "A comment as its feed's moderators see it.", moderated, tuple(moderated), closed=False
        ),
        "CommentPage": obj(
            "A page of approved threads.",
            {
                "comments": array(ref("Thread"), "Threads, in the order asked for."),
                "next_cursor": nullable(
                    text("Pass as cursor= for the next page; null at the end.")
                ),
                "total": integer("Approved comments in the whole discussion, replies included."),
                "last_seq": integer("The feed's last event number."),
            },
            ["comments", "next_cursor", "total", "last_seq"],
            closed=False,
        ),
        "NewComment": obj(
            "A comment, or with parent_id a reply (to a comment, not to a reply).",
            {
                "body": text(
                    f"1 to {comment_text.BODY_LENGTH:,} characters after trimming; no control "
                    "characters but line breaks.",
                    comment_text.BODY_LENGTH,
                    minLength=1,
                ),
                "parent_id": nullable(integer("The comment replied to.", 1)),
                "accept_standards": boolean(
                    "Accept the community standards: needed with a reader's first comment."
                ),
            },
            ["body"],
        ),
        "CommentReport": obj(
            "Why a comment should be looked at; one report per reader per comment.",
            {
                "reason": {
                    "type": "string",
                    "enum": [reason.value for reason in rules.ReportReason],
                    "description": "What is wrong with it.",
                },
                "note": text("Anything the moderators should know.", comment_text.NOTE_LENGTH),
            },
            ["reason"],
        ),
        "CommentRejection": obj(
            "Why a comment is rejected.",
            {
                "reason": {
                    "type": "string",
                    "enum": [reason.value for reason in rules.RejectReason],
                    "description": "The reason, from the list.",
                }
            },
            ["reason"],
        ),
        "NoFields": obj("Nothing to send: an empty object, or no body at all.", {}),
    }


PARAMETERS: dict[str, Schema] = {
    "comment_id": parameter(
        "comment_id", "path", "The comment's id.", {"type": "integer", "minimum": 1}
    ),
    "comment_sort": parameter(
        "sort",
        "query",
        "newest (the default) or oldest first.",
        {"type": "string", "enum": [sort.value for sort in rules.Sort]},
    ),
    "comment_limit": parameter(
        "limit",
        "query",
        f"Threads per page (default {discussion.PAGE_SIZE}).",
        {"type": "integer", "minimum": 1, "maximum": discussion.MAX_PAGE_SIZE},
    ),
    "comment_cursor": parameter(
        "cursor", "query", "The next_cursor of the page before.", {"type": "string"}
    ),
}

TOO_MANY = "Too many comments or reports in a short time: wait the seconds Retry-After gives."


def paths() -> dict[str, Schema]:
    comments = partial(operation, "comments")
    one = ("comment_id",)
    no_body = {
        "required": False,
        "description": "Nothing is needed.",
        "content": {"application/json": {"schema": ref("NoFields")}},
    }

    def decision(operation_id: str, summary: str, body: Schema = no_body) -> Schema:
        return comments(
            operation_id,
            summary + " (the feed's moderators and editors, and admins)",
            {"200": ok("ModeratedComment", "The comment as it now is.")},
            params=one,
            body=body,
            write=True,
            problems=("404", "409", "422"),
        )

    return {
        "/api/v1/feeds/{slug}/comments": {
            "get": comments(
                "listComments",
                "List a feed's approved comments, thread by thread",
                {
                    "200": ok("CommentPage", "A page of threads."),
                    "304": not_modified("the approved comments"),
                },
                params=("slug", "comment_sort", "comment_limit", "comment_cursor"),
                problems=("404", "422"),
            ),
            "post": comments(
                "createComment",
                "Comment on a feed, or reply to a comment",
                {"201": ok("Comment", "The comment; pending until approved.")},
                params=("slug",),
                body=json_body("NewComment", "The comment."),
                write=True,
                problems=("404", "422", "429"),
            ),
        },
        "/api/v1/comments/{comment_id}": {
            "delete": comments(
                "deleteComment",
                "Take back one's own comment",
                {"204": {"description": "Removed; open pages drop it."}},
                params=one,
                write=True,
                problems=("404",),
            ),
        },
        "/api/v1/comments/{comment_id}/report": {
            "post": comments(
                "reportComment",
                "Report a comment to the moderators; enough reports hide it until they decide",
                {"204": {"description": "Reported."}},
                params=one,
                body=json_body("CommentReport", "The report."),
                write=True,
                problems=("404", "409", "422", "429"),
            ),
        },
        "/api/v1/comments/{comment_id}/approve": {
            "post": decision("approveComment", "Approve a comment: readers' pages show it")
        },
        "/api/v1/comments/{comment_id}/reject": {
            "post": decision(
                "rejectComment",
                "Reject a comment with a reason",
                json_body("CommentRejection", "The reason."),
            )
        },
        "/api/v1/comments/{comment_id}/hide": {
            "post": decision("hideComment", "Hide a shown comment until a moderator decides")
        },
        "/api/v1/comments/{comment_id}/restore": {
            "post": decision("restoreComment", "Show a hidden or rejected comment again")
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the discussion's tag, paths, schemas, parameters and responses."""
    document["tags"].append({"name": "comments", "description": "Readers' discussion of a feed."})
    document["paths"] |= paths()
    components = document["components"]
    components["schemas"] |= schemas()
    components["parameters"] |= PARAMETERS
    components["responses"]["Problem429"] = {
        "description": TOO_MANY,
        "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        },
        "content": {PROBLEM_TYPE: {"schema": ref("Problem")}},
    }
    return document
