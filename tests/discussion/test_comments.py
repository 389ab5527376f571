"""Readers commenting, replying and reporting, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from livefeed.discussion import comments as discussion
from livefeed.discussion.comment_resources import comment_json
from livefeed.domain.comments import CommentState
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests
from livefeed.domain.events import Event, EventType
from livefeed.domain.feeds import Feed
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import events
from livefeed.store.discussion_schema import comment_reports, comments
from livefeed.store.schema import events as events_table
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_user

ADDRESS = "198.51.100.7"


@pytest.fixture
def editor(svc: Services) -> User:
    return make_editor(svc)


@pytest.fixture
def feed(svc: Services, editor: User) -> Feed:
    return make_feed(svc, editor)


@pytest.fixture
def rita(svc: Services) -> User:
    return make_user(svc, "rita@readers.test", name="Rita Reader")


@pytest.fixture
def sam(svc: Services) -> User:
    return make_user(svc, "sam@readers.test", name="Sam Reader")


def configure(svc: Services, editor: User, who: str, moderation: str) -> Feed:
    """Set the discussion of "summit" as its editor would."""
    feed = discussion.discussion_page(svc, "summit").feed
    return publishing.update_feed(
        svc, editor, "summit", feed.as_input() | {"discussion": who, "moderation": moderation}
    )


def say(svc: Services, who: User | None, body: str, **fields: Any) -> Any:
    """Comment as ``who``, ticking the community standards box as a first comment's form asks."""
    fields = {"body": body, "accept_standards": "on", **fields}
    return discussion.post_comment(svc, who, "summit", fields, address=ADDRESS)


def counts(svc: Services) -> dict[str, int]:
    with svc.db.read() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (comments, comment_reports, events_table)
        }


def log_of(svc: Services, feed_id: int) -> list[Event]:
    with svc.db.read() as conn:
        return events.after(conn, feed_id, 0)


def comment_events(svc: Services, feed_id: int) -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.type.value, e.data) for e in log_of(svc, feed_id) if e.type.value.startswith("comment.")
    ]


# Settings --------------------------------------------------------------------------------------


def test_a_new_feed_is_open_to_signed_in_readers_and_pre_moderated(feed: Feed) -> None:
    assert feed.discussion.value == "members"
    assert feed.moderation.value == "pre"


def test_editors_change_the_settings_and_readers_are_told(
    svc: Services, editor: User, feed: Feed
) -> None:
    changed = configure(svc, editor, "guests", "post")
    assert (changed.discussion.value, changed.moderation.value) == ("guests", "post")
    logged = log_of(svc, feed.id)[-1]
    assert logged.type is EventType.FEED_UPDATED
    assert (logged.data["discussion"], logged.data["moderation"]) == ("guests", "post")
    with pytest.raises(Invalid) as refused:
        publishing.update_feed(
            svc, editor, "summit", changed.as_input() | {"discussion": "all", "moderation": "x"}
        )
    assert set(refused.value.errors) == {"discussion", "moderation"}


# Commenting ------------------------------------------------------------------------------------


def test_under_pre_moderation_a_comment_waits_and_only_its_author_sees_it(
    svc: Services, feed: Feed, rita: User, sam: User
) -> None:
    before = counts(svc)
    comment = say(svc, rita, "  Where is the venue?  ")
    assert comment.state is CommentState.PENDING
    assert comment.body == "Where is the venue?"
    assert comment.hold_reason == ""
    # Nothing for readers' pages: no event, the feed's position unmoved.
    assert counts(svc)["events"] == before["events"]

    def shown(viewer: User | None) -> list[tuple[int, str]]:
        page = discussion.discussion_page(svc, "summit", viewer=viewer)
        return [(t.comment.id, t.comment.state.value) for t in page.threads]

    assert shown(rita) == [(comment.id, "pending")]
    assert shown(sam) == []
    assert shown(None) == []
    assert discussion.discussion_page(svc, "summit", viewer=rita, public=True).threads == []


def test_under_post_moderation_a_comment_shows_at_once_and_is_logged(
    svc: Services, editor: User, feed: Feed, rita: User, sam: User, clock: Clock
) -> None:
    feed = configure(svc, editor, "members", "post")
    comment = say(svc, rita, "Thanks for https://example.org/live")
    assert comment.state is CommentState.APPROVED
    [(kind, data)] = comment_events(svc, feed.id)
    assert kind == "comment.approved"
    assert data == comment_json(comment, "summit", svc.urls)
    assert data["author"] == {"name": "Rita Reader", "guest": False}
    assert "rita@readers.test" not in str(log_of(svc, feed.id)[-1].data)
    assert "hold_reason" not in data
    page = discussion.discussion_page(svc, "summit", viewer=sam)
    assert [t.comment.id for t in page.threads] == [comment.id]
    assert page.total == 1


def test_a_reply_goes_under_its_comment_and_a_reply_to_a_reply_is_refused(
    svc: Services, editor: User, feed: Feed, rita: User, sam: User
) -> None:
    configure(svc, editor, "members", "post")
    first = say(svc, rita, "A question")
    reply = say(svc, sam, "An answer", parent_id=first.id)
    before = counts(svc)
    with pytest.raises(Invalid) as refused:
        say(svc, rita, "A reply to the answer", parent_id=str(reply.id))
    assert refused.value.errors["parent_id"] == (
        "you can reply to a comment but not to a reply: answer in the same thread instead"
    )
    with pytest.raises(Invalid) as refused:
        say(svc, rita, "To nothing", parent_id=999)
    assert refused.value.errors == {"parent_id": "there is no comment 999 in this discussion"}
    assert counts(svc) == before
    [thread] = discussion.discussion_page(svc, "summit").threads
    assert (thread.comment.id, [r.id for r in thread.replies]) == (first.id, [reply.id])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "write something first: the comment is empty"),
        (" \n ", "write something first: the comment is empty"),
        ("x" * 2001, "must be at most 2,000 characters (it has 2,001)"),
        ("bell\x07", "must not contain control characters (found U+0007 at character 5)"),
        ("esc\x1b[31m", "must not contain control characters (found U+001B at character 4)"),
        ("nul\x00", "must not contain control characters (found U+0000 at character 4)"),
    ],
)
def test_bad_text_is_refused_naming_the_field_and_nothing_is_stored(
    svc: Services, editor: User, feed: Feed, rita: User, body: str, message: str
) -> None:
    configure(svc, editor, "members", "post")
    before = counts(svc)
    with pytest.raises(Invalid) as refused:
        say(svc, rita, body)
    assert refused.value.errors == {"body": message}
    assert counts(svc) == before


def test_2000_characters_are_taken(svc: Services, feed: Feed, rita: User) -> None:
    assert len(say(svc, rita, "x" * 2000).body) == 2000


def test_a_closed_discussion_takes_no_comment(
    svc: Services, editor: User, feed: Feed, rita: User
) -> None:
    configure(svc, editor, "closed", "pre")
    before = counts(svc)
    with pytest.raises(Forbidden, match="the discussion of this feed is closed"):
        say(svc, rita, "Hello?")
    with pytest.raises(Forbidden, match="closed"):
        say(svc, None, "Hello?", name="Gus")
    assert counts(svc) == before


def test_a_guest_may_not_comment_where_only_signed_in_readers_may(
    svc: Services, feed: Feed
) -> None:
    before = counts(svc)
    with pytest.raises(Forbidden, match="sign in to comment"):
        say(svc, None, "Hi", name="Gus")
    assert counts(svc) == before


def test_a_guest_gives_a_name_and_always_waits(svc: Services, editor: User, feed: Feed) -> None:
    configure(svc, editor, "guests", "post")
    with pytest.raises(Invalid) as refused:
        say(svc, None, "", name="")
    assert set(refused.value.errors) == {"body", "name"}
    comment = say(svc, None, "Hello from the square", name="  Gus  ")
    assert (comment.state, comment.hold_reason) == (CommentState.PENDING, "a guest's comment")
    assert (comment.author_name, comment.guest, comment.author_id) == ("Gus", True, None)


def test_the_feed_must_exist(svc: Services, rita: User) -> None:
    with pytest.raises(NotFound):
        discussion.post_comment(svc, rita, "nowhere", {"body": "Hi"}, address=ADDRESS)


# Held for review even under post-moderation ----------------------------------------------------


def test_a_duplicate_too_many_links_and_a_burst_wait_with_their_reason(
    svc: Services, editor: User, feed: Feed, rita: User, clock: Clock
) -> None:
    configure(svc, editor, "members", "post")
    assert say(svc, rita, "Great coverage").state is CommentState.APPROVED
    clock.advance(300)
    again = say(svc, rita, "great  COVERAGE")
    assert again.state is CommentState.PENDING
    assert again.hold_reason == "the same text as one of the author's recent comments"
    clock.advance(300)
    links = say(svc, rita, "https://a.test https://b.test https://c.test")
    assert (links.state, links.hold_reason) == (CommentState.PENDING, "3 links (more than 2)")
    clock.advance(300)
    for number in range(3):
        assert say(svc, rita, f"Point {number}").state is CommentState.APPROVED
        clock.advance(10)
    burst = say(svc, rita, "Point 3")
    assert burst.state is CommentState.PENDING
    assert burst.hold_reason == "4 comments from the author within 2 minutes"
    shown = [data["id"] for kind, data in comment_events(svc, feed.id)]
    assert again.id not in shown
    assert links.id not in shown
    assert burst.id not in shown


def test_commenting_too_fast_is_refused_with_a_wait(
    svc: Services, editor: User, feed: Feed, rita: User, clock: Clock
) -> None:
    for number in range(5):
        say(svc, rita, f"Comment {number}")
    before = counts(svc)
    with pytest.raises(TooManyRequests) as refused:
        say(svc, rita, "One more")
    assert 0 < refused.value.retry_after <= 60
    assert counts(svc) == before
    clock.advance(61)
    say(svc, rita, "One more")


# Reports ---------------------------------------------------------------------------------------


def report(svc: Services, who: User | None, comment_id: int, **fields: str) -> Any:
    return discussion.report_comment(
        svc, who, comment_id, {"reason": "abuse", **fields}, address=ADDRESS
    )


def test_three_reports_hide_a_comment_until_a_moderator_decides(
    svc: Services, editor: User, feed: Feed, rita: User
) -> None:
    configure(svc, editor, "members", "post")
    comment = say(svc, rita, "You are all idiots")
    readers = [make_user(svc, f"r{n}@readers.test", name=f"R{n}") for n in range(3)]
    report(svc, readers[0], comment.id, reason="harassment", note="<b>rude</b>")
    after_two = report(svc, readers[1], comment.id)
    assert (after_two.state, after_two.reports) == (CommentState.APPROVED, 2)
    hidden = report(svc, readers[2], comment.id, reason="spam")
    assert hidden.state is CommentState.HIDDEN
    assert hidden.hold_reason == "reported by 3 readers"
    assert hidden.is_open
    assert discussion.discussion_page(svc, "summit").threads == []
    # Readers' pages drop it, and the log keeps none of its words.
    logged = comment_events(svc, feed.id)
    assert [kind for kind, _ in logged] == ["comment.approved", "comment.removed"]
    assert logged[0][1] == {"id": comment.id, "parent_id": None}
    assert logged[1][1] == {"id": comment.id, "parent_id": None}
    assert "idiots" not in str([e.data for e in log_of(svc, feed.id)])
    with pytest.raises(Conflict, match="already hidden"):
        report(svc, make_user(svc, "late@readers.test"), comment.id)


def test_one_report_per_reader_never_on_ones_own_and_never_as_a_guest(
    svc: Services, editor: User, feed: Feed, rita: User, sam: User
) -> None:
    configure(svc, editor, "members", "post")
    comment = say(svc, rita, "Hello")
    report(svc, sam, comment.id)
    before = counts(svc)
    with pytest.raises(Conflict, match="already reported"):
        report(svc, sam, comment.id)
    with pytest.raises(Forbidden, match="your own comment"):
        report(svc, rita, comment.id)
    with pytest.raises(Forbidden, match="sign in"):
        report(svc, None, comment.id)
    with pytest.raises(Invalid) as refused:
        report(svc, editor, comment.id, reason="boring", note="x" * 501)
    assert set(refused.value.errors) == {"reason", "note"}
    with pytest.raises(NotFound):
        report(svc, editor, 999)
    assert counts(svc) == before


def test_a_pending_comment_cannot_be_reported(
    svc: Services, feed: Feed, rita: User, sam: User
) -> None:
    comment = say(svc, rita, "Waiting")
    with pytest.raises(NotFound):
        report(svc, sam, comment.id)


def test_reporting_too_much_is_refused(svc: Services, editor: User, feed: Feed, sam: User) -> None:
    configure(svc, editor, "members", "post")
    authors = [make_user(svc, f"a{n}@readers.test", name=f"A{n}") for n in range(11)]
    shown = [say(svc, author, f"Comment {n}") for n, author in enumerate(authors)]
    for comment in shown[:10]:
        report(svc, sam, comment.id)
    with pytest.raises(TooManyRequests):
        report(svc, sam, shown[10].id)


# Taking one's comment back ---------------------------------------------------------------------


def test_an_author_deletes_their_comment_and_readers_are_told(
    svc: Services, editor: User, feed: Feed, rita: User, sam: User
) -> None:
    configure(svc, editor, "members", "post")
    comment = say(svc, rita, "Oops, wrong feed")
    with pytest.raises(Forbidden):
        discussion.delete_own_comment(svc, sam, comment.id)
    removed = discussion.delete_own_comment(svc, rita, comment.id)
    assert removed.state is CommentState.REMOVED
    assert [k for k, _ in comment_events(svc, feed.id)] == ["comment.approved", "comment.removed"]
    with pytest.raises(NotFound):
        discussion.delete_own_comment(svc, rita, comment.id)


def test_an_account_going_takes_its_shown_comments_down(
    svc: Services, editor: User, feed: Feed, rita: User
) -> None:
    configure(svc, editor, "members", "post")
    shown = say(svc, rita, "Shown")
    with svc.db.write() as conn:
        touched = discussion.remove_comments_of(svc, conn, rita.id)
    assert touched == {feed.id}
    assert [d for k, d in comment_events(svc, feed.id)] == [
        {"id": shown.id, "parent_id": None},
        {"id": shown.id, "parent_id": None},
    ]
