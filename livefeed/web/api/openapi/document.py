"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/openapi.json``.

Put together here from its parts beside this module, each written with the helpers of
:mod:`livefeed.web.api.openapi.helpers`. Limits come from the domain rules themselves, so the
document cannot drift from what the server refuses; a test walks the app's routes and fails
when one under ``/api/v1`` is missing here.
"""

from __future__ import annotations

from typing import Any

from livefeed.distribution.reading import MAX_PAGE_SIZE, PAGE_SIZE
from livefeed.domain import idempotency
from livefeed.domain import text as text_rules
from livefeed.web.api.openapi import (
    discussion,
    moderation,
    portability,
    team,
    verification,
    wire,
    workflow,
)
from livefeed.web.api.openapi.audio import audio_schemas
from livefeed.web.api.openapi.embeds import embed_schemas
from livefeed.web.api.openapi.feeds import feed_paths, feed_schemas
from livefeed.web.api.openapi.helpers import (
    BEARER,
    PROBLEM_TYPE,
    Schema,
    array,
    integer,
    obj,
    parameter,
    ref,
    text,
)
from livefeed.web.api.openapi.link_cards import link_card_paths, link_card_schemas
from livefeed.web.api.openapi.media import media_paths, media_schemas
from livefeed.web.api.openapi.posts import part_schemas, post_paths, post_schemas
from livefeed.web.api.openapi.revisions import revision_paths, revision_schemas
from livefeed.web.api.openapi.short_urls import short_url_paths, short_url_schemas
from livefeed.web.middleware import MAX_BODY_BYTES


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
            "Words of lower-case letters and digits in any script, joined by single hyphens.",
            text_rules.MAX_TAG_LENGTH,
            pattern=r"^[^\s_-]+(?:-[^\s_-]+)*$",
        ),
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
    "idempotency_key": parameter(
        idempotency.HEADER,
        "header",
        "A key of the client's own (a UUID, say): sent again with the same request within a "
        "day, it answers with the post the first request made instead of making a second. The "
        "same key with another request is refused with 422.",
        {
            "type": "string",
            "minLength": 1,
            "maxLength": idempotency.KEY_LENGTH,
            "pattern": "^[!-~]+$",
        },
    ),
}

PROBLEMS: dict[str, str] = {
    "401": "No valid bearer token was sent.",
    "403": "The token's account may not do this (only editors and admins publish).",
    "404": "There is no such feed or post.",
    "409": "The change clashes with the current state: a taken slug, a stale version, "
    "a deleted post, an ended feed.",
    "413": f"The request body is over {MAX_BODY_BYTES // (1024 * 1024)} MB.",
    "415": "The body was sent as another type than application/json (or a +json type).",
    "422": "The input breaks a rule, or is JSON that is not one object with each key once; "
    "errors names each field at fault.",
}


def components() -> Schema:
    return {
        "schemas": part_schemas()
        | feed_schemas()
        | post_schemas()
        | link_card_schemas()
        | embed_schemas()
        | audio_schemas()
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
    document = team.extend(discussion.extend(_document(public_url)))
    document = verification.extend(moderation.extend(workflow.extend(document)))
    return wire.extend(portability.extend(document))


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
        "paths": feed_paths()
        | post_paths()
        | short_url_paths()
        | link_card_paths()
        | media_paths()
        | revision_paths(),
        "components": components(),
    }
