"""Composing on the desk: a form with mistakes keeps what was typed and names each field, a
preview, publishing, editing (a stale version refused) and deleting a post; a contributor
may not publish."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.factories import make_contributor, make_feed, make_post
from tests.web.conftest import (
    XSS,
    Page,
    field_errors,
    log_in,
    post_ids,
    submit,
    without_our_script,
)
from tests.web.desk.desk_answers import location, posts_of

COMPOSE_FIELDS = {
    "headline": "Leaders agree a text",
    "body": "The draft runs to *twelve* pages.",
    "quote.text": "We have a deal.",
    "quote.attribution": "The chair",
    "image.url": "https://images.example.org/hall.jpg",
    "image.alt": "Delegates applauding",
    "image.caption": "The plenary hall",
    "image.credit": "Agency",
    "read_more.url": "https://news.example.org/deal",
    "read_more.title": "What is in the deal",
    "read_more.summary": "Six points explained.",
    "read_more.image_url": "https://images.example.org/deal.jpg",
    "tags": "geneva, deal",
    "key_event": "on",
    "pinned": "on",
}


def assert_kept(html: str, typed: dict[str, str]) -> None:
    """Every value typed is back in its field, ticked boxes still ticked."""
    page = Page(html)
    for name, value in typed.items():
        if name in ("key_event", "pinned"):
            assert name in page.checked, name
        elif name not in ("intent", "version"):
            assert page.values[name] == value, name


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"headline": "Price \u202e$5"}, "headline", "direction controls"),
        ({"headline": "H" * 300}, "headline", "at most 200 characters"),
        ({"body": "b" * 2 * 1024 * 1024}, "body", "at most 20,000 characters"),
        ({"body": "See [this](javascript:alert(1))"}, "body", "links must be http"),
        ({"read_more.url": "javascript:alert(1)"}, "read_more.url", "http:// or https://"),
        ({"image.alt": ""}, "image.alt", "describe the image"),
    ],
)
@pytest.mark.parametrize("intent", ["publish", "preview"])
def test_a_post_with_a_mistake_keeps_everything_typed_and_names_the_field(
    desk: TestClient,
    svc: Services,
    editor: User,
    change: dict[str, str],
    field: str,
    message: str,
    intent: str,
) -> None:
    feed = make_feed(svc, editor)
    typed = COMPOSE_FIELDS | change | {"intent": intent}

    response = submit(desk, "/feeds/summit/posts", typed)

    assert response.status_code == 422
    errors = field_errors(response.text)
    assert list(errors) == [field]
    assert message in errors[field]
    assert_kept(response.text, typed)
    assert posts_of(svc) == []
    assert reading.get_feed(svc, "summit").last_seq == feed.last_seq


def test_each_mistake_is_shown_next_to_its_own_field(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    typed = COMPOSE_FIELDS | {
        "headline": "Price \u202e$5",
        "body": "[x](javascript:alert(1))",
        "read_more.url": "javascript:alert(1)",
    }

    response = submit(desk, "/feeds/summit/posts", typed | {"intent": "publish"})

    assert response.status_code == 422
    assert set(field_errors(response.text)) == {"headline", "body", "read_more.url"}
    assert "Please correct the 3 fields marked below." in response.text
    assert 'id="f-read_more-url" name="read_more.url"' in response.text
    assert re.search(r'id="f-headline"[^>]*aria-invalid="true"', response.text)
    assert posts_of(svc) == []


@pytest.mark.parametrize("payload", XSS)
def test_a_form_sent_back_shows_what_was_typed_as_text(
    desk: TestClient, svc: Services, editor: User, payload: str
) -> None:
    make_feed(svc, editor)
    typed = {"headline": payload, "body": payload, "quote.text": payload, "tags": "not a tag!"}

    response = submit(desk, "/feeds/summit/posts", typed | {"intent": "publish"})

    assert response.status_code == 422
    assert "<script" not in without_our_script(response.text).lower()
    if "<" in payload:
        assert payload not in response.text, "the text was written into the page unescaped"
    values = Page(response.text).values
    assert (values["headline"], values["body"], values["quote.text"]) == (payload,) * 3


def test_a_preview_shows_the_post_rendered_and_saves_nothing(
    desk: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)

    response = submit(desk, "/feeds/summit/posts", COMPOSE_FIELDS | {"intent": "preview"})

    assert response.status_code == 200
    assert '<section class="preview"' in response.text
    assert "<p>The draft runs to <em>twelve</em> pages.</p>" in response.text
    assert_kept(response.text, COMPOSE_FIELDS)
    assert posts_of(svc) == []
    assert reading.get_feed(svc, "summit").last_seq == feed.last_seq


def test_an_editor_publishes_a_post(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    assert 'action="/feeds/summit/posts"' in desk.get("/feeds/summit").text

    response = submit(desk, "/feeds/summit/posts", COMPOSE_FIELDS | {"intent": "publish"})

    assert response.status_code == 303
    (post,) = posts_of(svc)
    assert location(response) == f"/feeds/summit#post-{post.id}"
    assert (post.headline, post.key_event, post.pinned) == ("Leaders agree a text", True, True)
    assert post.read_more is not None
    assert post.read_more.title == "What is in the deal"
    assert post_ids(desk.get("/feeds/summit").text) == [post.id]


def test_an_editor_edits_a_post_in_place(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume", body="Delegates are back.")
    form = Page(desk.get(f"/feeds/summit/posts/{post.id}/edit").text).values
    assert form["headline"] == "Talks resume"
    assert form["version"] == "1"

    response = submit(
        desk,
        f"/feeds/summit/posts/{post.id}/edit",
        {name: value for name, value in form.items() if name != "csrf_token"}
        | {"headline": "Talks resume after a break", "intent": "save"},
    )

    assert response.status_code == 303
    (edited,) = posts_of(svc)
    assert (edited.id, edited.version, edited.headline) == (
        post.id,
        2,
        "Talks resume after a break",
    )
    assert edited.body == "Delegates are back."
    assert edited.published_at == post.published_at


def test_an_edit_of_a_stale_version_is_refused_and_says_why(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume")
    form = Page(desk.get(f"/feeds/summit/posts/{post.id}/edit").text).values
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Someone else's"},
        seen_version=1,
    )  # fmt: skip

    response = submit(
        desk,
        f"/feeds/summit/posts/{post.id}/edit",
        {"headline": "Mine", "body": "", "version": form["version"], "intent": "save"},
    )

    assert response.status_code == 409
    assert re.search(
        r'role="alert">[^<]*changed by someone else[^<]*version 1[^<]*version 2', response.text
    )
    assert Page(response.text).values["headline"] == "Mine"
    (current,) = posts_of(svc)
    assert (current.headline, current.version) == ("Someone else's", 2)


def test_an_editor_deletes_a_post(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Wrong figure")
    confirm = desk.get(f"/feeds/summit/posts/{post.id}/delete")
    assert confirm.status_code == 200
    assert "Delete this post?" in confirm.text

    response = submit(desk, f"/feeds/summit/posts/{post.id}/delete", {"version": str(post.version)})

    assert response.status_code == 303
    assert location(response) == "/feeds/summit"
    assert posts_of(svc) == []
    assert reading.get_post(svc, "summit", post.id)[1].state is PostState.DELETED
    assert desk.get(f"/feeds/summit/posts/{post.id}").status_code == 404


def test_a_contributor_cannot_publish(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    contributor = make_contributor(svc)
    assert log_in(client, contributor.email).status_code == 303
    # The compose form is there for drafts and submissions, without Publish or Schedule.
    buttons = Page(client.get("/feeds/summit").text).tags("button")
    intents = {attrs.get("value") for attrs in buttons if attrs.get("name") == "intent"}
    assert intents == {"preview", "submit", "draft"}

    response = submit(client, "/feeds/summit/posts", COMPOSE_FIELDS | {"intent": "publish"})

    assert response.status_code == 403
    assert "Only the feed’s editors can publish, edit or delete its posts." in response.text
    assert posts_of(svc) == []
