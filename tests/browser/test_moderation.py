"""The moderation queue in a real Chromium: a moderator works it with the keyboard only, while a
reader in another browser comments and the comment comes into the queue without a reload."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.comments import Comment, CommentState, RejectReason
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import comments as comment_store
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import PASSWORD, make_feed, make_moderator, make_user

ADDRESS = "198.51.100.7"
# The queue asks for changes every 5 seconds; a comment must show within two asks.
LIVE_TIMEOUT = 15_000


def log_in_as(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.at("/login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page).not_to_have_url(server.at("/login"))


def comment(svc: Services, slug: str, who: User, body: str) -> Comment:
    fields = {"body": body, "accept_standards": "on"}
    return discussion.post_comment(svc, who, slug, fields, address=ADDRESS)


def state_of(svc: Services, comment_id: int) -> Comment:
    with svc.db.read() as conn:
        found = comment_store.get_comment(conn, comment_id)
    assert found is not None
    return found


def card(page: Page, comment_id: int) -> Locator:
    return page.locator(f"#moderation-item-{comment_id}")


def test_a_moderator_works_the_queue_with_the_keyboard_while_comments_arrive(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, slug = live_server.svc, live_server.slug
    make_feed(svc, live_server.editor, slug=slug)
    mo = make_moderator(svc, slug, live_server.email("mo@newsroom.test"))
    rita = make_user(svc, live_server.email("rita@readers.test"), name="Rita Reader")
    sam = make_user(svc, live_server.email("sam@readers.test"), name="Sam Reader")
    first = comment(svc, slug, rita, "The first comment of the night")
    second = comment(svc, slug, sam, "Buy cheap watches")

    moderator = new_context().new_page()
    log_in_as(moderator, live_server, mo.email)
    moderator.goto(live_server.at("/moderation"))
    expect(moderator.locator(".moderation-card")).to_have_count(2)
    # A mark on this very page: if the page reloaded, it would be gone.
    moderator.evaluate("window.stillTheSamePage = true")

    # j brings the focus into the queue, then j and k move it.
    moderator.keyboard.press("j")
    expect(card(moderator, first.id)).to_be_focused()
    moderator.keyboard.press("j")
    expect(card(moderator, second.id)).to_be_focused()
    moderator.keyboard.press("k")
    expect(card(moderator, first.id)).to_be_focused()
    expect(card(moderator, first.id)).to_have_attribute("tabindex", "0")
    expect(card(moderator, second.id)).to_have_attribute("tabindex", "-1")

    # a approves the selected comment; it leaves the queue and the next one takes the focus.
    moderator.keyboard.press("a")
    expect(moderator.locator(".moderation-status")).to_have_text("Approved.")
    expect(card(moderator, first.id)).to_have_count(0)
    expect(card(moderator, second.id)).to_be_focused()
    assert state_of(svc, first.id).state is CommentState.APPROVED
    expect(moderator.locator('[data-count="pending"]')).to_have_text("1")

    # A reader comments from their own browser; the comment comes into the open queue.
    reader = new_context().new_page()
    log_in_as(reader, live_server, rita.email)
    reader.goto(live_server.at(f"/feeds/{slug}/discussion"))
    reader.get_by_label("Your comment").fill("Is the press conference still on?")
    reader.get_by_role("button", name="Post comment").click()
    question = "Is the press conference still on?"
    mine = reader.locator("article.comment").filter(has_text=question)
    expect(mine).to_contain_text("Awaiting review")
    newest = moderator.locator(".moderation-item").filter(has_text=question)
    expect(newest).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(moderator.locator(".moderation-status")).to_have_text("1 new comment.")
    assert moderator.evaluate("window.stillTheSamePage") is True
    # The focus stayed on the comment the moderator was reading.
    expect(card(moderator, second.id)).to_be_focused()

    # r asks why, and a number answers: 1 is spam.
    moderator.keyboard.press("r")
    dialog = moderator.get_by_role("dialog", name="Why reject it?")
    expect(dialog).to_be_visible()
    moderator.keyboard.press("1")
    expect(dialog).to_be_hidden()
    expect(moderator.locator(".moderation-status")).to_have_text("Rejected.")
    expect(card(moderator, second.id)).to_have_count(0)
    rejected = state_of(svc, second.id)
    assert (rejected.state, rejected.decision_reason, rejected.decided_by) == (
        CommentState.REJECTED,
        "spam",
        "Mo Moderator",
    )
    # The reader's comment is the one left, and has the focus.
    expect(moderator.locator(".moderation-card")).to_have_count(1)
    expect(moderator.locator(".moderation-card")).to_be_focused()

    # ? shows the keys; Escape closes them.
    moderator.keyboard.press("?")
    keys = moderator.get_by_role("dialog", name="Keyboard")
    expect(keys).to_be_visible()
    moderator.keyboard.press("Escape")
    expect(keys).to_be_hidden()

    # Signed out meanwhile (a log-out elsewhere): the page says so rather than fail in silence.
    moderator.context.clear_cookies()
    moderator.keyboard.press("a")
    expect(moderator.locator(".moderation-status")).to_have_text(
        "You are no longer signed in: reload the page to log in again."
    )


def test_a_comment_decided_elsewhere_is_refused_naming_who_and_leaves_by_itself(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, slug = live_server.svc, live_server.slug
    anna = live_server.editor
    make_feed(svc, anna, slug=slug)
    mo = make_moderator(svc, slug, live_server.email("mo@newsroom.test"))
    rita = make_user(svc, live_server.email("rita@readers.test"), name="Rita Reader")
    first = comment(svc, slug, rita, "Decided twice?")
    second = comment(svc, slug, rita, "And another one")

    moderator = new_context().new_page()
    log_in_as(moderator, live_server, mo.email)
    # Until told, the queue's asks for changes go unanswered: its copy is as stale as can be.
    held = {"polls": True}
    moderator.route(
        "**/moderation/queue.json*",
        lambda route: route.abort() if held["polls"] else route.continue_(),
    )
    moderator.goto(live_server.at("/moderation"))
    expect(moderator.locator(".moderation-card")).to_have_count(2)

    # The editor approves the first comment meanwhile; the moderator, not knowing, presses a.
    moderation.approve(svc, anna, first.id)
    moderator.keyboard.press("j")
    expect(card(moderator, first.id)).to_be_focused()
    moderator.keyboard.press("a")
    expect(moderator.locator(".moderation-status")).to_have_text(
        "This comment was already approved by Anna Editor"
    )
    assert state_of(svc, first.id).decided_by == "Anna Editor"

    # The editor rejects the second one too; once the queue hears again, both leave by themselves.
    moderation.reject(svc, anna, second.id, RejectReason.OFF_TOPIC)
    held["polls"] = False
    expect(moderator.locator(".moderation-card")).to_have_count(0, timeout=LIVE_TIMEOUT)
    expect(moderator.locator(".moderation-status")).to_have_text("2 comments decided elsewhere.")
    expect(moderator.locator('[data-count="pending"]')).to_have_text("0")
    expect(moderator.locator('[data-count="decided"]')).to_have_text("2")
