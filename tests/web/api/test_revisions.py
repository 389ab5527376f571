"""The API of revisions: corrections and retractions by PATCH and POST, a stale version refused
with the post as it is now, and the history for the feed's team."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing, workflow
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_moderator, make_post, make_user
from tests.web.api.feed_api import assert_problem, state
from tests.web.api.test_openapi import problems
from tests.web.conftest import bearer

POSTS = "/api/v1/feeds/summit/posts"


def assert_documented(value: Any, schema: str, fields: tuple[str, ...] = ()) -> None:
    """``value`` is what the OpenAPI document's ``schema`` says (only ``fields`` of it, if
    given: the parts of a post that are this area's)."""
    document = spec("http://livefeed.test")
    shape = document["components"]["schemas"][schema]
    if fields:
        shape = {"type": "object", "properties": {f: shape["properties"][f] for f in fields}}
        value = {field: value[field] for field in fields}
    assert problems(document, value, shape) == []


MINE = ("corrections", "retracted", "retraction_reason", "retracted_at")


# Corrections by PATCH


def test_a_patch_with_a_note_is_a_public_correction(
    client: TestClient, svc: Services, editor: User, token: str, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    clock.advance(60)

    response = client.patch(
        f"{POSTS}/{post.id}",
        json={"headline": "Turnout 54%", "version": 1, "correction_note": "Digits swapped."},
        headers=bearer(token),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["headline"], body["version"]) == ("Turnout 54%", 2)
    assert body["corrections"] == [{"at": "2026-11-25T18:01:00Z", "note": "Digits swapped."}]
    assert_documented(body, "Post", MINE)


def test_a_patch_without_a_note_is_a_minor_edit(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    for body in ({"headline": "New", "version": 1}, {"headline": "Newer", "version": 2,
                                                      "correction_note": None}):  # fmt: skip
        response = client.patch(f"{POSTS}/{post.id}", json=body, headers=bearer(token))
        assert response.status_code == 200, response.text
        assert response.json()["corrections"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"headline": "New", "correction_note": ""}, "correction_note"),
        ({"headline": "New", "correction_note": "n" * 501}, "correction_note"),
        ({"headline": "New", "correction_note": 5}, "correction_note"),
        ({"tags": ["new"], "correction_note": "Only tags"}, "correction_note"),
        ({"headline": "New", "retracted": False}, "retracted"),
        ({"retracted": True}, "retraction_reason"),
        ({"retracted": True, "retraction_reason": "  "}, "retraction_reason"),
        ({"retraction_reason": "Wrong"}, "retracted"),
        ({"retracted": True, "retraction_reason": "Wrong", "headline": "New"}, "headline"),
        ({"retracted": True, "retraction_reason": "Wrong", "correction_note": "x"},
         "correction_note"),
    ],
)  # fmt: skip
def test_a_bad_correction_or_retraction_names_the_field_and_writes_nothing(
    client: TestClient, svc: Services, editor: User, token: str, body: dict[str, Any], field: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = state(svc)

    response = client.patch(f"{POSTS}/{post.id}", json={"version": 1} | body, headers=bearer(token))

    assert_problem(response, 422, field)
    assert state(svc) == before


# Conflicts


@pytest.mark.parametrize(
    "body",
    [
        {"headline": "Mine"},
        {"headline": "Mine", "correction_note": "Fixed"},
        {"retracted": True, "retraction_reason": "Wrong"},
    ],
)
def test_a_stale_patch_is_refused_with_the_post_as_it_is_now(
    client: TestClient, svc: Services, editor: User, token: str, body: dict[str, Any]
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Theirs"}, seen_version=1
    )
    before = state(svc)

    response = client.patch(f"{POSTS}/{post.id}", json=body | {"version": 1}, headers=bearer(token))

    assert_problem(response, 409, "version")
    current = response.json()["current"]
    assert (current["id"], current["version"], current["headline"]) == (post.id, 2, "Theirs")
    assert state(svc) == before
    assert_documented(response.json(), "Problem", ("status", "field", "errors"))
    assert_documented(current, "Post", MINE)


# Retraction


def test_a_post_is_retracted_by_post_or_by_patch(
    client: TestClient, svc: Services, editor: User, token: str, clock: Clock
) -> None:
    make_feed(svc, editor)
    first, second = make_post(svc, editor), make_post(svc, editor, headline="Second")
    clock.advance(60)

    by_post = client.post(
        f"{POSTS}/{first.id}/retract",
        json={"reason": "The source withdrew it.", "version": 1},
        headers=bearer(token),
    )
    by_patch = client.patch(
        f"{POSTS}/{second.id}",
        json={"retracted": True, "retraction_reason": "Wrong town.", "version": 1},
        headers=bearer(token),
    )

    for response, reason in ((by_post, "The source withdrew it."), (by_patch, "Wrong town.")):
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["retracted"], body["retraction_reason"]) == (True, reason)
        assert (body["retracted_at"], body["version"], body["state"]) == (
            "2026-11-25T18:01:00Z",
            2,
            "published",
        )
        assert_documented(body, "Post", MINE)


def test_a_retracted_post_is_no_longer_edited_or_retracted(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.retract_post(svc, editor, "summit", post.id, "Wrong")
    before = state(svc)

    edited = client.patch(
        f"{POSTS}/{post.id}", json={"headline": "Quietly", "version": 2}, headers=bearer(token)
    )
    again = client.post(
        f"{POSTS}/{post.id}/retract", json={"reason": "Again"}, headers=bearer(token)
    )

    assert_problem(edited, 409)
    assert "retracted" in edited.json()["detail"]
    assert_problem(again, 409)
    assert state(svc) == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "reason"),
        ({"reason": ""}, 422, "reason"),
        ({"reason": "r" * 501}, 422, "reason"),
        ({"reason": "Wrong", "version": "1"}, 422, "version"),
        ({"reason": "Wrong", "headline": "x"}, 422, "headline"),
        ({"reason": "Wrong", "version": 7}, 409, "version"),
    ],
)
def test_a_bad_retraction_is_refused_naming_the_field(
    client: TestClient,
    svc: Services,
    editor: User,
    token: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = state(svc)

    response = client.post(f"{POSTS}/{post.id}/retract", json=body, headers=bearer(token))

    assert_problem(response, status, field)
    assert state(svc) == before


def test_only_the_feeds_editors_retract(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    contributor = make_contributor(svc)
    before = state(svc)
    theirs = accounts.create_token(svc, contributor.email)

    refused = client.post(
        f"{POSTS}/{post.id}/retract", json={"reason": "Wrong"}, headers=bearer(theirs)
    )
    anonymous = client.post(f"{POSTS}/{post.id}/retract", json={"reason": "Wrong"})
    missing = client.post(f"{POSTS}/999/retract", json={"reason": "Wrong"}, headers=bearer(token))

    assert_problem(refused, 403)
    assert_problem(anonymous, 401)
    assert_problem(missing, 404)
    assert state(svc) == before


# The history


def test_the_team_reads_a_posts_revisions(
    client: TestClient, svc: Services, editor: User, token: str, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%", **{"quote.text": "Close."})
    clock.advance(60)
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Turnout 54%"},
        seen_version=1, correction=True, correction_note="Digits swapped.",
    )  # fmt: skip
    clock.advance(60)
    publishing.retract_post(svc, editor, "summit", post.id, "The count stopped.")
    contributor = make_contributor(svc)

    for who in (token, accounts.create_token(svc, contributor.email)):
        response = client.get(f"{POSTS}/{post.id}/revisions", headers=bearer(who))
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "private, no-store"
        for revision in response.json()["revisions"]:
            assert_documented(revision, "Revision")

    body = response.json()
    assert body["post"]["version"] == 3
    retraction, correction = body["revisions"]
    assert {k: retraction[k] for k in ("version", "kind", "note", "editor", "replaced_at")} == {
        "version": 2,
        "kind": "retraction",
        "note": "The count stopped.",
        "editor": "Anna Editor",
        "replaced_at": "2026-11-25T18:02:00Z",
    }
    assert (correction["version"], correction["kind"], correction["note"]) == (
        1,
        "correction",
        "Digits swapped.",
    )
    assert correction["post"]["headline"] == "Turnout 45%"
    assert correction["post"]["quote"] == {"text": "Close.", "attribution": ""}
    assert correction["post"]["image"] is None
    assert correction["post"]["body_html"] == "<p>Delegates are back.</p>\n"


def test_the_revisions_are_for_the_team_only(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    post = make_post(svc, editor)
    stranger = make_user(svc, "sam@newsroom.test", name="Sam")
    moderator = make_moderator(svc)
    url = f"{POSTS}/{post.id}/revisions"

    assert_problem(client.get(url), 401)
    assert_problem(client.get(url, headers=bearer("lf_not-a-token")), 401)
    assert_problem(client.get(url, headers=bearer(accounts.create_token(svc, stranger.email))), 403)
    assert client.get(url, headers=bearer(accounts.create_token(svc, moderator.email))).is_success
    assert_problem(client.get(f"{POSTS}/999/revisions", headers=bearer(token)), 404)
    wrong_feed = f"/api/v1/feeds/storm/posts/{post.id}/revisions"
    assert_problem(client.get(wrong_feed, headers=bearer(token)), 404)


def test_a_post_not_out_has_no_history_for_whoever_may_not_read_it(
    client: TestClient, svc: Services, editor: User, token: str, clock: Clock
) -> None:
    """Its history carries its words and its short URL: for a contributor or a moderator who
    may not read the post, the history is as missing as the post itself."""
    make_feed(svc, editor)
    dora = make_contributor(svc, email="dora@newsroom.test")
    soon = workflow.When((clock.now + timedelta(hours=1)).isoformat())
    words = {"headline": "Not for them", "body": "Embargoed."}
    theirs = [
        workflow.start_post(svc, editor, "summit", words, state=PostState.DRAFT),
        workflow.start_post(svc, dora, "summit", words, state=PostState.SUBMITTED),
        workflow.start_post(
            svc, editor, "summit", words, state=PostState.SCHEDULED, publish_at=soon
        ),
    ]
    askers = [make_contributor(svc), make_moderator(svc)]

    for who in (accounts.create_token(svc, user.email) for user in askers):
        for post in theirs:
            for path in (f"{POSTS}/{post.id}", f"{POSTS}/{post.id}/revisions"):
                response = client.get(path, headers=bearer(who))
                assert_problem(response, 404)
                assert "Embargoed" not in response.text
                assert post.short_code not in response.text
    dora_token = accounts.create_token(svc, dora.email)
    for post, reader in zip(theirs, (token, dora_token, token), strict=True):
        for path in (f"{POSTS}/{post.id}", f"{POSTS}/{post.id}/revisions"):
            assert client.get(path, headers=bearer(reader)).status_code == 200
