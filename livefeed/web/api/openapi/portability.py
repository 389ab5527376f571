"""The portable format's part of the OpenAPI document: a feed's .zip out and in, for admins,
and the publish time an admin may give a post moved in from elsewhere."""

from __future__ import annotations

from functools import partial
from typing import Any

from livefeed.web.api.openapi.helpers import (
    PROBLEM_TYPE,
    Schema,
    boolean,
    integer,
    moment,
    obj,
    ok,
    operation,
    parameter,
    text,
)

ZIP = "application/zip"
FORMAT = "docs/portable-format.md in the repository describes the format; docs/feed.schema.json"


def schemas() -> dict[str, Schema]:
    return {
        "Imported": obj(
            "What an import did.",
            {
                "slug": text("The feed's slug here."),
                "created": boolean(
                    "False when the document's feed (its uri) was imported before: nothing "
                    "was written."
                ),
                "posts": integer("Posts written."),
                "comments": integer("Comments written."),
                "url": text("The feed's page.", format="uri"),
            },
            ["slug", "created", "posts", "comments", "url"],
            closed=False,
        ),
        "ImportProgress": {
            "description": "One line of an import's progress: a step, or how it ended.",
            "oneOf": [
                obj("A step.", {"progress": text("What is being done.")}, ["progress"]),
                obj(
                    "How it ended.",
                    {
                        "status": integer("The status a plain answer would have had."),
                        "result": {"$ref": "#/components/schemas/Imported"},
                        "problem": {"$ref": "#/components/schemas/Problem"},
                    },
                    ["status"],
                ),
            ],
        },
        "PortableZip": {
            "type": "string",
            "format": "binary",
            "description": f"feed.json and the files under media/. {FORMAT} is its schema.",
        },
    }


PARAMETERS: dict[str, Schema] = {
    "import_slug": parameter(
        "slug",
        "query",
        "Import the feed under this slug instead of the document's own (which may be taken).",
        {"type": "string", "minLength": 1, "maxLength": 80},
    ),
}


def paths() -> dict[str, Schema]:
    portable = partial(operation, "portability")
    export = portable(
        "exportFeed",
        "The feed as its portable .zip: every post in every state, revisions, comments, "
        "the team by email, media files (admins only)",
        {
            "200": {
                "description": "The .zip, as a download.",
                "content": {ZIP: {"schema": {"$ref": "#/components/schemas/PortableZip"}}},
            }
        },
        params=("slug",),
        private=True,
        problems=("404", "422"),
    )
    imports = portable(
        "importFeed",
        "Import a feed from its portable .zip, in one transaction (admins only)",
        {
            "201": ok("Imported", "The feed, made."),
            "200": ok("Imported", "The document's feed was here already: nothing written."),
        },
        body={
            "required": True,
            "description": "The .zip itself as the body.",
            "content": {ZIP: {"schema": {"$ref": "#/components/schemas/PortableZip"}}},
        },
        write=True,
        problems=("409", "422"),
    )
    imports["parameters"] = [{"$ref": "#/components/parameters/import_slug"}]
    imports["responses"]["200"]["content"]["application/x-ndjson"] = {
        "schema": {"$ref": "#/components/schemas/ImportProgress"}
    }
    imports["description"] = (
        "A file with a problem writes nothing; each problem is named at its place in the "
        "document (posts[41].published_at). The document's uri says which feed it is, so the "
        "same file twice makes one feed. A slug taken here is a 409 on slug, unless ?slug= "
        "gives another; a short code taken here is a 409 naming it. With Accept: "
        "application/x-ndjson the answer is 200 at once and tells how the import goes, a JSON "
        'line a step ({"progress": …}), then a last line with the status the answer would '
        "have had and the result or the problem."
    )
    imports["responses"]["413"] = {
        "description": "The body is over 2048 MB, or a file inside is over the site's media "
        "limits.",
        "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    return {"/api/v1/feeds/{slug}/export": {"get": export}, "/api/v1/imports": {"post": imports}}


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the portable format's tag, paths, schemas, parameters, and the
    publish time a new post may carry."""
    document["tags"].append(
        {"name": "portability", "description": "Feeds moved in and out in the portable format."}
    )
    document["paths"] |= paths()
    components = document["components"]
    components["schemas"] |= schemas()
    components["parameters"] |= PARAMETERS
    components["schemas"]["NewPost"]["properties"]["published_at"] = moment(
        "When the post first went out, for a feed moved in from elsewhere: admins only (403 "
        "for anyone else), with state published."
    )
    return document
