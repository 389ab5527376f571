"""Verification and Content Credentials in the OpenAPI document.

It adds to posts their verification state, source type and sourcing note (sent and shown), to
pictures their Content Credentials and digital source type, to feeds the state new posts take,
and the one-step ``PUT …/verification``. The limits and words are the rules' own.
"""

from __future__ import annotations

from typing import Any

from livefeed.domain import verification as rules
from livefeed.domain.credentials import SOURCE_TYPES, Validity
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
    text,
)

SETTABLE = [state.value for state in rules.SETTABLE]
STATES = [state.value for state in rules.Verification]
KINDS = [kind.value for kind in rules.SourceType]


def _choice(values: list[str], description: str) -> Schema:
    return {"type": "string", "enum": values, "description": description}


def input_fields() -> dict[str, Schema]:
    return {
        "verification": _choice(
            SETTABLE,
            "How far the newsroom stands behind it; left out, a new post takes its feed's "
            "default_verification (unverified for a contributor where that is confirmed) and "
            "an edit keeps the post's. Only the feed's editors may confirm.",
        ),
        "source_type": nullable(_choice(KINDS, "Where it came from; null for not said.")),
        "sourcing": text(
            "On whose word, e.g. According to the Kremlin spokesman.", rules.SOURCING_LENGTH
        ),
    }


def _credentials() -> Schema:
    return obj(
        "What the picture's C2PA manifest said when it was uploaded.",
        {
            "validity": _choice(
                [validity.value for validity in Validity],
                "trusted (signer on a known trust list), valid (signature and hashes hold, "
                "signer unknown) or invalid (changed after signing: never to be shown as valid).",
            ),
            "signer": text("Who signed it, from its certificate."),
            "claim_generator": text("The software that made the manifest."),
            "actions": array({"type": "string"}, "The recorded actions, e.g. c2pa.created."),
            "digital_source_type": nullable(text("The IPTC digital source type's URI.")),
            "failures": array({"type": "string"}, "The validation failures' codes."),
        },
        ["validity", "signer", "claim_generator", "actions", "digital_source_type", "failures"],
        closed=False,
    )


def extend(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    fields = input_fields()
    schemas["Post"]["properties"] = schemas["Post"]["properties"] | {
        "verification": _choice(
            STATES, "unverified, confirmed, disputed, or retracted once retracted."
        ),
        "source_type": fields["source_type"],
        "sourcing": text("On whose word; an empty string for none."),
    }
    for name in ("NewPost", "PostChanges"):
        schemas[name]["properties"] = schemas[name]["properties"] | fields
    # A revision keeps the post's fields as they were, its verification among them (a source
    # type not said is an empty string there, as in the desk's form).
    kept = schemas["Revision"]["properties"]["post"]
    kept["properties"] = (
        kept["properties"]
        | fields
        | {
            "source_type": {
                "description": "Where it came from; empty or null for not said.",
                "anyOf": [
                    _choice(KINDS, "A source type."),
                    {"type": "string", "maxLength": 0},
                    {"type": "null"},
                ],
            }
        }
    )
    hand_set = {
        "description": "The IPTC digital source type an editor gave by hand; empty or null "
        "for none.",
        "anyOf": [
            _choice(list(SOURCE_TYPES), "An IPTC digital source type."),
            {"type": "string", "maxLength": 0},
            {"type": "null"},
        ],
    }
    image_input = schemas["ImageInput"]
    image_input["properties"] = image_input["properties"] | {"source_type": hand_set}
    schemas["Image"]["properties"] = schemas["Image"]["properties"] | {
        "source_type": hand_set,
        "ai_generated": boolean("Readers are told it is AI-generated (manifest or editor)."),
        "credentials": nullable(_credentials()),
    }
    default = _choice(SETTABLE, "The state a new post takes when its author does not say.")
    for name in ("Feed", "NewFeed", "FeedChanges"):
        if name in schemas:
            properties = schemas[name]["properties"]
            schemas[name]["properties"] = properties | {"default_verification": default}
    schemas["Verification"] = obj(
        "A post's verification, in one step; source_type and sourcing left out keep theirs.",
        fields | {"version": integer("The version it is based on; a newer one gives 409.", 1)},
        ["verification"],
    )
    document["paths"]["/api/v1/feeds/{slug}/posts/{post_id}/verification"] = {
        "put": operation(
            "posts",
            "setVerification",
            "Set a published post's verification state (the feed's editors only); open "
            "pages change its label at once",
            {"200": ok("Post", "The post as it now is.")},
            params=("slug", "post_id"),
            body=json_body("Verification", "The state, its source and sourcing note."),
            write=True,
            problems=("404", "409", "422"),
        )
    }
    return document
