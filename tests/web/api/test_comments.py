"""The discussion in the JSON API: listing, posting, reporting, deciding; problem+json refusals."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import Comment
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests.conftest import Clock
from tests.factories import join, make_feed, make_moderator, make_user
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import XSS, bearer

ADDRESS = "198.51.100.7"
COMMENTS = "/api/v1/feeds/summit/comments"


@pytest.fixture
def rita(svc: Services, editor: User) -> User:
    make_feed(svc, editor)
    return make_user(svc, "rita@readers.test", name="Rita Reader")


def token_of(svc: Services, user: User) -> dict[str, str]:
    return bearer(accounts.create_token(svc, user.email, "tests"))


def say(svc: Services, who: User, body: str, **fields: Any) -> Comment:
    return discussion.post_comment(
        svc, who, "summit", {"body": body, "accept_standards": True, **fields}, address=ADDRESS
    )


def shown(svc: Services, who: User, body: str, approver: User, **fields: Any) -> Comment:
    return moderation.approve(svc, approver, say(svc, who, body, **fields).id)


def post_moderated(svc: Services, editor: User) -> None:
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"moderation": "post"})


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    if field is not None:
        assert body["field"] == field
    return body


# Feed settings ---------------------------------------------------------------------------------


def test_the_feed_json_carries_its_discussion_settings_and_a_patch_changes_them(
    client: TestClient, svc: Services, editor: User, token: str, rita: User
) -> None:
    feed = client.get("/api/v1/feeds/summit").json()
    assert (feed["discussion"], feed["moderation"]) == ("members", "pre")
    changed = client.patch(
        "/api/v1/feeds/summit",
        json={"discussion": "guests", "moderation": "post"},
        headers=bearer(token),
    )
    assert (changed.json()["discussion"], changed.json()["moderation"]) == ("guests", "post")
    body = assert_problem(
        client.patch("/api/v1/feeds/summit", json={"discussion": "all"}, headers=bearer(token)),
        422,
        "discussion",
    )
    assert body["detail"] == "discussion: must be one of closed, members or guests"
    created = client.post(
        "/api/v1/feeds", json={"slug": "storm", "title": "Storm"}, headers=bearer(token)
    )
    assert (created.json()["discussion"], created.json()["moderation"]) == ("members", "pre")


# Listing ---------------------------------------------------------------------------------------


def test_the_listing_gives_approved_threads_with_their_replies(
    client: TestClient, svc: Services, editor: User, rita: User, clock: Clock
) -> None:
    first = shown(svc, rita, "First", editor)
    clock.advance(10)
    second = shown(svc, rita, "Second", editor)
    reply = shown(svc, editor, "A reply", editor, parent_id=first.id)
    say(svc, rita, "Pending, not listed")
    response = client.get(COMMENTS)
    body = response.json()
    assert [c["id"] for c in body["comments"]] == [second.id, first.id]
    assert [r["id"] for r in body["comments"][1]["replies"]] == [reply.id]
    assert body["total"] == 3
    assert body["next_cursor"] is None
    assert "hold_reason" not in body["comments"][0]
    assert "rita@readers.test" not in response.text
    assert client.get(
        COMMENTS, headers={"If-None-Match": response.headers["etag"]}
    ).status_code == (304)
    oldest = client.get(f"{COMMENTS}?sort=oldest&limit=1").json()
    assert [c["id"] for c in oldest["comments"]] == [first.id]
    rest = client.get(f"{COMMENTS}?sort=oldest&limit=1&cursor={oldest['next_cursor']}").json()
    assert [c["id"] for c in rest["comments"]] == [second.id]
    document = spec("http://livefeed.test")
    schema = response_schema(document, "/api/v1/feeds/{slug}/comments", "get", "200")
    assert problems(document, body, schema) == []


@pytest.mark.parametrize(
    ("query", "field"), [("sort=up", "sort"), ("limit=0", "limit"), ("cursor=x", "cursor")]
)
def test_bad_listing_options_are_refused_naming_them(
    client: TestClient, rita: User, query: str, field: str
) -> None:
    assert_problem(client.get(f"{COMMENTS}?{query}"), 422, field)


def test_an_approval_changes_the_listings_validator(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    before = client.get(COMMENTS)
    pending = say(svc, rita, "Soon")
    moderation.approve(svc, editor, pending.id)
    after = client.get(COMMENTS, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert [c["id"] for c in after.json()["comments"]] == [pending.id]


# Posting ---------------------------------------------------------------------------------------


def test_posting_a_comment_and_a_reply(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    auth = token_of(svc, rita)
    made = client.post(COMMENTS, json={"body": "Hello", "accept_standards": True}, headers=auth)
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "pending"
    assert made.json()["author"] == {"name": "Rita Reader", "guest": False}
    post_moderated(svc, editor)
    parent = client.post(COMMENTS, json={"body": "Shown at once"}, headers=auth).json()
    assert parent["state"] == "approved"
    reply = client.post(COMMENTS, json={"body": "Me too", "parent_id": parent["id"]}, headers=auth)
    assert reply.json()["parent_id"] == parent["id"]
    document = spec("http://livefeed.test")
    schema = response_schema(document, "/api/v1/feeds/{slug}/comments", "post", "201")
    assert problems(document, made.json(), schema) == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"body": ""}, "body", "write something first: the comment is empty"),
        ({"body": "x" * 2001}, "body", "must be at most 2,000 characters (it has 2,001)"),
        (
            {"body": "tab\there"},
            "body",
            "must not contain control characters (found U+0009 at character 4)",
        ),
        ({"body": "Hi", "colour": "red"}, "colour", "is not a field this resource has"),
        ({"body": "Hi", "parent_id": "first"}, "parent_id", None),
        ([1, 2], "body", "the request body must be a JSON object"),
    ],
)
def test_a_bad_comment_is_refused_naming_the_field(
    client: TestClient,
    svc: Services,
    rita: User,
    body: Any,
    field: str,
    message: str | None,
) -> None:
    problem = assert_problem(client.post(COMMENTS, json=body, headers=token_of(svc, rita)), 422)
    assert problem["field"] == field
    if message is not None:
        assert problem["errors"][0]["message"] == message
    assert client.get(COMMENTS).json()["total"] == 0
    assert discussion.discussion_page(svc, "summit", viewer=rita).threads == []


def test_a_reply_to_a_reply_and_a_closed_discussion_are_refused(
    client: TestClient, svc: Services, editor: User, rita: User, token: str
) -> None:
    parent = shown(svc, rita, "Q", editor)
    reply = shown(svc, editor, "A", editor, parent_id=parent.id)
    auth = token_of(svc, rita)
    refused = assert_problem(
        client.post(COMMENTS, json={"body": "B", "parent_id": reply.id}, headers=auth),
        422,
        "parent_id",
    )
    assert "not to a reply" in refused["detail"]
    client.patch("/api/v1/feeds/summit", json={"discussion": "closed"}, headers=bearer(token))
    closed = assert_problem(client.post(COMMENTS, json={"body": "B"}, headers=auth), 403)
    assert closed["detail"] == "the discussion of this feed is closed"
    assert_problem(client.post(COMMENTS, json={"body": "B"}), 401)


def test_commenting_too_fast_is_a_429_with_retry_after(
    client: TestClient, svc: Services, rita: User
) -> None:
    auth = token_of(svc, rita)
    for number in range(5):
        body = {"body": f"C{number}", "accept_standards": True}
        assert client.post(COMMENTS, json=body, headers=auth).status_code == 201
    response = client.post(COMMENTS, json={"body": "More"}, headers=auth)
    refused = assert_problem(response, 429)
    assert refused["detail"].startswith("you are commenting too fast: try again in ")
    assert 0 < int(response.headers["retry-after"]) <= 60


@pytest.mark.parametrize("payload", XSS)
def test_what_readers_type_comes_back_as_text_and_escaped_html(
    client: TestClient, svc: Services, editor: User, rita: User, payload: str
) -> None:
    writer = make_user(svc, "x@readers.test", name=payload[:60])
    made = shown(svc, writer, payload, editor)
    [listed] = client.get(COMMENTS).json()["comments"]
    assert listed["id"] == made.id
    assert listed["body"] == payload
    assert listed["author"]["name"] == payload[:60]
    assert "<" not in listed["body_html"].replace("<br>", "")


# Reports ---------------------------------------------------------------------------------------


def test_reporting(client: TestClient, svc: Services, editor: User, rita: User) -> None:
    target = shown(svc, editor, "Questionable", editor)
    url = f"/api/v1/comments/{target.id}/report"
    auth = token_of(svc, rita)
    assert_problem(client.post(url, json={"reason": "rude"}, headers=auth), 422, "reason")
    assert_problem(client.post(url, json={"reason": "spam", "x": 1}, headers=auth), 422, "x")
    assert client.post(url, json={"reason": "spam", "note": "ads"}, headers=auth).status_code == 204
    again = assert_problem(client.post(url, json={"reason": "spam"}, headers=auth), 409)
    assert again["detail"] == "you have already reported this comment"
    own = assert_problem(
        client.post(url, json={"reason": "spam"}, headers=token_of(svc, editor)), 403
    )
    assert own["detail"] == "you cannot report your own comment"
    assert_problem(
        client.post("/api/v1/comments/999/report", json={"reason": "spam"}, headers=auth), 404
    )
    assert_problem(
        client.post("/api/v1/comments/x/report", json={"reason": "spam"}, headers=auth), 404
    )
    assert_problem(client.post(url, json={"reason": "spam"}), 401)


# Moderators' decisions -------------------------------------------------------------------------


def test_a_moderator_decides_and_a_second_decision_is_a_409_naming_the_first(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    pending = say(svc, rita, "Please")
    mo = make_moderator(svc, "summit")
    approved = client.post(f"/api/v1/comments/{pending.id}/approve", headers=token_of(svc, mo))
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert approved.json()["decided_by"] == "Mo Moderator"
    document = spec("http://livefeed.test")
    schema = response_schema(document, "/api/v1/comments/{comment_id}/approve", "post", "200")
    assert problems(document, approved.json(), schema) == []
    second = assert_problem(
        client.post(
            f"/api/v1/comments/{pending.id}/reject",
            json={"reason": "spam"},
            headers=token_of(svc, editor),
        ),
        409,
    )
    assert second["detail"] == "this comment was already approved by Mo Moderator"


def test_reject_needs_a_reason_from_the_list_then_hide_and_restore(
    client: TestClient, svc: Services, editor: User, rita: User, token: str
) -> None:
    post_moderated(svc, editor)
    shown_now = say(svc, rita, "Shown")
    base = f"/api/v1/comments/{shown_now.id}"
    auth = bearer(token)
    assert_problem(client.post(f"{base}/reject", json={}, headers=auth), 422, "reason")
    assert_problem(
        client.post(f"{base}/reject", json={"reason": "rude"}, headers=auth), 422, "reason"
    )
    hidden = client.post(f"{base}/hide", headers=auth)
    assert hidden.json()["state"] == "hidden"
    restored = client.post(f"{base}/restore", json={}, headers=auth)
    assert restored.json()["state"] == "approved"
    # Restoring was a decision: rejecting now would overrule it, so it is refused ...
    assert_problem(client.post(f"{base}/reject", json={"reason": "spam"}, headers=auth), 409)
    # ... until the comment is hidden again, and so open to a decision.
    client.post(f"{base}/hide", headers=auth)
    rejected = client.post(f"{base}/reject", json={"reason": "off-topic"}, headers=auth)
    assert (rejected.json()["state"], rejected.json()["decision_reason"]) == (
        "rejected",
        "off-topic",
    )
    assert client.get(COMMENTS).json()["comments"] == []


def test_readers_and_moderators_of_other_feeds_cannot_decide(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    pending = say(svc, rita, "Waiting")
    make_feed(svc, editor, slug="storm", title="Storm")
    elsewhere = make_user(svc, "max@newsroom.test", name="Max")
    join(svc, elsewhere, "storm", FeedRole.MODERATOR)
    for who in (rita, elsewhere):
        for action in ("approve", "hide", "restore"):
            refused = assert_problem(
                client.post(f"/api/v1/comments/{pending.id}/{action}", headers=token_of(svc, who)),
                403,
            )
            assert (
                refused["detail"]
                == "only the feed’s moderators and editors can moderate its discussion"
            )
    assert discussion.find_comment(svc, pending.id)[0].state.value == "pending"


def test_an_author_deletes_their_comment(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    mine = shown(svc, rita, "Oops", editor)
    assert_problem(client.delete(f"/api/v1/comments/{mine.id}", headers=token_of(svc, editor)), 403)
    assert (
        client.delete(f"/api/v1/comments/{mine.id}", headers=token_of(svc, rita)).status_code == 204
    )
    assert client.get(COMMENTS).json()["comments"] == []
    assert_problem(client.delete(f"/api/v1/comments/{mine.id}", headers=token_of(svc, rita)), 404)
