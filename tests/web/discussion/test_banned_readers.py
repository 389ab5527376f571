"""A banned reader is told of the ban, what it covers and until when, where the comment form
would be: before typing anything, not after."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed.discussion import bans, moderation
from livefeed.discussion import comments as discussion
from livefeed.domain.users import Role, User
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_user
from tests.web.conftest import Page, log_in

ADDRESS = "198.51.100.7"
DISCUSSION = "/feeds/summit/discussion"


def banned_reader(svc: Services, editor: User, by: User | None = None, **ban: str) -> User:
    """Rita, banned by ``by`` (the feed's editor unless said) for her comment on the summit."""
    make_feed(svc, editor)
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    fields = {"body": "Buy followers", "accept_standards": True}
    comment = discussion.post_comment(svc, rita, "summit", fields, address=ADDRESS)
    moderation.approve(svc, editor, comment.id)
    ban_fields = {"length": "7d", "reason": "Spam links"} | ban
    bans.ban_author(svc, by or editor, comment.id, ban_fields)
    return rita


def test_the_discussion_page_shows_the_ban_instead_of_the_form(
    client: TestClient, svc: Services, editor: User
) -> None:
    rita = banned_reader(svc, editor)
    log_in(client, rita.email)  # the ban ended her sessions

    page = client.get(DISCUSSION).text

    assert (
        "You are banned from this feed’s discussion until 2 December 2026, 18:00 UTC: "
        "you cannot comment or report comments. Reason: Spam links"
    ) in page
    assert "body" not in Page(page).values
    assert "Add a comment" not in page
    assert "Buy followers" in page, "the discussion itself is still there to read"


def test_the_feed_page_shows_the_ban_and_no_way_to_join(
    client: TestClient, svc: Services, editor: User
) -> None:
    admin = make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada Admin")
    rita = banned_reader(svc, editor, admin, length="forever", scope="site")
    log_in(client, rita.email)

    page = client.get("/feeds/summit").text

    assert (
        "You are banned from every discussion on this site for good: "
        "you cannot comment or report comments."
    ) in page
    assert "Join the discussion" not in page
    assert '<a class="button secondary" href="/feeds/summit/discussion">' in page


def test_a_ban_run_out_or_on_another_feed_shows_the_form_again(
    client: TestClient, svc: Services, clock: Clock, editor: User
) -> None:
    rita = banned_reader(svc, editor, length="1d")
    make_feed(svc, editor, slug="storm", title="Storm")
    log_in(client, rita.email)
    assert "Add a comment" in client.get("/feeds/storm/discussion").text

    clock.advance(86_400)

    page = client.get(DISCUSSION).text
    assert "You are banned" not in page
    assert "body" in Page(page).values
