"""The teams' part of the OpenAPI document: a feed's members, for its editors and admins."""

from __future__ import annotations

from functools import partial
from typing import Any

from livefeed.domain.access import FeedRole
from livefeed.web.api.openapi.helpers import (
    Schema,
    array,
    json_body,
    obj,
    ok,
    operation,
    parameter,
    text,
)

ROLE: Schema = {
    "type": "string",
    "enum": [role.value for role in FeedRole],
    "description": "editor: publishes, runs the feed and manages its team; contributor: writes "
    "drafts for the editors; moderator: looks after the discussion.",
}


def schemas() -> dict[str, Schema]:
    member = obj(
        "One person on the feed's team.",
        {
            "email": text("Their address (only the feed's editors and admins see it)."),
            "display_name": text("Their name."),
            "role": ROLE,
            "added_at": text("When they joined the team (UTC).", format="date-time"),
        },
        ["email", "display_name", "role", "added_at"],
        closed=False,
    )
    return {
        "Member": member,
        "MemberList": obj(
            "The feed's team, editors first.",
            {"members": array({"$ref": "#/components/schemas/Member"}, "The members.")},
            ["members"],
            closed=False,
        ),
        "MemberRole": obj("The role to give.", {"role": ROLE}, ["role"]),
    }


PARAMETERS: dict[str, Schema] = {
    "email": parameter(
        "email", "path", "The member's email address (an account must exist).", {"type": "string"}
    ),
}


def paths() -> dict[str, Schema]:
    team = partial(operation, "teams")
    return {
        "/api/v1/feeds/{slug}/members": {
            "get": team(
                "listMembers",
                "The feed's team (its editors and admins only)",
                {"200": ok("MemberList", "The team.")},
                params=("slug",),
                private=True,
                problems=("404",),
            ),
        },
        "/api/v1/feeds/{slug}/members/{email}": {
            "put": team(
                "putMember",
                "Put an account on the team, or change its role there",
                {"200": ok("Member", "The member as they are now.")},
                params=("slug", "email"),
                body=json_body("MemberRole", "The role."),
                write=True,
                problems=("404", "409", "422"),
            ),
            "delete": team(
                "removeMember",
                "Take someone off the team (a feed keeps at least one editor)",
                {"204": {"description": "Removed."}},
                params=("slug", "email"),
                write=True,
                problems=("404", "409", "422"),
            ),
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the teams' tag, paths, schemas and parameters."""
    document["tags"].append({"name": "teams", "description": "Who works on a feed, and as what."})
    document["paths"] |= paths()
    components = document["components"]
    components["schemas"] |= schemas()
    components["parameters"] |= PARAMETERS
    return document
