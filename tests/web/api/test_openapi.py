"""The OpenAPI document: served, well-formed, complete, and true to what the API sends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests.factories import make_feed, make_post
from tests.web.conftest import api_routes, bearer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Schema = dict[str, Any]


@pytest.fixture
def document() -> Schema:
    return spec("http://livefeed.test")


def resolve(document: Schema, node: Schema) -> Schema:
    while "$ref" in node:
        pointer = node["$ref"]
        assert pointer.startswith("#/"), pointer
        target: Any = document
        for part in pointer[2:].split("/"):
            assert part in target, f"{pointer} points at nothing"
            target = target[part]
        node = target
    return node


def refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def operations(document: Schema) -> Iterator[tuple[str, str, Schema]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert method in METHODS, f"{path}: {method} is not an HTTP method"
            yield path, method, operation


def problems(document: Schema, value: object, schema: Schema, where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema``: the JSON Schema words the document uses, no more.

    Stricter than JSON Schema in one way, on purpose: an object may not carry a key its schema
    does not list, so the API cannot start sending a field the document does not describe.
    """
    schema = resolve(document, schema)
    found: list[str] = []
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        matching = [o for o in options if not problems(document, value, o, where)]
        if not matching or ("oneOf" in schema and len(matching) > 1):
            found.append(f"{where}: matches {len(matching)} of its {len(options)} shapes")
    kind = schema.get("type")
    python = {
        "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
    }  # fmt: skip
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [*found, f"{where}: {value!r} is not an integer"]
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            found.append(f"{where}: {value} is out of range")
    elif kind is not None and not isinstance(value, python[kind]):
        return [*found, f"{where}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)):
            found.append(f"{where}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: {name} is missing")
        for name, item in value.items():
            if name in properties:
                found += problems(document, item, properties[name], f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: {name} is not documented")
            elif kind == "object":
                found.append(f"{where}: {name} is sent but not documented")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += problems(document, item, schema["items"], f"{where}[{index}]")
    return found


def response_schema(document: Schema, path: str, method: str, status: str) -> Schema:
    response = resolve(document, document["paths"][path][method]["responses"][status])
    content = response["content"]
    media = "application/json" if "application/json" in content else "application/problem+json"
    schema: Schema = content[media]["schema"]
    return schema


# Served and well-formed --------------------------------------------------------------------------


def test_the_document_is_served(client: TestClient) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["openapi"].startswith("3.1.")
    assert body["info"]["title"]
    assert body["info"]["version"]
    assert body["servers"] == [{"url": "http://livefeed.test"}]
    assert body == spec("http://livefeed.test")


def test_every_reference_points_at_something(document: Schema) -> None:
    found = list(refs(document))

    assert found
    for pointer in found:
        resolve(document, {"$ref": pointer})


def test_every_component_is_used(document: Schema) -> None:
    used = set(refs(document))

    for section in ("schemas", "parameters", "responses"):
        for name in document["components"][section]:
            assert f"#/components/{section}/{name}" in used, f"{section}/{name} is never used"


def test_every_operation_is_fully_described(document: Schema) -> None:
    ids = []
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        ids.append(operation["operationId"])
        assert operation["summary"], where
        assert operation["responses"], where
        for status, response in operation["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", status), where
            assert resolve(document, response)["description"], f"{where} {status}"
        declared = [resolve(document, p) for p in operation.get("parameters", [])]
        in_path = {p["name"] for p in declared if p["in"] == "path"}
        assert in_path == set(re.findall(r"{(\w+)}", path)), where
        assert all(p["required"] for p in declared if p["in"] == "path"), where
        assert all("schema" in p for p in declared), where
        if method in ("post", "patch"):
            content = operation["requestBody"]["content"]
            # JSON, but for uploads (multipart/form-data) and imports (the .zip itself).
            if set(content) == {"application/zip"}:
                assert resolve(document, content["application/zip"]["schema"])["format"] == (
                    "binary"
                ), where
                continue
            (media,) = set(content) & {"application/json", "multipart/form-data"}
            assert resolve(document, content[media]["schema"])["type"] == "object", where
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def test_writes_need_the_bearer_scheme_and_say_how_they_fail(document: Schema) -> None:
    schemes = document["components"]["securitySchemes"]
    (name,) = schemes
    assert schemes[name] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        # Reads are public, but for the few that only editors may see (short URL clicks).
        if method == "get" and operation["security"] == []:
            continue
        assert operation["security"] == [{name: []}], where
        for status in ("401", "403") if method == "get" else ("401", "403", "413"):
            assert status in operation["responses"], f"{where} does not document {status}"
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                content = resolve(document, response)["content"]
                assert list(content) == ["application/problem+json"], f"{where} {status}"
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
    for path, method, operation in operations(document):
        if "{" in path:
            assert "404" in operation["responses"], f"{method} {path} can miss"
        if method in ("post", "patch"):
            assert "422" in operation["responses"], f"{method} {path} can be refused"


# Complete ----------------------------------------------------------------------------------------


def test_every_api_route_is_documented_with_its_methods(app: Starlette, document: Schema) -> None:
    routes = api_routes(app)
    assert len(routes) >= 9, "the router was not read"

    documented = {(method.upper(), path) for path, method, _ in operations(document)}

    assert set(routes) <= documented, f"undocumented: {sorted(set(routes) - documented)}"
    assert documented <= set(routes), (
        f"documented but not served: {sorted(documented - set(routes))}"
    )


# True to what the API sends and takes -----------------------------------------------------------


def test_what_the_api_sends_matches_its_schemas(
    client: TestClient, svc: Services, editor: User, token: str, document: Schema
) -> None:
    make_feed(svc, editor, audio_stream_url="https://radio.example.org/live.mp3")
    rich = publishing.publish_post(
        svc,
        editor,
        "summit",
        {
            "headline": "Deal",
            "quote.text": "Yes.",
            "image.url": "https://images.example.org/a.jpg",
            "image.alt": "A hall",
            "read_more.url": "https://news.example.org/deal",
            "read_more.title": "The deal",
            "tags": "deal",
        },
    )
    gone = make_post(svc, editor)
    publishing.delete_post(svc, editor, "summit", gone.id)
    feed, posts = "/api/v1/feeds/{slug}", "/api/v1/feeds/{slug}/posts"
    post = "/api/v1/feeds/{slug}/posts/{post_id}"
    auth = bearer(token)

    sent = [
        (client.get("/api/v1/feeds"), "/api/v1/feeds", "get", "200"),
        (client.get("/api/v1/feeds/summit"), feed, "get", "200"),
        (client.get("/api/v1/feeds/summit/posts"), posts, "get", "200"),
        (client.get("/api/v1/feeds/summit/posts?since=0"), posts, "get", "200"),
        (client.get(f"/api/v1/feeds/summit/posts/{rich.id}"), post, "get", "200"),
        (client.get(f"/api/v1/feeds/summit/posts/{gone.id}"), post, "get", "200"),
        (client.get("/api/v1/feeds/nowhere"), feed, "get", "404"),
        (client.get("/api/v1/feeds/summit/posts?cursor=x"), posts, "get", "422"),
        (client.post("/api/v1/feeds", json={"slug": "summit", "title": "T"}, headers=auth),
         "/api/v1/feeds", "post", "409"),
        (client.post("/api/v1/feeds", json={}), "/api/v1/feeds", "post", "401"),
        (client.patch("/api/v1/feeds/summit", json={"title": "New"}, headers=auth),
         feed, "patch", "200"),
        (client.post("/api/v1/feeds/summit/posts", json={"headline": "Hi"}, headers=auth),
         posts, "post", "201"),
    ]  # fmt: skip

    for response, path, method, status in sent:
        assert str(response.status_code) == status, (path, method, response.text)
        schema = response_schema(document, path, method, status)
        assert problems(document, response.json(), schema) == [], (path, method, status)


def test_a_request_shaped_by_the_document_is_accepted(
    client: TestClient, svc: Services, editor: User, token: str, document: Schema
) -> None:
    make_feed(svc, editor, slug="night-desk")  # the editor of one feed may open the next
    new_feed = {
        "slug": "storm",
        "title": "Storm",
        "lead": "Wind.",
        "notes": "Local times.",
        "tags": ["weather"],
        "timezone": "Europe/Paris",
        "coverage_start": "2026-11-25T18:00:00Z",
        "audio_stream_url": "https://radio.example.org/live.mp3",
        "recording_url": "https://radio.example.org/day-1.mp3",
        "discussion": "guests",
        "moderation": "post",
        "default_verification": "unverified",
        "ended_order": "oldest",
        "language": "fr",
        "show_readers": True,
        "status": "live",
    }
    new_post = {
        "headline": "Gusts",
        "body": "Up to **130 km/h**.",
        "quote": {"text": "Stay in.", "attribution": "Police"},
        "image": {
            "url": "https://i.example.org/a.jpg",
            "caption": "C",
            "credit": "A",
            "alt": "T",
            "source_type": "digitalCapture",
        },
        "read_more": {
            "url": "https://n.example.org/a",
            "title": "Storm",
            "summary": "S",
            "image_url": "https://i.example.org/b.jpg",
        },
        "video": {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
        "embed": None,
        "audio": {"start": "0:14:05", "transcript": "Stay indoors, the prefect says."},
        "tags": "weather, coast",
        "key_event": True,
        "pinned": False,
        "state": "published",
        "publish_at": None,
        "verification": "disputed",
        "source_type": "official statement",
        "sourcing": "According to the coastguard",
    }
    schemas = document["components"]["schemas"]
    # Every documented input field is used here, so a field the API stops taking fails below.
    assert set(new_feed) == set(schemas["NewFeed"]["properties"])
    # published_at is for admins moving a feed in (tests/web/api/test_portability.py).
    assert {*new_post, "published_at"} == set(schemas["NewPost"]["properties"])
    assert set(schemas["PostChanges"]["properties"]) == {
        *new_post,
        "version",
        "note",
        "correction_note",
        "retracted",
        "retraction_reason",
    }
    assert problems(document, new_feed, schemas["NewFeed"]) == []
    assert problems(document, new_post, schemas["NewPost"]) == []

    feed = client.post("/api/v1/feeds", json=new_feed, headers=bearer(token))
    post = client.post("/api/v1/feeds/storm/posts", json=new_post, headers=bearer(token))
    edit = client.patch(
        f"/api/v1/feeds/storm/posts/{post.json()['id']}",
        json=new_post | {"version": 1},
        headers=bearer(token),
    )

    assert feed.status_code == 201, feed.text
    assert post.status_code == 201, post.text
    assert edit.status_code == 200, edit.text


def test_the_schema_checker_finds_what_is_wrong(document: Schema) -> None:
    post = {"$ref": "#/components/schemas/Post"}

    assert problems(document, {"id": 1}, post)
    assert problems(document, {"id": "1", "version": 1, "seq": 0, "url": "u", "state": "x"}, post)
    assert problems(document, {"slug": "storm", "title": "S", "colour": 1}, {
        "$ref": "#/components/schemas/NewFeed"
    })  # fmt: skip
    assert not problems(
        document, {"id": 1, "version": 1, "seq": 0, "url": "u", "state": "deleted"}, post
    )
