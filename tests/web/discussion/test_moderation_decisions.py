"""Deciding from the moderation queue, in process: its forms without JavaScript and their CSRF
token, every moderation form refusing a post without it, the JSON for the page's script, a
comment someone decided first, and an editor featuring a comment in the feed."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.discussion import bans, moderation
from livefeed.domain.comments import CommentState
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import comments as comment_store
from tests.conftest import Clock
from tests.factories import make_admin
from tests.web.conftest import csrf_of
from tests.web.discussion.moderation_pages import as_user, queue_ids, say


def state_of(svc: Services, comment_id: int) -> CommentState:
    with svc.db.read() as conn:
        found = comment_store.get_comment(conn, comment_id)
    assert found is not None
    return found.state


# Deciding without JavaScript ---------------------------------------------------------------------


def test_approving_with_the_plain_form(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Approve me")
    html = as_user(client, mo).get("/moderation").text
    token = csrf_of(html)
    sent = {"csrf_token": token, "feed": "", "tab": "pending"}
    response = client.post(f"/moderation/comments/{comment.id}/approve", data=sent)
    assert response.status_code == 303
    assert response.headers["location"] == "/moderation?done=approve"
    assert state_of(svc, comment.id) is CommentState.APPROVED
    after = client.get(response.headers["location"]).text
    assert "Approved." in after
    assert queue_ids(after) == []


def test_a_form_without_its_token_changes_nothing(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Keep me pending")
    as_user(client, mo)
    for token in ("", "forged"):
        response = client.post(
            f"/moderation/comments/{comment.id}/reject",
            data={"csrf_token": token, "reason": "spam"},
        )
        assert response.status_code == 403
    assert state_of(svc, comment.id) is CommentState.PENDING


def test_rejecting_with_a_reason_and_going_back_to_the_same_tab(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Reject me")
    token = csrf_of(as_user(client, mo).get("/moderation?feed=summit").text)
    sent = {"csrf_token": token, "feed": "summit", "tab": "pending", "reason": "off-topic"}
    response = client.post(f"/moderation/comments/{comment.id}/reject", data=sent)
    assert response.headers["location"] == "/moderation?feed=summit&done=reject"
    decided = client.get("/moderation?feed=summit&tab=decided").text
    assert queue_ids(decided) == [comment.id]
    assert "Rejected (Off topic) by Mo Moderator" in decided
    assert f'action="/moderation/comments/{comment.id}/restore"' in decided


def test_a_reason_not_on_the_list_is_refused(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Reject me")
    token = csrf_of(as_user(client, mo).get("/moderation").text)
    sent = {"csrf_token": token, "reason": "because"}
    response = client.post(f"/moderation/comments/{comment.id}/reject", data=sent)
    assert response.status_code == 422
    assert "must be one of spam, abuse" in response.text
    assert state_of(svc, comment.id) is CommentState.PENDING


def test_a_stale_item_says_who_decided_it_first(
    svc: Services, clock: Clock, client: TestClient, editor: User, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Two moderators")
    token = csrf_of(as_user(client, editor).get("/moderation").text)
    moderation.approve(svc, mo, comment.id)
    response = client.post(
        f"/moderation/comments/{comment.id}/reject",
        data={"csrf_token": token, "reason": "spam", "tab": "pending"},
    )
    assert response.status_code == 409
    refusal = "This comment was already approved by Mo Moderator"
    assert f'<p class="form-error" role="alert">{refusal}' in response.text
    assert state_of(svc, comment.id) is CommentState.APPROVED
    # The page's script gets the same refusal as JSON.
    answer = client.post(
        f"/moderation/comments/{comment.id}/approve",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 409
    assert answer.json()["detail"] == "This comment was already approved by Mo Moderator"


def test_the_script_gets_json_for_a_decision(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    comment = say(svc, clock, rita, "Hide me later")
    token = csrf_of(as_user(client, mo).get("/moderation").text)
    answer = client.post(
        f"/moderation/comments/{comment.id}/approve",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert answer.json() == {"id": comment.id, "state": "approved", "message": "Approved."}
    hidden = client.post(
        f"/moderation/comments/{comment.id}/hide",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert hidden.json()["state"] == "hidden"


@pytest.mark.parametrize("token", ["", "forged"])
def test_every_moderation_form_refuses_a_post_without_its_token(
    svc: Services, clock: Clock, client: TestClient, editor: User, mo: User, rita: User, token: str
) -> None:
    comment = say(svc, clock, rita, "Leave me be")
    ban = bans.ban_author(svc, mo, comment.id, {"length": "1d", "reason": "Test"})
    as_user(client, make_admin(svc))
    paths = [
        f"/moderation/comments/{comment.id}/{action}"
        for action in ("approve", "reject", "hide", "restore", "ban", "feature")
    ] + [f"/moderation/bans/{ban.id}/lift", "/desk/blocked-words"]
    for path in paths:
        sent = {"csrf_token": token, "reason": "spam", "length": "1d", "words": "x"}
        response = client.post(path, data=sent)
        assert response.status_code == 403, path
        assert "did not come from this site" in response.text, path
    assert state_of(svc, comment.id) is CommentState.PENDING
    assert [b.id for b in bans.bans_in_force(svc, mo)] == [ban.id]


# Featuring ---------------------------------------------------------------------------------------


def test_an_editor_features_a_comment_from_the_queue(
    svc: Services, clock: Clock, client: TestClient, editor: User, mo: User, rita: User
) -> None:
    comment = moderation.approve(svc, mo, say(svc, clock, rita, "The room went quiet.").id)
    decided = as_user(client, mo).get("/moderation?tab=decided").text
    assert f"/moderation/comments/{comment.id}/feature" not in decided
    assert client.get(f"/moderation/comments/{comment.id}/feature").status_code == 403
    decided = as_user(client, editor).get("/moderation?tab=decided").text
    assert f'href="/moderation/comments/{comment.id}/feature"' in decided
    form = client.get(f"/moderation/comments/{comment.id}/feature")
    assert "Rita Reader, in the discussion" in form.text
    response = client.post(
        f"/moderation/comments/{comment.id}/feature",
        data={"csrf_token": csrf_of(form.text), "headline": "A reader in the room", "body": ""},
    )
    assert response.status_code == 303
    post_page = client.get(response.headers["location"]).text
    assert "<p>The room went quiet.</p>" in post_page
    assert "<figcaption>Rita Reader, in the discussion</figcaption>" in post_page
    again = client.get("/moderation?tab=decided").text
    assert "Featured in the feed" in again
    assert f'href="/moderation/comments/{comment.id}/feature"' not in again
