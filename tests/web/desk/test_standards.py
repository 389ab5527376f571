"""The community standards: the site's and a feed's pages, the desk's forms, accepting them."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.discussion import comments, reader_accounts, standards
from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from livefeed.domain.standards import DEFAULT_STANDARDS
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.factories import join, make_admin, make_editor, make_feed, make_user
from tests.web.conftest import XSS, Page, field_errors, log_in, submit, without_our_script


@pytest.fixture
def editor(svc: Services) -> User:
    """Anna, editor of two feeds: the summit and the election."""
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="election", title="Election night")
    return anna


def prose_of(html: str) -> str:
    start = html.index('<div class="prose">')
    return html[start : html.index("</div>", start)]


def test_the_site_shows_its_default_standards_to_everyone(client: TestClient) -> None:
    response = client.get("/community-standards")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in response.headers
    assert '<h1 id="standards-title">Community standards</h1>' in response.text
    assert "<strong>Be civil.</strong>" in prose_of(response.text)
    assert "I accept" not in response.text


def test_an_admin_rewrites_them_on_the_desk(client: TestClient, svc: Services) -> None:
    admin = make_admin(svc)
    log_in(client, admin.email)
    assert '<a href="/desk/standards">Community standards</a>' in client.get("/desk").text
    form = Page(client.get("/desk/standards").text)
    assert form.values["community_standards"] == DEFAULT_STANDARDS

    response = submit(client, "/desk/standards", {"community_standards": "Be **kind**."})

    assert response.status_code == 303
    assert response.headers["location"] == "/desk/standards?saved"
    assert "Saved." in client.get("/desk/standards?saved").text
    client.cookies.clear()
    assert prose_of(client.get("/community-standards").text) == (
        '<div class="prose"><p>Be <strong>kind</strong>.</p>\n'
    )


def test_only_admins_reach_the_sites_standards_form(
    client: TestClient, svc: Services, editor: User
) -> None:
    assert client.get("/desk/standards").headers["location"] == "/login?next=/desk/standards"
    log_in(client, editor.email)
    assert client.get("/desk/standards").status_code == 403
    assert submit(client, "/desk/standards", {"community_standards": "Mine"}).status_code == 403
    assert 'href="/desk/standards"' not in client.get("/desk").text
    assert standards.site_standards(svc).text == DEFAULT_STANDARDS


@pytest.mark.parametrize("payload", XSS)
def test_markup_in_the_standards_reaches_readers_as_text(
    client: TestClient, svc: Services, editor: User, payload: str
) -> None:
    standards.set_site_standards(svc, make_admin(svc), payload)
    standards.set_feed_standards(svc, editor, "summit", payload)

    for path in ("/community-standards", "/feeds/summit/community-standards"):
        html = client.get(path).text
        assert "<script" not in without_our_script(html).lower(), path
        elements = Page(html).elements
        assert not {"iframe", "svg", "img"} & {tag for tag, _ in elements}, path
        assert not [name for _, attrs in elements for name in attrs if name.startswith("on")]


def test_a_forbidden_link_is_refused_with_the_text_kept(client: TestClient, svc: Services) -> None:
    log_in(client, make_admin(svc).email)
    typed = "Read [this](javascript:alert(1))"

    response = submit(client, "/desk/standards", {"community_standards": typed})

    assert response.status_code == 422
    assert (
        "links must be http, https or mailto" in field_errors(response.text)["community_standards"]
    )
    assert Page(response.text).values["community_standards"] == typed
    assert standards.site_standards(svc).text == DEFAULT_STANDARDS


# A feed's own standards


def test_a_feed_follows_the_sites_standards_until_it_has_its_own(
    client: TestClient, editor: User
) -> None:
    response = client.get("/feeds/summit/community-standards")

    assert response.status_code == 200
    assert "which follows the site's standards" in response.text
    assert '<link rel="canonical" href="/community-standards">' in response.text
    assert "<strong>Be civil.</strong>" in prose_of(response.text)
    assert client.get("/feeds/nowhere/community-standards").status_code == 404


def test_an_editor_gives_a_feed_its_own_on_the_feeds_form(client: TestClient, editor: User) -> None:
    log_in(client, editor.email)
    form = Page(client.get("/desk/feeds/summit/edit").text)
    assert form.values["community_standards"] == ""
    assert {"method": "post", "action": "/desk/feeds/summit/standards", "novalidate": "",
            "aria-labelledby": "feed-standards-title"} in form.tags("form")  # fmt: skip

    response = submit(
        client, "/desk/feeds/summit/standards", {"community_standards": "No *spoilers*."}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/desk/feeds/summit/edit?saved=standards"
    again = client.get("/desk/feeds/summit/edit?saved=standards").text
    assert Page(again).values["community_standards"] == "No *spoilers*."
    assert "Saved." in again
    client.cookies.clear()
    own = client.get("/feeds/summit/community-standards").text
    assert prose_of(own) == '<div class="prose"><p>No <em>spoilers</em>.</p>\n'
    assert "which follows the site's standards" not in own
    other = client.get("/feeds/election/community-standards").text
    assert "<strong>Be civil.</strong>" in prose_of(other)


def test_clearing_a_feeds_standards_brings_back_the_sites(
    client: TestClient, svc: Services, editor: User
) -> None:
    standards.set_feed_standards(svc, editor, "summit", "Ours.")
    log_in(client, editor.email)

    submit(client, "/desk/feeds/summit/standards", {"community_standards": "  "})

    assert (
        "which follows the site's standards" in client.get("/feeds/summit/community-standards").text
    )


def test_a_bad_feed_text_shows_the_feeds_form_again(client: TestClient, editor: User) -> None:
    log_in(client, editor.email)
    typed = "x" * 20_001

    response = submit(client, "/desk/feeds/summit/standards", {"community_standards": typed})

    assert response.status_code == 422
    assert "at most 20,000 characters" in field_errors(response.text)["community_standards"]
    page = Page(response.text)
    assert page.values["community_standards"] == typed
    assert page.values["title"] == "Summit in Geneva: live"


def test_only_those_who_run_a_feed_set_its_standards(
    client: TestClient, svc: Services, editor: User
) -> None:
    contributor = make_user(svc, "carl@newsroom.test", name="Carl")
    join(svc, contributor, "summit", FeedRole.CONTRIBUTOR)
    log_in(client, contributor.email)

    assert "community_standards" not in Page(client.get("/desk/feeds/summit/edit").text).values
    response = submit(client, "/desk/feeds/summit/standards", {"community_standards": "Mine."})

    assert response.status_code == 403
    assert not standards.feed_standards(svc, "summit")[1].own


# Accepting them


def test_a_signed_in_reader_accepts_them_from_the_page(
    client: TestClient, svc: Services, editor: User
) -> None:
    reader = make_user(svc, "rita@readers.test", name="Rita")
    log_in(client, reader.email)
    page = client.get("/feeds/summit/community-standards")
    assert page.headers["cache-control"] == "private, no-store"
    form = Page(page.text)
    assert {"method": "post", "action": "/account/standards"} in form.tags("form")
    assert form.values["next"] == "/feeds/summit/community-standards"

    response = submit(client, "/account/standards", {"next": form.values["next"]})

    assert response.status_code == 303
    assert response.headers["location"] == "/feeds/summit/community-standards"
    assert reader_accounts.has_accepted_standards(svc, reader)
    after = client.get("/feeds/summit/community-standards").text
    assert "You have accepted these standards." in after
    assert 'action="/account/standards"' not in after
    assert "Accepted on" in client.get("/account").text


def test_accepting_sends_nobody_off_the_site(client: TestClient, svc: Services) -> None:
    log_in(client, make_user(svc, "rita@readers.test", name="Rita").email)
    response = submit(client, "/account/standards", {"next": "//evil.example"})
    assert response.headers["location"] == "/account"


# The discussion: a link to the standards at its top, and the box on a first comment

DISCUSSION = "/feeds/summit/discussion"


def open_discussion(svc: Services, editor: User, who: str = "members") -> None:
    feed = reading.get_feed(svc, "summit")
    publishing.update_feed(
        svc, editor, "summit", feed.as_input() | {"discussion": who, "moderation": "pre"}
    )


def test_the_discussion_links_to_the_feeds_standards_at_its_top(
    client: TestClient, editor: User
) -> None:
    link = {"href": "/feeds/summit/community-standards"}
    for path in (DISCUSSION, "/feeds/summit"):
        html = client.get(path).text
        section = html[html.index('id="discussion-title"') :]
        assert link in Page(section[: section.index("</p>") + 4]).tags("a"), path


def test_a_first_comment_asks_for_the_standards_and_names_the_box(
    client: TestClient, svc: Services, editor: User
) -> None:
    open_discussion(svc, editor)
    reader = make_user(svc, "rita@readers.test", name="Rita")
    log_in(client, reader.email)
    assert "accept_standards" in {
        a.get("name") for a in Page(client.get(DISCUSSION).text).tags("input")
    }

    refused = submit(client, DISCUSSION, {"body": "Is the vote today?"})

    assert refused.status_code == 422
    assert field_errors(refused.text) == {
        "accept_standards": "accept the community standards first"
    }
    assert Page(refused.text).values["body"] == "Is the vote today?"
    assert comments.discussion_page(svc, "summit", viewer=reader).threads == []

    sent = submit(client, DISCUSSION, {"body": "Is the vote today?", "accept_standards": "on"})

    assert sent.status_code == 303
    page = client.get(DISCUSSION).text
    assert "Is the vote today?" in page
    assert "accept_standards" not in {a.get("name") for a in Page(page).tags("input")}
    assert reader_accounts.has_accepted_standards(svc, reader)


def test_a_reader_who_accepted_at_sign_up_is_not_asked_again(
    client: TestClient, svc: Services, editor: User
) -> None:
    open_discussion(svc, editor)
    signed_up = submit(
        client,
        "/signup",
        {"display_name": "Rita", "email": "rita@readers.test", "password": "a long passphrase",
         "accept_standards": "on", "next": DISCUSSION},
    )  # fmt: skip
    assert signed_up.headers["location"] == DISCUSSION
    assert 'name="accept_standards"' not in client.get(DISCUSSION).text
    assert submit(client, DISCUSSION, {"body": "Hello"}).status_code == 303


def test_a_guest_ticks_the_box_with_every_comment(
    client: TestClient, svc: Services, editor: User
) -> None:
    open_discussion(svc, editor, who="guests")
    assert 'name="accept_standards"' in client.get(DISCUSSION).text

    refused = submit(client, DISCUSSION, {"name": "Gus", "body": "Hello"})
    assert refused.status_code == 422
    assert set(field_errors(refused.text)) == {"accept_standards"}
    sent = submit(client, DISCUSSION, {"name": "Gus", "body": "Hello", "accept_standards": "on"})
    assert sent.status_code == 303
    assert 'name="accept_standards"' in client.get(DISCUSSION).text
