"""Keeping readers and words out of the discussion, in process: banning a comment's author from
the moderation queue and lifting the ban, bans and the queue for scripts through the API, and
the admins' blocked word list."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.discussion import bans
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import CommentState
from livefeed.domain.errors import Forbidden
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests.conftest import Clock
from tests.factories import join, make_admin, make_user
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import Page, bearer, csrf_of
from tests.web.discussion.moderation_pages import as_user, say


def documented(response: httpx.Response, path: str, method: str) -> list[str]:
    """Where the answer differs from what the OpenAPI document says of it."""
    document = spec("http://livefeed.test")
    schema = response_schema(document, path, method, str(response.status_code))
    return problems(document, response.json(), schema)


# Bans --------------------------------------------------------------------------------------------


def test_banning_from_the_queue_and_lifting(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Spam spam")
    form = as_user(client, mo).get(f"/moderation/comments/{comment.id}/ban")
    assert form.status_code == 200
    page = Page(form.text)
    assert {i["value"] for i in page.tags("input") if i.get("name") == "length"} == {
        "1d", "7d", "30d", "forever",
    }  # fmt: skip
    assert not [i for i in page.tags("input") if i.get("value") == "site"]
    token = csrf_of(form.text)
    refused = client.post(
        f"/moderation/comments/{comment.id}/ban",
        data={"csrf_token": token, "length": "7d", "reason": ""},
    )
    assert refused.status_code == 422
    assert "say why" in refused.text
    kept = [i["value"] for i in Page(refused.text).tags("input") if "checked" in i]
    assert kept == ["7d"]
    response = client.post(
        f"/moderation/comments/{comment.id}/ban",
        data={"csrf_token": token, "length": "7d", "scope": "feed", "reason": "Spam <again>"},
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/moderation/bans?feed=summit&banned=")
    listing = client.get(response.headers["location"]).text
    assert "Rita Reader is banned until 2 December 2026" in listing
    assert "Spam &lt;again&gt;" in listing
    with pytest.raises(Forbidden, match="banned from this feed’s discussion until"):
        say(svc, clock, rita, "Let me in")
    [ban] = bans.bans_in_force(svc, mo)
    lifted = client.post(f"/moderation/bans/{ban.id}/lift", data={"csrf_token": token, "feed": ""})
    assert lifted.headers["location"] == "/moderation/bans?lifted=1"
    assert "No one is banned" in client.get(lifted.headers["location"]).text
    assert say(svc, clock, rita, "Thanks").state is CommentState.PENDING


def test_a_banned_reader_is_signed_out(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Spam spam")
    session = accounts.open_session(svc, rita)
    token = csrf_of(as_user(client, mo).get(f"/moderation/comments/{comment.id}/ban").text)
    client.post(
        f"/moderation/comments/{comment.id}/ban",
        data={"csrf_token": token, "length": "1d", "reason": "Cool off"},
    )
    assert accounts.session_user(svc, session.token) is None


def test_only_the_feeds_moderators_see_the_ban_form(
    svc: Services, clock: Clock, client: TestClient, feeds: None, rita: User
) -> None:
    comment = say(svc, clock, rita, "Spam spam")
    mia = make_user(svc, "mia@newsroom.test", name="Mia Moderator")
    join(svc, mia, "storm", FeedRole.MODERATOR)
    assert as_user(client, mia).get(f"/moderation/comments/{comment.id}/ban").status_code == 403
    assert as_user(client, rita).get("/moderation/bans").status_code == 403


# The blocked word list ---------------------------------------------------------------------------


def test_admins_keep_the_blocked_word_list(
    svc: Services, client: TestClient, desk: TestClient
) -> None:
    assert desk.get("/desk/blocked-words").status_code == 403
    as_user(client, make_admin(svc))
    page = client.get("/desk/blocked-words")
    token = csrf_of(page.text)
    saved = client.post("/desk/blocked-words", data={"csrf_token": token, "words": "Idiot\nFOOL"})
    assert saved.headers["location"] == "/desk/blocked-words?saved"
    assert Page(client.get("/desk/blocked-words?saved").text).values["words"] == "fool\nidiot"
    refused = client.post(
        "/desk/blocked-words", data={"csrf_token": token, "words": "ok\n" + "x" * 101}
    )
    assert refused.status_code == 422
    assert Page(refused.text).values["words"] == "ok\n" + "x" * 101
    assert "line 2 is longer than 100 characters" in refused.text


# The API -----------------------------------------------------------------------------------------


def test_the_queue_and_bans_for_scripts(
    svc: Services, clock: Clock, client: TestClient, editor: User, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "From a script's view")
    mine = bearer(accounts.create_token(svc, mo.email, "queue"))
    answer = client.get("/api/v1/moderation/queue?tab=pending", headers=mine)
    assert answer.status_code == 200
    assert documented(answer, "/api/v1/moderation/queue", "get") == []
    [item] = answer.json()["items"]
    assert item["id"] == comment.id
    assert item["author"] == {"name": "Rita Reader", "guest": False}
    assert item["actions"] == ["approve", "reject"]
    assert (
        client.get(
            "/api/v1/moderation/queue", headers=mine | {"If-None-Match": answer.headers["etag"]}
        ).status_code
        == 304
    )
    readers = bearer(accounts.create_token(svc, rita.email, "mine"))
    assert client.get("/api/v1/moderation/queue", headers=readers).status_code == 403
    bad = client.post("/api/v1/feeds/summit/bans", headers=mine, json={"comment_id": comment.id})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"length", "reason"}
    made = client.post(
        "/api/v1/feeds/summit/bans",
        headers=mine,
        json={"comment_id": comment.id, "length": "forever", "reason": "Bot"},
    )
    assert made.status_code == 201
    assert documented(made, "/api/v1/feeds/{slug}/bans", "post") == []
    assert documented(bad, "/api/v1/feeds/{slug}/bans", "post") == []
    assert made.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "reader": "Rita Reader", "feed": "summit", "scope": "feed", "reason": "Bot",
        "banned_by": "Mo Moderator", "created_at": "", "expires_at": None,
    }  # fmt: skip
    elsewhere = client.post(
        "/api/v1/feeds/storm/bans",
        headers=bearer(accounts.create_token(svc, editor.email, "anna")),
        json={"comment_id": comment.id, "length": "1d", "reason": "x"},
    )
    assert elsewhere.status_code == 404
