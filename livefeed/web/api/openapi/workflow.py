"""The workflow's part of the OpenAPI document: drafts, contributions and scheduled posts.

It adds to what :mod:`livefeed.web.api.openapi.posts` says of posts (their JSON gains
``state``, ``publish_at``, ``author`` and ``review_note``; new posts and changes take a
``state``), and to the listing of a feed's posts (``state=`` lists what is not out yet, for the
feed's team).
"""

from __future__ import annotations

from typing import Any

from livefeed.domain import workflow as rules
from livefeed.domain.posts import PostState
from livefeed.web.api.openapi.helpers import (
    Schema,
    moment,
    nullable,
    obj,
    parameter,
    problem,
    text,
)
from livefeed.web.api.workflow import LISTED, MOVES

STATES = [state.value for state in PostState]


def _state(values: list[str], description: str, **extra: Any) -> Schema:
    return {"type": "string", "enum": values, "description": description, **extra}


def _post(post: Schema) -> None:
    post["description"] += (
        " A post not out yet (draft, submitted, scheduled) is seen only by its author and, "
        "but for a draft, the feed's editors."
    )
    post["properties"] |= {
        "state": _state(
            STATES,
            "draft (its author's alone), submitted (waiting for the editors), scheduled "
            "(goes out by itself at publish_at), published, or deleted.",
        ),
        "published_at": nullable(
            text("When it went out (UTC); null until it is published.", format="date-time")
        ),
        "publish_at": nullable(
            text("When a scheduled post goes out (UTC); null otherwise.", format="date-time")
        ),
        "author": nullable(
            obj(
                "Who wrote it.",
                {"name": text("Their display name.")},
                ["name"],
                closed=False,
            )
        ),
        "review_note": nullable(
            text("Why an editor sent it back to its author; null but on such a draft.")
        ),
    }


def _inputs(schemas: dict[str, Schema]) -> None:
    publish_at = nullable(
        moment(
            "When to publish it, with state scheduled: in the future, within a year; a 422 "
            "on publish_at otherwise."
        )
    )
    schemas["NewPost"]["description"] = (
        "A post to write: published at once (the default), scheduled, or kept as a draft or "
        "sent to the editors. Contributors send state draft or submitted: publishing and "
        "scheduling are the editors' (403)."
    )
    schemas["NewPost"]["properties"] |= {
        "state": _state(
            [state.value for state in rules.STARTS],
            "Where the post starts.",
            default=PostState.PUBLISHED.value,
        ),
        "publish_at": publish_at,
    }
    schemas["PostChanges"]["description"] += (
        " For a post not out yet, state moves it along: submitted (a draft to the editors, or "
        "a scheduled post back to their queue), scheduled (with publish_at; also to change "
        "its time), published, or draft (taken back by its author, returned by an editor with "
        "a note, or a schedule cancelled)."
    )
    schemas["PostChanges"]["properties"] |= {
        "state": _state([state.value for state in MOVES], "Where the post goes next."),
        "publish_at": publish_at,
        "note": text(
            "Why an editor returns a post to its author (required then); its author sees it.",
            rules.NOTE_LENGTH,
        ),
    }


def _operations(paths: dict[str, Schema]) -> None:
    listing = paths["/api/v1/feeds/{slug}/posts"]["get"]
    listing["summary"] = "List a feed's posts, the changes since an event, or those not out yet"
    listing["description"] = (
        "Public, but for state=draft|submitted|scheduled, which needs a bearer token of the "
        "feed's team: an editor sees every contribution and scheduled post, anyone their own "
        "drafts (and their own contributions). Such a listing is never cached."
    )
    listing["parameters"].append({"$ref": "#/components/parameters/state"})
    for status in ("401", "403"):
        listing["responses"][status] = problem(status)
    read = paths["/api/v1/feeds/{slug}/posts/{post_id}"]["get"]
    read["description"] = (
        "A post not out yet is found only with the bearer token of someone who may see it; "
        "for anyone else it does not exist (404)."
    )
    read["responses"]["401"] = problem("401")
    create = paths["/api/v1/feeds/{slug}/posts"]["post"]
    create["summary"] = "Write a post: publish it, schedule it, or save it as a draft"
    update = paths["/api/v1/feeds/{slug}/posts/{post_id}"]["patch"]
    update["summary"] += "; or move a post not out yet along (submit, schedule, publish, return)"


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the workflow's fields, parameter and descriptions."""
    components = document["components"]
    _post(components["schemas"]["Post"])
    _inputs(components["schemas"])
    _operations(document["paths"])
    components["parameters"]["state"] = parameter(
        "state",
        "query",
        "List the posts in this state instead (published, the default, is the public listing).",
        {"type": "string", "enum": [*(state.value for state in LISTED), "published"]},
    )
    return document
