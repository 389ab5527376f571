"""The editor's desk: logging in and out, form tokens, running feeds, composing and editing."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.security import CSRF_COOKIE, SESSION_COOKIE
from tests.conftest import Clock
from tests.factories import PASSWORD, make_contributor, make_feed, make_post
from tests.web.conftest import (
    XSS,
    Page,
    csrf,
    field_errors,
    log_in,
    post_ids,
    routes_of,
    submit,
    without_our_script,
)

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


def posts_of(svc: Services, slug: str = "summit") -> list[Post]:
    return reading.list_posts(svc, slug, limit=100, cursor=None)[1]


def location(response: httpx.Response) -> str:
    return response.headers["location"]


def assert_on_site(target: str) -> None:
    """A redirect a browser would follow to this site, not to another."""
    parts = urlsplit(target)
    assert not parts.scheme, target
    assert not parts.netloc, target
    assert target.startswith("/"), target
    assert target[1:2] not in ("/", "\\"), target
    assert not re.search(r"[\x00-\x20\\]", target), target
    assert urlsplit(urljoin("http://testserver/login", target)).netloc == "testserver"


# Logging in and out ------------------------------------------------------------------------------


def test_logging_in_opens_a_new_session_each_time(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    first = log_in(client, editor.email)
    assert first.status_code == 303
    assert location(first) == "/desk"
    first_cookie = client.cookies[SESSION_COOKIE]

    second = log_in(client, editor.email)

    assert second.status_code == 303
    second_cookie = client.cookies[SESSION_COOKIE]
    assert second_cookie != first_cookie
    assert accounts.session_user(svc, first_cookie) is None, "the old session still works"
    assert client.get("/desk").status_code == 200


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient, editor: User) -> None:
    response = log_in(client, editor.email)

    cookie = next(value for name, value in response.headers.multi_items() if name == "set-cookie")
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@newsroom.test", PASSWORD), ("anna@newsroom.test", "not the password at all")],
)
def test_an_unknown_address_and_a_wrong_password_get_the_same_answer(
    client: TestClient, editor: User, email: str, password: str
) -> None:
    response = log_in(client, email, password)

    assert response.status_code == 422
    assert SESSION_COOKIE not in client.cookies
    assert field_errors(response.text) == {"password": accounts.LOGIN_FAILED}
    page = Page(response.text)
    assert page.values["email"] == email
    assert page.values["password"] == ""


def test_failed_logins_are_throttled_then_allowed_again(
    client: TestClient, settings: Settings, editor: User, clock: Clock
) -> None:
    for _ in range(settings.login_attempts):
        assert log_in(client, editor.email, "a wrong password").status_code == 422

    refused = log_in(client, editor.email)  # even the right password waits

    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "too many failed logins" in refused.text.lower()
    assert SESSION_COOKIE not in client.cookies
    clock.advance(int(refused.headers["retry-after"]))
    assert log_in(client, editor.email).status_code == 303


def test_logging_out_ends_the_session(desk: TestClient, svc: Services) -> None:
    cookie = desk.cookies[SESSION_COOKIE]

    response = submit(desk, "/logout", {})

    assert response.status_code == 303
    assert location(response) == "/"
    assert accounts.session_user(svc, cookie) is None
    desk.cookies.set(SESSION_COOKIE, cookie)  # a copy of the cookie kept by someone
    assert desk.get("/desk").status_code == 303


# Form tokens ------------------------------------------------------------------------------------


def post_form_urls(app: Starlette, post_id: int) -> list[str]:
    """Every page route that takes a POST, with its path filled in: a new one is covered too."""
    urls = [
        path.replace("{slug}", "summit").replace("{post_id}", str(post_id))
        for method, path in routes_of(app.routes)
        if method == "POST"
        and not path.startswith("/api/")
        # A beacon, no form: any reader's page sends it, signed in or not (see test_latency).
        and path != "/feeds/{slug}/latency"
    ]
    assert "/feeds/summit/posts" in urls
    assert "/login" in urls
    return urls


@pytest.mark.parametrize("sent", [None, "", "forged-token"])
def test_every_form_refuses_a_post_without_the_right_token(
    app: Starlette, desk: TestClient, svc: Services, editor: User, sent: str | None
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    data = {
        "headline": "Changed",
        "slug": "changed",
        "title": "Changed",
        "status": "ended",
        "version": str(post.version),
        "email": editor.email,
        "password": PASSWORD,
        "intent": "publish",
    }
    if sent is not None:
        data["csrf_token"] = sent

    for url in post_form_urls(app, post.id):
        response = desk.post(url, data=data)
        assert response.status_code == 403, url
        assert "did not come from this site" in response.text

    assert posts_of(svc) == [post]
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE
    assert desk.get("/desk").status_code == 200, "the session was ended by a forged form"


def test_another_sessions_token_is_refused(
    app: Starlette, desk: TestClient, svc: Services, editor: User
) -> None:
    other = accounts.open_session(svc, editor)
    make_feed(svc, editor)

    response = desk.post(
        "/desk/feeds/summit/status", data={"csrf_token": other.csrf_token, "status": "ended"}
    )

    assert response.status_code == 403
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE


def test_the_login_form_needs_its_cookie_and_token_to_match(
    client: TestClient, editor: User
) -> None:
    token = csrf(client)
    assert client.cookies[CSRF_COOKIE] == token
    data = {"email": editor.email, "password": PASSWORD}

    assert client.post("/login", data=data).status_code == 403
    assert client.post("/login", data=data | {"csrf_token": "forged"}).status_code == 403
    client.cookies.delete(CSRF_COOKIE)
    assert client.post("/login", data=data | {"csrf_token": token}).status_code == 403
    assert SESSION_COOKIE not in client.cookies


# Who may use the desk ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/desk",
        "/desk/feeds/new",
        "/desk/feeds/summit/edit",
        "/feeds/summit/posts/1/edit",
        "/feeds/summit/posts/1/delete",
    ],
)
def test_the_desk_sends_a_stranger_to_log_in_and_back(
    client: TestClient, svc: Services, editor: User, path: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)

    response = client.get(path)

    assert response.status_code == 303
    assert location(response) == f"/login?next={quote(path)}"
    login_page = Page(client.get(location(response)).text)
    assert login_page.values["next"] == path
    back = log_in(client, editor.email, next_url=path)
    assert location(back) == path
    assert client.get(path).status_code == 200


def test_a_strangers_post_to_a_desk_form_changes_nothing(
    app: Starlette, client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    token = csrf(client)
    data = {"csrf_token": token, "headline": "Changed", "status": "ended", "slug": "new-one"}
    data |= {"title": "New one"}

    for url in post_form_urls(app, post.id):
        # The forms a stranger may send (a guest's comment, where a feed takes them; the
        # newcomer's answer to an invitation; asking for and using a password reset link; a
        # reader's alerts).
        if url in ("/login", "/logout", "/signup", "/feeds/summit/discussion"):
            continue
        if url.startswith("/feeds/summit/alerts"):
            continue
        if url.startswith(("/invitations/", "/password-reset")):
            continue
        response = client.post(url, data=data)
        assert response.status_code == 303, url
        assert location(response).startswith("/login?next="), url

    assert posts_of(svc) == [post]
    assert [feed.slug for feed in reading.all_feeds(svc)] == ["summit"]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "http:\\/evil.example",
        "https://evil.example",
        "java\nscript:alert(1)",
        "javascript:alert(1)",
        "/\tevil.example",
        "/%2F%2Fevil.example",
        " //evil.example",
        "\\\\evil.example",
        "/desk\r\nLocation: https://evil.example",
        "https:evil.example",
    ],
)
def test_login_never_sends_anyone_off_site(client: TestClient, editor: User, target: str) -> None:
    page = Page(client.get(f"/login?next={quote(target)}").text)
    assert page.values["next"] == "", "the form passes on no address it refused"

    response = log_in(client, editor.email, next_url=target)

    assert response.status_code == 303
    assert_on_site(location(response))


# Feeds ------------------------------------------------------------------------------------------


FEED_FORM = {
    "title": "Storm over the coast",
    "slug": "storm",
    "lead": "Winds of **120 km/h**.",
    "notes": "Times are local.",
    "tags": "weather, coast",
    "timezone": "Europe/Paris",
    "coverage_start": "2026-11-25T18:00:00Z",
}


def test_an_editor_creates_a_feed(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)  # the editor of one feed can open the next
    assert 'name="slug"' in desk.get("/desk/feeds/new").text

    response = submit(desk, "/desk/feeds/new", FEED_FORM)

    assert response.status_code == 303
    assert location(response) == "/feeds/storm"
    feed = reading.get_feed(svc, "storm")
    assert (feed.title, feed.timezone, feed.tags) == (
        "Storm over the coast",
        "Europe/Paris",
        ("weather", "coast"),
    )
    assert "<strong>120 km/h</strong>" in desk.get("/feeds/storm").text


def test_a_taken_slug_is_shown_next_to_its_field_with_everything_typed_kept(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, slug="storm", title="The first storm")

    response = submit(desk, "/desk/feeds/new", FEED_FORM)

    assert response.status_code == 422
    assert list(field_errors(response.text)) == ["slug"]
    assert "already exists" in field_errors(response.text)["slug"]
    values = Page(response.text).values
    assert {name: values[name] for name in FEED_FORM} == FEED_FORM
    assert reading.get_feed(svc, "storm").title == "The first storm"
    assert len(reading.all_feeds(svc)) == 1


def test_a_feed_form_with_several_mistakes_names_each(desk: TestClient, svc: Services) -> None:
    response = submit(
        desk,
        "/desk/feeds/new",
        FEED_FORM | {"title": "", "slug": "Not A Slug", "timezone": "Mars/Olympus"},
    )

    assert response.status_code == 422
    assert set(field_errors(response.text)) == {"title", "slug", "timezone"}
    assert Page(response.text).values["timezone"] == "Mars/Olympus"
    assert reading.all_feeds(svc) == []


def test_an_editor_edits_a_feed_and_keeps_what_the_form_does_not_show(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, audio_stream_url="https://radio.example.org/live.mp3")
    page = Page(desk.get("/desk/feeds/summit/edit").text)
    typed = {name: value for name, value in page.values.items() if name != "csrf_token"}
    assert typed["slug"] == "summit"
    assert typed["tags"] == "politics, world"

    response = submit(desk, "/desk/feeds/summit/edit", typed | {"title": "Summit: day two"})

    assert response.status_code == 303
    feed = reading.get_feed(svc, "summit")
    assert feed.title == "Summit: day two"
    assert feed.tags == ("politics", "world")
    assert feed.audio_stream_url == "https://radio.example.org/live.mp3"


def test_an_editor_ends_and_reopens_a_feed(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    assert "End feed" in desk.get("/feeds/summit").text

    ended = submit(desk, "/desk/feeds/summit/status", {"status": "ended"})

    assert ended.status_code == 303
    assert reading.get_feed(svc, "summit").status is FeedStatus.ENDED
    assert '<span class="badge badge-ended">Ended</span>' in desk.get("/feeds/summit").text
    assert submit(desk, "/desk/feeds/summit/status", {"status": "paused"}).status_code == 422
    assert submit(desk, "/desk/feeds/summit/status", {"status": "live"}).status_code == 303
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE


# Composing --------------------------------------------------------------------------------------


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


def test_form_fields_carry_their_attributes_as_markup(client: TestClient) -> None:
    inputs = {attrs["name"]: attrs for attrs in Page(client.get("/login").text).tags("input")}

    assert inputs["email"]["autocomplete"] == "username"
    assert inputs["password"]["autocomplete"] == "current-password"
