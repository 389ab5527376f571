"""Two editors on one post: the second save is refused with both versions side by side, and
each sees that the other has the post open ("Anna is editing"); readers never do."""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from livefeed.domain.presence import STALE_AFTER
from livefeed.domain.users import User
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import join, make_contributor, make_feed, make_post, make_user
from tests.web.conftest import XSS, Page, csrf, csrf_of, log_in, script_tag, squeeze, submit
from tests.web.reader.test_pages import assert_inert


@pytest.fixture
def ben(svc: Services, editor: User) -> User:
    make_feed(svc, editor)
    ben = make_user(svc, "ben@newsroom.test", name="Ben Desk")
    join(svc, ben, "summit", FeedRole.EDITOR)
    return ben


def another_browser(app: Starlette) -> TestClient:
    """A second browser on the same app; the first (``client``) runs the app's lifespan."""
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def bens_desk(app: Starlette, desk: TestClient, ben: User) -> TestClient:
    other = another_browser(app)
    log_in(other, ben.email)
    return other


def form_of(html: str) -> dict[str, str]:
    return {k: v for k, v in Page(html).values.items() if k != "csrf_token"}


def save(desk: TestClient, post_id: int, form: dict[str, str]) -> httpx.Response:
    return submit(desk, f"/feeds/summit/posts/{post_id}/edit", form | {"intent": "save"})


# Conflicts


def test_the_second_save_shows_theirs_beside_mine_and_writes_nothing(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    post = make_post(svc, editor, headline="Talks resume", body="Delegates are back.")
    annas = form_of(desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    bens = form_of(bens_desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    clock.advance(120)
    assert save(bens_desk, post.id, bens | {"headline": "Talks resume at noon"}).is_redirect

    refused = save(desk, post.id, annas | {"body": "Delegates are back, tired."})

    assert refused.status_code == 409
    current = reading.get_post(svc, "summit", post.id)[1]
    assert (current.version, current.headline, current.body) == (
        2,
        "Talks resume at noon",
        "Delegates are back.",
    )
    html = squeeze(refused.text)
    clash = re.search(r'<section class="clash".*?</section>', html, re.S)
    assert clash
    assert "Ben Desk saved this post while you were editing" in clash.group(0)
    assert "18:02 GMT" in clash.group(0)
    blocks = clash.group(0).split('<div class="clash-field">')[1:]
    shown = {
        re.search(r"<h3>([^<]*)</h3>", block)[1]: re.findall(  # type: ignore[index]
            r'<div class="clash-text">(.*?)</div>', block
        )
        for block in blocks
    }
    # Theirs as saved, then mine as typed; only where they differ.
    assert shown == {
        "Headline": ["Talks resume at noon", "Talks resume"],
        "Text": ["Delegates are back.", "Delegates are back, tired."],
    }
    assert 'data-use-theirs="headline" data-value="Talks resume at noon"' in html
    # What Anna typed is still in the form, now based on Ben's version.
    form = Page(refused.text).values
    assert (form["headline"], form["body"], form["version"]) == (
        "Talks resume",
        "Delegates are back, tired.",
        "2",
    )


def test_after_looking_the_editor_saves_against_the_new_version(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User
) -> None:
    post = make_post(svc, editor, headline="Talks resume", body="Delegates are back.")
    annas = form_of(desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    bens = form_of(bens_desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    save(bens_desk, post.id, bens | {"headline": "Talks resume at noon"})
    refused = save(desk, post.id, annas | {"body": "Delegates are back, tired."})

    # Anna takes Ben's headline (as "Use theirs" would) and saves again.
    again = save(desk, post.id, form_of(refused.text) | {"headline": "Talks resume at noon"})

    assert again.status_code == 303
    current = reading.get_post(svc, "summit", post.id)[1]
    assert (current.version, current.headline, current.body) == (
        3,
        "Talks resume at noon",
        "Delegates are back, tired.",
    )


def test_the_same_change_twice_is_no_difference_to_show(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User
) -> None:
    post = make_post(svc, editor, headline="Talks resume")
    annas = form_of(desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    bens = form_of(bens_desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    save(bens_desk, post.id, bens | {"headline": "Talks go on"})

    refused = save(desk, post.id, annas | {"headline": "Talks go on"})

    assert refused.status_code == 409
    assert "Their version and what you typed are the same" in refused.text
    assert 'class="clash-field"' not in refused.text


@pytest.mark.parametrize("payload", XSS)
def test_the_side_by_side_shows_both_versions_as_text(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User, payload: str
) -> None:
    post = make_post(svc, editor, headline="Talks resume")
    annas = form_of(desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    bens = form_of(bens_desk.get(f"/feeds/summit/posts/{post.id}/edit").text)
    save(bens_desk, post.id, bens | {"headline": payload, "quote.text": payload})

    refused = save(desk, post.id, annas | {"body": payload, "quote.text": "Mine"})

    assert refused.status_code == 409
    assert_inert(refused.text, payload)


# Who is editing


def test_each_editor_sees_who_else_has_the_post_open(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User
) -> None:
    post = make_post(svc, editor)
    other = make_post(svc, editor, headline="Other")

    first = desk.get(f"/feeds/summit/posts/{post.id}/edit").text
    second = bens_desk.get(f"/feeds/summit/posts/{post.id}/edit").text

    assert re.search(r"data-editing-notice[^>]*hidden", first), "no one else had it open"
    assert re.search(r"data-editing-notice[^>]*>Anna Editor is editing this post<", second)
    assert script_tag("editing.js") in second
    tools = squeeze(desk.get("/feeds/summit").text)
    assert re.search(
        rf'id="post-{post.id}".*?<span class="editing-notice">Ben Desk is editing this post</span>',
        tools,
        re.S,
    )
    assert "is editing" not in re.search(rf'id="post-{other.id}".*?</article>', tools, re.S)[0]
    assert "Ben Desk is editing" in desk.get(f"/feeds/summit/posts/{post.id}").text


def test_the_heartbeat_keeps_an_editor_counted_and_leaving_ends_it(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    post = make_post(svc, editor)
    url = f"/feeds/summit/posts/{post.id}/editing"
    desk.get(f"/feeds/summit/posts/{post.id}/edit")

    clock.advance(STALE_AFTER.total_seconds() - 5)
    beat = desk.post(url, data={"csrf_token": csrf(desk)})
    assert beat.status_code == 200
    assert beat.headers["cache-control"] == "private, no-store"
    assert beat.json() == {"others": [], "line": ""}
    clock.advance(30)
    assert bens_desk.post(url, data={"csrf_token": csrf(bens_desk)}).json() == {
        "others": ["Anna Editor"],
        "line": "Anna Editor is editing this post",
    }

    left = desk.post(url, data={"csrf_token": csrf(desk), "left": "1"})
    assert left.status_code == 204
    assert bens_desk.post(url, data={"csrf_token": csrf(bens_desk)}).json()["others"] == []


def test_an_editor_who_saves_is_no_longer_counted_as_editing(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User
) -> None:
    """Saving leaves the edit page: the others stop seeing "Ben is editing" at once, not when
    his closing page's last word arrives (it may come late, or never)."""
    post = make_post(svc, editor)
    edit = f"/feeds/summit/posts/{post.id}/edit"
    bens = form_of(bens_desk.get(edit).text)
    assert "Ben Desk is editing this post" in desk.get(edit).text

    assert save(bens_desk, post.id, bens | {"headline": "Talks resume at noon"}).is_redirect

    assert "Ben Desk is editing" not in desk.get(edit).text
    assert "Ben Desk is editing" not in desk.get("/feeds/summit").text


def test_an_editor_not_heard_from_drops_off(
    desk: TestClient, bens_desk: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    post = make_post(svc, editor)
    desk.get(f"/feeds/summit/posts/{post.id}/edit")
    clock.advance(STALE_AFTER.total_seconds() + 1)

    html = bens_desk.get(f"/feeds/summit/posts/{post.id}/edit").text

    assert "is editing" not in html
    assert "is editing" not in bens_desk.get("/feeds/summit").text


def test_readers_never_see_who_is_editing(
    client: TestClient, desk: TestClient, ben: User, svc: Services, editor: User, app: Starlette
) -> None:
    post = make_post(svc, editor)
    desk.get(f"/feeds/summit/posts/{post.id}/edit")
    contributor = make_contributor(svc)

    reader = another_browser(app)
    for url in ("/feeds/summit", f"/feeds/summit/posts/{post.id}", "/feeds/summit/feed.atom"):
        response = reader.get(url)
        assert "Anna Editor is editing" not in response.text
        assert "editing-notice" not in response.text
    update = reader.get("/feeds/summit/updates?since=0").text
    assert "is editing" not in update
    log_in(reader, contributor.email)
    assert "is editing" not in reader.get("/feeds/summit").text
    refused = reader.post(
        f"/feeds/summit/posts/{post.id}/editing", data={"csrf_token": csrf(reader)}
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_heartbeat_needs_a_session_and_its_form_token(
    client: TestClient, desk: TestClient, svc: Services, editor: User, app: Starlette
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    url = f"/feeds/summit/posts/{post.id}/editing"

    stranger = another_browser(app)
    signed_out = stranger.post(url, data={"csrf_token": csrf_of(stranger.get("/login").text)})
    forged = desk.post(url, data={"csrf_token": "forged"})
    missing = desk.post("/feeds/summit/posts/999/editing", data={"csrf_token": csrf(desk)})

    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/login?next=/feeds/summit/posts/{post.id}/edit"
    assert forged.status_code == 403
    assert missing.status_code == 404
