"""Verification on the pages and in the API: the label readers see, the "Confirmed only" view
without JavaScript, the editors' one-step form and the compose form, PUT …/verification, and a
contributor's attempt to confirm refused on every face."""

from __future__ import annotations

import re
from html import unescape

from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.users import User
from livefeed.domain.verification import Verification
from livefeed.newsroom import workflow
from livefeed.services import Services
from tests.factories import PASSWORD, make_contributor, make_feed, make_post
from tests.web.conftest import Page, bearer, field_errors, log_in, post_ids, submit
from tests.web.reader.test_pages import older_link


def labels(html: str) -> dict[int, str]:
    """Each post's verification label as readers see it ("" for none)."""
    found = {}
    for post_id, block in re.findall(
        r'<article class="post[^"]*" id="post-(\d+)".*?<p class="verification"(.*?)</p>', html, re.S
    ):
        label = re.search(r'<span class="verification-label[^"]*">([^<]+)</span>', block)
        found[int(post_id)] = label.group(1) if label else ""
    return found


def test_readers_see_a_label_on_unconfirmed_and_disputed_posts_only(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, default_verification="unverified")
    rumour = make_post(svc, editor, headline="Rumour", source_type="social media")
    disputed = make_post(
        svc, editor, headline="Claim", verification="disputed",
        sourcing="According to the Kremlin spokesman",
    )  # fmt: skip
    fact = make_post(svc, editor, headline="Fact", verification="confirmed")

    html = client.get("/feeds/summit").text

    assert labels(html) == {rumour.id: "Unconfirmed", disputed.id: "Disputed", fact.id: ""}
    assert "Source: social media" in html
    assert "According to the Kremlin spokesman" in html
    assert labels(client.get(f"/feeds/summit/posts/{disputed.id}").text) == {
        disputed.id: "Disputed"
    }
    assert labels(client.get("/feeds/summit/embed").text)[rumour.id] == "Unconfirmed"


def test_confirmed_only_has_its_own_address_and_pages_without_javascript(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, default_verification="unverified")
    confirmed = []
    for number in range(45):
        fields = {"verification": "confirmed"} if number % 2 else {}
        post = make_post(svc, editor, headline=f"Update {number}", **fields)
        if number % 2:
            confirmed.append(post.id)

    page = client.get("/feeds/summit").text
    switch = re.search(r'<a href="([^"]+)">Confirmed only</a>', page)
    assert switch is not None
    seen: list[int] = []
    url: str | None = unescape(switch.group(1))
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        assert "Showing confirmed posts only." in response.text
        seen += post_ids(response.text)
        url = older_link(response.text)
    assert seen == list(reversed(confirmed))
    assert client.get("/feeds/summit?only=disputed").status_code == 422


def test_an_editor_sets_the_state_in_one_step_under_the_post(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, default_verification="unverified")
    post = make_post(svc, editor, headline="Strike reported")
    form = Page(desk.get("/feeds/summit").text)
    assert f"/feeds/summit/posts/{post.id}/verification" in {
        attrs.get("action") for attrs in form.tags("form")
    }

    response = submit(
        desk, f"/feeds/summit/posts/{post.id}/verification",
        {"verification": "disputed", "sourcing": "Both sides disagree", "version": "1"},
    )  # fmt: skip

    assert response.status_code == 303
    assert workflow.visible_post(svc, editor, "summit", post.id)[1].verification is (
        Verification.DISPUTED
    )
    refused = submit(desk, f"/feeds/summit/posts/{post.id}/verification", {"verification": "sure"})
    assert refused.status_code == 422
    assert "must be unverified, confirmed or disputed" in refused.text


def test_the_compose_form_keeps_what_was_typed_when_a_field_is_wrong(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, default_verification="disputed")
    page = desk.get("/feeds/summit").text
    assert re.search(r'<option value="disputed" selected>Disputed</option>', page)

    response = submit(
        desk, "/feeds/summit/posts",
        {"headline": "Blast heard", "verification": "unverified", "source_type": "rumour",
         "sourcing": "Residents", "intent": "publish"},
    )  # fmt: skip

    assert response.status_code == 422
    assert field_errors(response.text)["source_type"].startswith("must be one of")
    assert Page(response.text).values["sourcing"] == "Residents"
    assert '<option value="unverified" selected>' in response.text


def test_the_api_sets_the_state_in_one_step(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    url = f"/api/v1/feeds/summit/posts/{post.id}/verification"

    done = client.put(
        url, json={"verification": "disputed", "source_type": "agency", "version": 1},
        headers=bearer(token),
    )  # fmt: skip
    bad = client.put(url, json={"verification": "retracted"}, headers=bearer(token))
    stale = client.put(url, json={"verification": "confirmed", "version": 1}, headers=bearer(token))

    assert done.status_code == 200
    assert (done.json()["verification"], done.json()["source_type"]) == ("disputed", "agency")
    assert bad.status_code == 422
    assert bad.json()["field"] == "verification"
    assert bad.json()["errors"][0]["message"].startswith("retract the post")
    assert stale.status_code == 409


def test_a_contributors_attempt_to_confirm_is_refused_on_every_face(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, default_verification="unverified")
    post = make_post(svc, editor)
    carl = make_contributor(svc)
    carls = bearer(accounts.create_token(svc, carl.email, "carl"))

    api = client.put(
        f"/api/v1/feeds/summit/posts/{post.id}/verification",
        json={"verification": "confirmed"},
        headers=carls,
    )
    draft = client.post(
        "/api/v1/feeds/summit/posts",
        json={"headline": "Seen it", "verification": "confirmed", "state": "draft"},
        headers=carls,
    )
    log_in(client, carl.email, PASSWORD)
    page = submit(
        client, f"/feeds/summit/posts/{post.id}/verification", {"verification": "confirmed"}
    )

    for response in (api, draft, page):
        assert response.status_code == 403
        assert "only the feed’s editors can mark a post confirmed" in response.text.lower()
    assert workflow.visible_post(svc, editor, "summit", post.id)[1].verification is (
        Verification.UNVERIFIED
    )
    assert workflow.list_in_state(svc, carl, "summit", workflow.PostState.DRAFT, limit=5)[1] == []


def test_a_contributors_compose_form_does_not_offer_to_confirm(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)  # new posts confirmed by default
    carl = make_contributor(svc)
    log_in(client, carl.email, PASSWORD)

    page = client.get("/feeds/summit").text
    select = page.split('name="verification"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([a-z]+)"( selected)?>', select)
    sent = submit(
        client, "/feeds/summit/posts",
        {"headline": "Seen from the hotel", "intent": "submit",
         "verification": next(value for value, chosen in options if chosen)},
    )  # fmt: skip

    assert [value for value, _ in options] == ["unverified", "disputed"]
    assert sent.status_code == 303
    mine = workflow.list_in_state(svc, carl, "summit", workflow.PostState.SUBMITTED, limit=5)[1]
    assert [post.verification for post in mine] == [Verification.UNVERIFIED]
