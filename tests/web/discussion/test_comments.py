"""The discussion in pages: under a feed's posts, on its own page, the forms, reports, and the
buttons of authors and moderators."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store.discussion_schema import comment_reports, comments
from tests.conftest import Clock
from tests.factories import make_feed, make_moderator, make_user
from tests.web.conftest import (
    XSS,
    Page,
    csrf,
    field_errors,
    log_in,
    script_tag,
    submit,
    without_our_script,
)

ADDRESS = "198.51.100.7"
DISCUSSION = "/feeds/summit/discussion"


@pytest.fixture
def feed_ready(svc: Services, editor: User) -> None:
    make_feed(svc, editor)


@pytest.fixture
def rita(svc: Services, feed_ready: None) -> User:
    return make_user(svc, "rita@readers.test", name="Rita Reader")


def configure(svc: Services, editor: User, who: str = "members", moderation_: str = "pre") -> None:
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(
        svc, editor, "summit", feed.as_input() | {"discussion": who, "moderation": moderation_}
    )


def say(svc: Services, who: User, body: str, **fields: Any) -> Comment:
    return discussion.post_comment(
        svc, who, "summit", {"body": body, "accept_standards": True, **fields}, address=ADDRESS
    )


def shown(svc: Services, who: User, body: str, approver: User, **fields: Any) -> Comment:
    return moderation.approve(svc, approver, say(svc, who, body, **fields).id)


def stored(svc: Services) -> tuple[int, int]:
    with svc.db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(comments)).scalar_one(),
            conn.execute(select(func.count()).select_from(comment_reports)).scalar_one(),
        )


def comment_ids(html: str) -> list[int]:
    return [
        int(found)
        for found in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)
    ]


def comment_form(client: TestClient, body: str, **fields: str) -> Any:
    return submit(client, DISCUSSION, {"body": body, "accept_standards": "on", **fields})


def assert_inert(html: str, payload: str) -> None:
    """Nothing on the page runs script, and what was typed is not written in unescaped."""
    assert "<script" not in without_our_script(html).lower()
    if "<" in payload:
        assert payload not in html
    page = Page(html)
    assert not page.names() & {"iframe", "svg", "object", "embed", "img"}
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=…>"
            assert not re.sub(r"[\x00-\x20]", "", value).lower().startswith("javascript:")


# Under the feed's posts ------------------------------------------------------------------------


def test_the_feed_page_shows_the_newest_approved_comments_and_the_way_in(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    first = shown(svc, rita, "Where is the venue?", editor)
    say(svc, rita, "Still waiting for a moderator")
    html = client.get("/feeds/summit").text
    assert comment_ids(html) == [first.id]
    assert "Still waiting" not in html
    assert '<span class="comment-count">1</span>' in html
    assert f'href="{DISCUSSION}#comment-form">Join the discussion</a>' in html
    assert script_tag("discussion.js") in html


def test_an_approval_reaches_the_cached_feed_page_at_once(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    pending = say(svc, rita, "Is the summit over?")
    before = client.get("/feeds/summit")
    assert comment_ids(before.text) == []
    moderation.approve(svc, editor, pending.id)
    again = client.get("/feeds/summit", headers={"If-None-Match": before.headers["etag"]})
    assert again.status_code == 200
    assert comment_ids(again.text) == [pending.id]
    moderation.hide(svc, editor, pending.id)
    assert comment_ids(client.get("/feeds/summit").text) == []


def test_a_closed_discussion_without_comments_is_not_shown_under_the_posts(
    client: TestClient, svc: Services, editor: User, feed_ready: None
) -> None:
    configure(svc, editor, "closed")
    html = client.get("/feeds/summit").text
    assert 'id="discussion"' not in html
    assert "discussion.js" not in html


# The discussion's own page ---------------------------------------------------------------------


def test_a_readers_pending_comment_is_theirs_alone_to_see_marked_awaiting_review(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    log_in(client, rita.email)
    response = comment_form(client, "  First question  ")
    assert response.status_code == 303
    [comment] = discussion.discussion_page(svc, "summit", viewer=rita).threads
    assert response.headers["location"] == f"{DISCUSSION}#comment-{comment.comment.id}"
    mine = client.get(DISCUSSION).text
    assert comment_ids(mine) == [comment.comment.id]
    assert '<span class="flag flag-pending">Awaiting review</span>' in mine
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert comment_ids(client.get(DISCUSSION).text) == []
    make_user(svc, "sam@readers.test", name="Sam")
    log_in(client, "sam@readers.test")
    assert comment_ids(client.get(DISCUSSION).text) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "write something first: the comment is empty"),
        ("x" * 2001, "must be at most 2,000 characters (it has 2,001)"),
        ("Look\x1b[2J here", "must not contain control characters (found U+001B at character 5)"),
    ],
)
def test_a_refused_comment_comes_back_with_what_was_typed_and_why(
    client: TestClient, svc: Services, rita: User, typed: str, message: str
) -> None:
    log_in(client, rita.email)
    response = comment_form(client, typed)
    assert response.status_code == 422
    assert response.headers["cache-control"] == "private, no-store"
    assert field_errors(response.text)["body"] == message
    assert Page(response.text).values["body"] == typed.strip()
    assert stored(svc) == (0, 0)


def test_a_reply_goes_under_its_comment_and_a_reply_to_a_reply_is_refused(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    parent = shown(svc, rita, "A question", editor)
    reply = shown(svc, editor, "An answer", editor, parent_id=parent.id)
    log_in(client, rita.email)
    page = client.get(f"{DISCUSSION}?reply_to={parent.id}").text
    assert "Reply to Rita Reader" in page
    assert Page(page).values["parent_id"] == str(parent.id)
    refused = comment_form(client, "And to the answer", parent_id=str(reply.id))
    assert refused.status_code == 422
    assert "you can reply to a comment but not to a reply" in refused.text
    assert Page(refused.text).values["body"] == "And to the answer"
    html = client.get(DISCUSSION).text
    thread = html[html.index(f'id="comment-{parent.id}"') :]
    assert '<ol class="replies">' in thread
    assert f'id="comment-{reply.id}"' in thread
    assert stored(svc) == (2, 0)


def test_a_closed_discussion_shows_no_form_and_takes_no_comment(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    configure(svc, editor, "closed")
    log_in(client, rita.email)
    page = client.get(DISCUSSION).text
    assert "The discussion is closed." in page
    assert 'name="body"' not in page
    refused = comment_form(client, "Let me in")
    assert refused.status_code == 403
    assert "the discussion of this feed is closed" in refused.text
    assert stored(svc) == (0, 0)


def test_a_reader_not_signed_in_is_sent_to_sign_in_where_only_readers_may_comment(
    client: TestClient, svc: Services, feed_ready: None
) -> None:
    page = client.get(DISCUSSION)
    assert (
        '<a class="button" href="/login?next=/feeds/summit/discussion">Sign in to comment</a>'
        in (page.text)
    )
    assert 'name="body"' not in page.text
    # No form, so the page is the same for every such reader: cacheable like the feed page.
    assert page.headers["cache-control"] == "public, max-age=5"
    assert "set-cookie" not in page.headers
    assert (
        client.get(DISCUSSION, headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    )
    refused = comment_form(client, "Hello", name="Gus")
    assert refused.status_code == 403
    assert "sign in to comment" in refused.text
    assert Page(refused.text).names() >= {"main"}
    assert stored(svc) == (0, 0)


def test_a_guest_comments_under_a_name_and_is_told_it_waits(
    client: TestClient, svc: Services, editor: User, feed_ready: None
) -> None:
    configure(svc, editor, "guests", "post")
    page = client.get(DISCUSSION)
    assert page.headers["cache-control"] == "private, no-store"
    assert Page(page.text).values.keys() >= {"name", "body", "csrf_token"}
    missing = comment_form(client, "Hello from the square", name="")
    assert missing.status_code == 422
    assert field_errors(missing.text)["name"] == "give the name to show with your comment"
    assert Page(missing.text).values["body"] == "Hello from the square"
    sent = comment_form(client, "Hello from the square", name="Gus")
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{DISCUSSION}?sent=1#comment-form"
    assert (
        "your comment will appear once a moderator has read it"
        in client.get(sent.headers["location"]).text
    )
    [thread] = discussion.discussion_page(svc, "summit", viewer=editor).threads
    assert (thread.comment.author_name, thread.comment.state) == ("Gus", CommentState.PENDING)


def test_every_form_needs_its_token(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    target = shown(svc, editor, "Target", editor)
    log_in(client, rita.email)
    for url, data in [
        (DISCUSSION, {"body": "Forged"}),
        (f"/comments/{target.id}/report", {"reason": "spam"}),
        (f"/comments/{target.id}/hide", {}),
        (f"/comments/{target.id}/delete", {}),
    ]:
        response = client.post(url, data=data | {"csrf_token": "forged"})
        assert response.status_code == 403, url
        assert "did not come from this site" in response.text
    assert stored(svc) == (1, 0)


def test_pages_of_comments_by_link_newest_and_oldest_first(
    client: TestClient, svc: Services, editor: User, rita: User, clock: Clock
) -> None:
    configure(svc, editor, "members", "post")
    made = []
    for number in range(23):
        made.append(
            say(svc, make_user(svc, f"r{number}@readers.test", name=f"R{number}"), f"C{number}")
        )
        clock.advance(5)
    first = client.get(DISCUSSION).text
    assert comment_ids(first) == [c.id for c in made[::-1][:20]]
    more = re.search(r'class="button secondary load-more" rel="next" href="([^"]+)"', first)
    assert more is not None
    second = client.get(more.group(1).replace("&amp;", "&")).text
    assert comment_ids(second) == [c.id for c in made[::-1][20:]]
    assert "load-more" not in second
    oldest = client.get(f"{DISCUSSION}?sort=oldest").text
    assert comment_ids(oldest)[:3] == [c.id for c in made[:3]]
    assert client.get(f"{DISCUSSION}?sort=sideways").status_code == 422


# What readers type is shown as text ------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS)
def test_what_readers_type_is_text_on_every_page(
    client: TestClient, svc: Services, editor: User, feed_ready: None, payload: str
) -> None:
    configure(svc, editor, "guests", "pre")
    writer = make_user(svc, "x@readers.test", name=payload[:60])
    comment = shown(svc, writer, f"{payload} https://example.org/a", editor)
    guest = discussion.post_comment(
        svc, None, "summit",
        {"body": payload, "name": f"G {payload}"[:60], "accept_standards": True},
        address=ADDRESS,
    )  # fmt: skip
    moderation.approve(svc, editor, guest.id)
    reporter = make_user(svc, "rep@readers.test", name="Rep")
    discussion.report_comment(
        svc, reporter, comment.id, {"reason": "other", "note": payload}, address=ADDRESS
    )
    make_moderator(svc, "summit")
    pages = [client.get("/feeds/summit").text, client.get(DISCUSSION).text]
    log_in(client, reporter.email)
    pages.append(client.get(f"/comments/{guest.id}/report").text)
    client.post("/logout", data={"csrf_token": csrf(client)})
    log_in(client, "mo@newsroom.test")
    moderators = client.get(DISCUSSION).text
    assert '<details class="reports">' in moderators
    pages.append(moderators)
    for html in pages:
        assert_inert(html, payload)
    assert re.search(r'<a rel="nofollow ugc noopener" href="https://example.org/a">', pages[1])


# Reports ---------------------------------------------------------------------------------------


def test_a_reader_reports_a_comment_once(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    target = shown(svc, editor, "Questionable", editor)
    assert client.get(f"/comments/{target.id}/report").headers["location"] == (
        f"/login?next=/comments/{target.id}/report"
    )
    log_in(client, rita.email)
    form = client.get(f"/comments/{target.id}/report")
    assert form.status_code == 200
    assert "Questionable" in form.text
    missing = submit(client, f"/comments/{target.id}/report", {"note": "see for yourself"})
    assert missing.status_code == 422
    assert (
        "must be one of spam, abuse, harassment, off-topic, misinformation, personal-data or other"
        in missing.text
    )
    assert Page(missing.text).values["note"] == "see for yourself"
    sent = submit(client, f"/comments/{target.id}/report", {"reason": "misinformation"})
    assert sent.headers["location"] == f"/comments/{target.id}/report?sent=1"
    assert "the moderators will look at this comment" in client.get(sent.headers["location"]).text
    again = submit(client, f"/comments/{target.id}/report", {"reason": "spam"})
    assert again.status_code == 409
    assert "you have already reported this comment" in again.text
    assert stored(svc) == (1, 1)


# Authors and moderators ------------------------------------------------------------------------


def test_a_moderator_approves_from_the_discussion_page_and_a_second_approval_is_refused(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    pending = say(svc, rita, "Please approve")
    make_moderator(svc, "summit")
    log_in(client, "mo@newsroom.test")
    page = client.get(DISCUSSION).text
    assert "1 comment on this page awaits your decision." in page
    assert f'action="/comments/{pending.id}/approve"' in page
    approved = submit(client, f"/comments/{pending.id}/approve", {"next": DISCUSSION})
    assert approved.status_code == 303
    assert approved.headers["location"] == f"{DISCUSSION}#comment-{pending.id}"
    again = submit(client, f"/comments/{pending.id}/approve", {"next": DISCUSSION})
    assert again.status_code == 409
    assert "This comment was already approved by Mo Moderator." in again.text
    rejected = submit(client, f"/comments/{pending.id}/reject", {"reason": "spam"})
    assert rejected.status_code == 409


def test_readers_get_no_moderation_buttons_and_cannot_use_them(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    pending = say(svc, make_user(svc, "sam@readers.test", name="Sam"), "Waiting")
    target = shown(svc, editor, "Shown", editor)
    log_in(client, rita.email)
    page = client.get(DISCUSSION).text
    assert "/approve" not in page
    assert "/hide" not in page
    for url in (f"/comments/{pending.id}/approve", f"/comments/{target.id}/hide"):
        refused = submit(client, url, {})
        assert refused.status_code == 403
        assert "Only the feed’s moderators and editors" in refused.text
    assert discussion.find_comment(svc, pending.id)[0].state is CommentState.PENDING


def test_an_author_deletes_their_comment_from_the_page(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    mine = shown(svc, rita, "Posted too fast", editor)
    theirs = shown(svc, editor, "Not yours", editor)
    log_in(client, rita.email)
    page = client.get(DISCUSSION).text
    assert f'action="/comments/{mine.id}/delete"' in page
    assert f'action="/comments/{theirs.id}/delete"' not in page
    assert submit(client, f"/comments/{theirs.id}/delete", {}).status_code == 403
    assert submit(client, f"/comments/{mine.id}/delete", {"next": DISCUSSION}).status_code == 303
    assert comment_ids(client.get(DISCUSSION).text) == [theirs.id]


def test_the_embed_shows_no_comments(
    client: TestClient, svc: Services, editor: User, rita: User
) -> None:
    shown(svc, rita, "Not for partner sites", editor)
    html = client.get("/feeds/summit/embed").text
    assert "Not for partner sites" not in html
    assert "discussion" not in html
    assert comment_ids(html) == []
