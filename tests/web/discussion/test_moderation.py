"""The moderation desk's pages and API, in process: the queue for each persona, its forms
without JavaScript (with their CSRF token), its JSON for the page's script, bans, the blocked
word list and featuring, and hostile text shown as text."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.discussion import bans, moderation
from livefeed.discussion import comments as discussion
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.errors import Forbidden
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import comments as comment_store
from livefeed.web.api.openapi.document import spec
from tests.conftest import Clock
from tests.factories import join, make_admin, make_feed, make_moderator, make_user
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import XSS, Page, bearer, csrf_of, log_in

ADDRESS = "198.51.100.7"


@pytest.fixture
def feeds(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm over the coast")


@pytest.fixture
def mo(svc: Services, feeds: None) -> User:
    return make_moderator(svc, "summit")


@pytest.fixture
def rita(svc: Services) -> User:
    return make_user(svc, "rita@readers.test", name="Rita Reader")


def say(svc: Services, clock: Clock, who: User | None, body: str, slug: str = "summit") -> Comment:
    clock.advance(180)
    fields: dict[str, Any] = {"body": body, "accept_standards": "on"}
    return discussion.post_comment(svc, who, slug, fields, address=ADDRESS)


def documented(response: httpx.Response, path: str, method: str) -> list[str]:
    """Where the answer differs from what the OpenAPI document says of it."""
    document = spec("http://livefeed.test")
    schema = response_schema(document, path, method, str(response.status_code))
    return problems(document, response.json(), schema)


def as_user(client: TestClient, user: User) -> TestClient:
    client.cookies.clear()
    response = log_in(client, user.email)
    assert response.status_code == 303, response.text
    return client


def state_of(svc: Services, comment_id: int) -> CommentState:
    with svc.db.read() as conn:
        found = comment_store.get_comment(conn, comment_id)
    assert found is not None
    return found.state


def queue_ids(html: str) -> list[int]:
    return [
        int(found)
        for found in re.findall(r'<li class="moderation-item[^"]*" data-comment-id="(\d+)"', html)
    ]


# Who sees the queue ------------------------------------------------------------------------------


def test_the_queue_asks_strangers_to_log_in(client: TestClient) -> None:
    response = client.get("/moderation")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/moderation"


def test_readers_and_contributors_are_refused(
    svc: Services, client: TestClient, feeds: None, rita: User
) -> None:
    carl = make_user(svc, "carl@newsroom.test", name="Carl Contributor")
    join(svc, carl, "summit", FeedRole.CONTRIBUTOR)
    for who in (rita, carl):
        response = as_user(client, who).get("/moderation")
        assert response.status_code == 403
        assert "Only the moderators and editors of a feed can see" in response.text


def test_a_moderator_sees_their_feeds_pending_comments_oldest_first(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    first = say(svc, clock, rita, "First on the summit")
    say(svc, clock, rita, "On the storm", slug="storm")
    second = say(svc, clock, rita, "Second on the summit")
    response = as_user(client, mo).get("/moderation")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert queue_ids(response.text) == [first.id, second.id]
    assert "On the storm" not in response.text
    assert "rita@readers.test" not in response.text
    assert "Rita Reader" in response.text
    page = Page(response.text)
    assert [a["href"] for a in page.tags("a") if a.get("aria-current") == "page"] == ["/moderation"]
    # The feed's own address leads to the same queue, for that feed.
    assert client.get("/feeds/summit/moderation").headers["location"] == "/moderation?feed=summit"
    assert as_user(client, mo).get("/moderation?feed=storm").status_code == 403


def test_an_admin_sees_every_feed_and_the_readers_addresses(
    svc: Services, clock: Clock, client: TestClient, feeds: None, rita: User
) -> None:
    say(svc, clock, rita, "On the storm", slug="storm")
    response = as_user(client, make_admin(svc)).get("/moderation")
    assert "On the storm" in response.text
    assert "&lt;rita@readers.test&gt;" in response.text
    assert 'href="/desk/blocked-words"' in response.text


def test_the_editor_sees_both_feeds_and_may_choose_one(
    svc: Services, clock: Clock, desk: TestClient, feeds: None, rita: User
) -> None:
    say(svc, clock, rita, "Summit words")
    storm = say(svc, clock, rita, "Storm words", slug="storm")
    assert len(queue_ids(desk.get("/moderation").text)) == 2
    assert queue_ids(desk.get("/moderation?feed=storm").text) == [storm.id]
    assert desk.get("/moderation?tab=nonsense").status_code == 422


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


# The poll ----------------------------------------------------------------------------------------


def test_the_poll_answers_304_until_the_queue_changes(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    first = say(svc, clock, rita, "One")
    as_user(client, mo)
    answer = client.get("/moderation/queue.json?feed=&tab=pending")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "private, no-cache"
    etag = answer.headers["etag"]
    body = answer.json()
    assert body["ids"] == [first.id]
    assert body["counts"] == {"pending": 1, "reported": 0, "decided": 0}
    assert f'data-comment-id="{first.id}"' in body["html"]
    assert csrf_of(body["html"])
    again = client.get("/moderation/queue.json?feed=&tab=pending", headers={"If-None-Match": etag})
    assert again.status_code == 304
    second = say(svc, clock, rita, "Two")
    changed = client.get("/moderation/queue.json?tab=pending", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["ids"] == [first.id, second.id]
    moderation.approve(svc, mo, first.id)
    decided = client.get(
        "/moderation/queue.json?tab=pending", headers={"If-None-Match": changed.headers["etag"]}
    )
    assert decided.json()["ids"] == [second.id]


def test_the_poll_is_for_moderators_only(
    svc: Services, clock: Clock, client: TestClient, feeds: None, rita: User
) -> None:
    assert client.get("/moderation/queue.json").status_code == 303
    assert as_user(client, rita).get("/moderation/queue.json").status_code == 403


# Hostile text ------------------------------------------------------------------------------------


def assert_only_text(html: str, payload: str) -> None:
    """The payload is on the page as text, and added no element, attribute or script."""
    if any(ch in payload for ch in "<>\"'&"):
        assert payload not in html
    assert payload in unescape(html)
    page = Page(html)
    assert not {"img", "svg", "iframe"} & page.names()
    scripts = re.findall(r"<script[^>]*>", html, re.I)
    # Ours only: deferred, but theme.js, which must run before the page is drawn.
    assert all(
        re.fullmatch(r'<script src="/static/[a-z-]+\.[0-9a-f]{10}\.js" defer>', s)
        or re.fullmatch(r'<script src="/static/theme\.[0-9a-f]{10}\.js">', s)
        for s in scripts
    )
    for _, attrs in page.elements:
        assert not any(name.startswith("on") for name in attrs)
        assert not attrs.get("href", "").lower().startswith("javascript:")


@pytest.mark.parametrize("payload", XSS)
def test_hostile_comments_names_and_notes_are_text_on_the_queue(
    svc: Services, clock: Clock, client: TestClient, editor: User, mo: User, payload: str
) -> None:
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"moderation": "post"})
    author = make_user(svc, "x@readers.test", name=payload[:50])
    shown = say(svc, clock, author, f"Look: {payload}")
    reporter = make_user(svc, "r@readers.test", name="Reporter")
    discussion.report_comment(
        svc, reporter, shown.id, {"reason": "abuse", "note": payload}, address=ADDRESS
    )
    as_user(client, mo)
    reported = client.get("/moderation?tab=reported").text
    assert queue_ids(reported) == [shown.id]
    for text in (payload[:50], f"Look: {payload}", payload):
        assert_only_text(reported, text)
    moderation.approve(svc, mo, shown.id)
    decided = client.get("/moderation?tab=decided").text
    assert_only_text(decided, f"Look: {payload}")
    assert_only_text(client.get("/moderation/queue.json?tab=decided").json()["html"], payload[:50])


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


def test_the_desk_leads_to_the_queue_those_who_moderate(
    svc: Services, client: TestClient, mo: User
) -> None:
    assert 'href="/moderation"' in as_user(client, mo).get("/desk").text
    carl = make_user(svc, "carl@newsroom.test", name="Carl Contributor")
    join(svc, carl, "summit", FeedRole.CONTRIBUTOR)
    assert 'href="/moderation"' not in as_user(client, carl).get("/desk").text
    admin_desk = as_user(client, make_admin(svc)).get("/desk").text
    assert 'href="/desk/blocked-words"' in admin_desk


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
