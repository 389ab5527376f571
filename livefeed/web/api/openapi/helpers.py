"""The building blocks every part of the OpenAPI document is written with.

Small helpers, so each schema reads like the JSON it describes and each operation states only
what sets it apart: its tag, the rights it needs and the ways it can fail.
"""

from __future__ import annotations

from typing import Any

from livefeed.domain import text as text_rules

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
    # Not Tag's pattern: what is sent is a tag as typed, which becomes one once normalized.
    typed = text("A tag as typed; an empty one is left out.")
    return {
        "description": (
            f"Up to {text_rules.MAX_TAGS} different tags, as a list or a comma-separated "
            "string; spaces become hyphens and letters are lower-cased, and a tag given twice "
            "counts once."
        ),
        "anyOf": [array(typed, "Tags."), {"type": "string"}],
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


def not_modified(when: str) -> Schema:
    """A 304, to a client that sent back in ``If-None-Match`` the ``ETag`` still current."""
    return {"description": f"Unchanged since the ETag sent in If-None-Match ({when})."}


def created(schema: str, description: str) -> Schema:
    """A 201: the new resource, and its address in ``Location``."""
    location = {"description": "The new resource.", "schema": {"type": "string"}}
    return ok(schema, description) | {"headers": {"Location": location}}


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
    One that takes JSON refuses a body sent as another type with 415.
    """
    found = list(problems)
    if write:
        found = ["401", "403", *found, "413"]
    elif private:
        found = ["401", "403", *found]
    if body is not None and "application/json" in body["content"]:
        found.append("415")
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
