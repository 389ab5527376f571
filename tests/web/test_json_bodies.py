"""Every route that takes a JSON body refuses a malformed one as problem+json naming the field.

JSON can say things no handler expects: a lone surrogate (``"\\udc80"``) that no UTF-8 text
can hold, nesting deep enough to exhaust the parser's stack, a body that is not an object.
Each must be a 4xx naming the field at fault, never a 500, on every route: the routes are read
from the app's router, so a new one cannot be left out of the table below.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.distribution import alerts
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.desk.media import CSRF_HEADER
from tests.conftest import Clock
from tests.factories import make_feed, make_post, make_user
from tests.other_sites import HOST, Resolver, local_policy, running_site
from tests.web.conftest import bearer, csrf, log_in, routes_of

LONE = "\udc80"
DEPTH = 1_000
UNSAFE = {"POST", "PUT", "PATCH"}


@dataclass(frozen=True)
class Newsroom:
    """What the routes act on: a feed, a published post, a reader's comments in each state."""

    post_id: int
    comments: dict[str, int]
    member: str
    article: str


Body = Callable[[Newsroom], dict[str, Any]]
# A browser's push subscription, as a page's script sends it (the keys' sizes are what count).
PUSH_SUBSCRIPTION: dict[str, Any] = {
    "endpoint": "https://push.example.net/send/matrix",
    "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
}

# A valid body for each route that takes JSON.
JSON_BODIES: dict[tuple[str, str], Body] = {
    ("POST", "/api/v1/feeds"): lambda room: {
        "slug": "storm",
        "title": "Storm",
        "lead": "Wind.",
        "notes": "Local times.",
        "tags": "weather",
        "timezone": "Europe/Paris",
        "coverage_start": "2026-11-25T18:00:00Z",
        "audio_stream_url": "https://radio.example.org/live.mp3",
        "discussion": "guests",
        "moderation": "post",
        "status": "live",
    },
    ("PATCH", "/api/v1/feeds/{slug}"): lambda room: {
        "title": "Summit, day two",
        "lead": "Talks go on.",
        "timezone": "Europe/Paris",
        "status": "ended",
    },
    ("POST", "/api/v1/feeds/{slug}/posts"): lambda room: {
        "headline": "Gusts",
        "body": "Up to **130 km/h**.",
        "quote": {"text": "Stay in.", "attribution": "Police"},
        "tags": "weather, coast",
        "state": "published",
    },
    ("PATCH", "/api/v1/feeds/{slug}/posts/{post_id}"): lambda room: {
        "headline": "Talks resume at noon",
        "body": "Delegates are back.",
        "correction_note": "The time was wrong.",
        "version": 1,
    },
    ("POST", "/api/v1/feeds/{slug}/posts/{post_id}/retract"): lambda room: {
        "reason": "The source took it back.",
        "version": 1,
    },
    ("PUT", "/api/v1/feeds/{slug}/members/{email}"): lambda room: {"role": "contributor"},
    ("POST", "/api/v1/feeds/{slug}/bans"): lambda room: {
        "comment_id": room.comments["approved"],
        "length": "7d",
        "reason": "Abuse",
    },
    ("POST", "/api/v1/link-cards"): lambda room: {"url": room.article},
    ("POST", "/api/v1/feeds/{slug}/comments"): lambda room: {
        "body": "Well said.",
        "accept_standards": True,
    },
    ("POST", "/api/v1/comments/{comment_id}/report"): lambda room: {
        "reason": "spam",
        "note": "Ads.",
    },
    ("POST", "/api/v1/comments/{comment_id}/approve"): lambda room: {},
    ("POST", "/api/v1/comments/{comment_id}/reject"): lambda room: {"reason": "off-topic"},
    ("POST", "/api/v1/comments/{comment_id}/hide"): lambda room: {},
    ("POST", "/api/v1/comments/{comment_id}/restore"): lambda room: {},
    ("PUT", "/api/v1/feeds/{slug}/posts/{post_id}/verification"): lambda room: {
        "verification": "disputed",
        "source_type": "agency",
        "sourcing": "According to two agencies",
        "version": 1,
    },
    ("POST", "/api/v1/feeds/{slug}/ingest"): lambda room: {
        "items": [
            {
                "uri": "urn:wire.test:gusts",
                "versioncreated": "2026-11-25T18:30:00Z",
                "headlines": [{"value": "Gusts"}],
            }
        ],
        "publish": True,
    },
    # A reader's browser, from the feed page's script (no token needed, none in the way).
    ("POST", "/feeds/{slug}/alerts"): lambda room: {
        "subscription": PUSH_SUBSCRIPTION,
        "choice": "key_events",
        "language": "en",
    },
    ("POST", "/feeds/{slug}/alerts/unsubscribe"): lambda room: {
        "endpoint": PUSH_SUBSCRIPTION["endpoint"],
        "auth": PUSH_SUBSCRIPTION["keys"]["auth"],
    },
    # A sampled page's publish-to-screen beacon (sendBeacon: no token).
    ("POST", "/feeds/{slug}/latency"): lambda room: {"latencies": [0.4, 1.2]},
}
# Routes that take something else than a form or JSON, and what.
OTHER_BODIES = {
    ("POST", "/api/v1/media"): "a multipart upload",
    ("POST", "/desk/media"): "a multipart upload",
    ("POST", "/api/v1/imports"): "a feed's portable .zip",
}
# Which comment a route's {comment_id} is: one it can act on (else the reader's approved one).
COMMENT_FOR = {"approve": "pending", "reject": "pending", "restore": "hidden"}


@pytest.fixture
def caller(app: Starlette) -> Iterator[TestClient]:
    """A client that gets a server error as the 500 a caller would, so one run lists them all."""
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def newsroom(svc: Services, clock: Clock, editor: User) -> Newsroom:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    comments = {}
    for state in ("pending", "approved", "hidden"):
        clock.advance(180)
        said = discussion.post_comment(
            svc, rita, "summit", {"body": f"A {state} one", "accept_standards": True}, address=""
        )
        if state != "pending":
            moderation.approve(svc, editor, said.id)
        if state == "hidden":
            moderation.hide(svc, editor, said.id)
        comments[state] = said.id
    member = make_user(svc, "carl@newsroom.test", name="Carl").email
    alerts.subscribe(svc, "summit", {"subscription": PUSH_SUBSCRIPTION, "choice": "every_post"})
    return Newsroom(post.id, comments, member, f"http://{HOST}/storm")


def url_of(path: str, room: Newsroom) -> str:
    """The route's path, on the newsroom's feed, post, member and comment (ids that exist)."""
    comment = room.comments[COMMENT_FOR.get(path.rsplit("/", 1)[-1], "approved")]
    return path.format(
        slug="summit", post_id=room.post_id, email=room.member, comment_id=comment,
        token="x", token_id=1, ban_id=1, media_id=1, invitation_id=1, webhook_id=1,
    )  # fmt: skip


def spoiled(value: Any) -> list[Any]:
    """Copies of ``value``, each with a lone surrogate in one of the strings it holds."""
    if isinstance(value, str):
        return [value[: len(value) // 2] + LONE + value[len(value) // 2 :]]
    if isinstance(value, dict):
        return [value | {key: bad} for key, inner in value.items() for bad in spoiled(inner)]
    return []


def malformed(valid: dict[str, Any]) -> Iterator[tuple[bytes, str]]:
    """Bodies each route must refuse, with the field the refusal must name."""
    for key, value in valid.items():
        for bad in spoiled(value):
            yield json.dumps(valid | {key: bad}).encode(), key
        yield f'{{"{key}": {"[" * DEPTH}{"]" * DEPTH}}}'.encode(), key
    yield json.dumps(valid | {LONE: "x"}).encode(), "body"
    yield ("[" * DEPTH + "]" * DEPTH).encode(), "body"
    yield ('{"x": ' * DEPTH + "1" + "}" * DEPTH).encode(), "x"
    for other in (b"[]", b'"x"', b"1"):
        yield other, "body"


def test_every_route_taking_a_body_under_the_api_is_in_the_table(app: Starlette) -> None:
    served = set(routes_of(app.routes))
    unsafe = {(m, path) for m, path in served if m in UNSAFE and path.startswith("/api/v1/")}
    assert len(unsafe) >= 10, "the router was not read"

    assert unsafe - set(JSON_BODIES) - set(OTHER_BODIES) == set(), "add them to JSON_BODIES"
    assert set(JSON_BODIES) | set(OTHER_BODIES) <= served, "no longer served"


@pytest.mark.parametrize(("method", "path"), sorted(JSON_BODIES))
def test_the_valid_body_is_accepted(
    client: TestClient, svc: Services, token: str, newsroom: Newsroom, method: str, path: str
) -> None:
    """The table's bodies reach the handler and pass, so the refusals below are the body's."""
    with running_site() as site:
        site.page("/storm", "<html><head><title>Storm</title></head></html>")
        svc.fetch_policy = local_policy(site, Resolver({HOST: ["127.0.0.1"]}))
        room = replace(newsroom, article=site.url("/storm"))
        body = JSON_BODIES[method, path](room)
        response = client.request(method, url_of(path, room), json=body, headers=bearer(token))

    assert response.status_code < 300, response.text


@pytest.mark.parametrize(("method", "path"), sorted(JSON_BODIES))
def test_a_malformed_body_is_refused_naming_the_field(
    caller: TestClient, token: str, newsroom: Newsroom, method: str, path: str
) -> None:
    wrong = []
    headers = bearer(token) | {"Content-Type": "application/json"}
    for content, field in malformed(JSON_BODIES[method, path](newsroom)):
        response = caller.request(method, url_of(path, newsroom), content=content, headers=headers)
        named = []
        if response.headers.get("content-type") == "application/problem+json":
            named = [error["field"] for error in response.json().get("errors", [])]
        if not 400 <= response.status_code < 500 or field not in named:
            wrong.append(f"{content[:60]!r}: {response.status_code} naming {named}, not {field}")

    assert wrong == []


def test_brackets_in_text_and_escaped_pairs_are_no_fault(
    client: TestClient, token: str, newsroom: Newsroom
) -> None:
    """Only real nesting counts, and a surrogate pair (an emoji, escaped) is good Unicode."""
    headline = "Gusts \U0001f32c\ufe0f up to 130 km/h"
    body = '\\"' + "[{" * DEPTH + '"'
    content = json.dumps({"headline": headline, "body": body}).encode()
    assert b"\\ud83c\\udf2c" in content

    made = client.post(
        "/api/v1/feeds/summit/posts",
        content=content,
        headers=bearer(token) | {"Content-Type": "application/json"},
    )

    assert made.status_code == 201, made.text
    assert (made.json()["headline"], made.json()["body"]) == (headline, body)


def test_no_other_route_reads_a_json_body(
    app: Starlette, caller: TestClient, editor: User, token: str, newsroom: Newsroom
) -> None:
    """A page's script may send JSON too: each other route, sent JSON by a signed-in editor
    whose token is in every place a route looks for one, reads no JSON body (it would refuse
    this one naming ``body``)."""
    log_in(caller, editor.email)
    headers = bearer(token) | {CSRF_HEADER: csrf(caller), "Content-Type": "application/json"}
    others = [
        (method, path)
        for method, path in routes_of(app.routes)
        if method in UNSAFE and (method, path) not in set(JSON_BODIES) | set(OTHER_BODIES)
    ]
    assert len(others) >= 20, "the router was not read"
    reading = []
    for method, path in others:
        response = caller.request(method, url_of(path, newsroom), content=b"[]", headers=headers)
        if response.status_code == 422 or response.status_code >= 500:
            reading.append(f"{method} {path}: {response.status_code}")

    assert reading == []
