"""One's account as a reader: renaming oneself, downloading one's data, comments and reports
included, and deleting the account, with what that leaves of one's comments and of the audit log.

On SQLite and PostgreSQL, through the use cases that the pages call.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from livefeed.access import accounts
from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.discussion import reader_accounts as readers
from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import RejectReason
from livefeed.domain.errors import Conflict, Invalid, TooManyRequests
from livefeed.newsroom import team
from livefeed.services import Services
from livefeed.store import events
from livefeed.store import reader_accounts as reader_store
from livefeed.store.discussion_schema import comment_reports
from livefeed.store.schema import audit_log, users
from tests.conftest import Clock
from tests.discussion.signed_up_readers import (
    ADDRESS,
    comment,
    open_discussion,
    sign_up,
    stored_comments,
    user_count,
)
from tests.factories import PASSWORD, make_admin, make_editor, make_feed, make_post, make_user


def comment_events(svc: Services, slug: str = "summit") -> list[tuple[str, dict[str, object]]]:
    feed = reading.get_feed(svc, slug)
    with svc.db.read() as conn:
        logged = events.after(conn, feed.id, 0)
    return [(e.type.value, e.data) for e in logged if e.type.value.startswith("comment.")]


# One's account


def test_a_reader_renames_themselves(svc: Services) -> None:
    reader = sign_up(svc).user
    renamed = readers.rename(svc, reader, "  Rita R.  ")
    assert renamed.display_name == "Rita R."
    with pytest.raises(Invalid) as caught:
        readers.rename(svc, reader, "\u202e")
    assert set(caught.value.errors) == {"display_name"}
    assert readers.account(svc, reader).user.display_name == "Rita R."


def test_the_data_download_holds_the_profile_and_teams(svc: Services, clock: Clock) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    reader = sign_up(svc).user
    team.set_member(svc, editor, "summit", reader.email, FeedRole.MODERATOR)

    data = readers.export_data(svc, reader)

    assert data["profile"] == {
        "id": reader.id,
        "display_name": "Rita Reader",
        "email": "rita@readers.test",
        "role": "member",
        "created_at": "2026-11-25T18:00:00Z",
        "standards_accepted_at": "2026-11-25T18:00:00Z",
    }
    assert data["teams"] == [{"feed": "summit", "role": "moderator"}]
    assert PASSWORD not in json.dumps(data)
    assert "argon2" not in json.dumps(data)


def test_the_download_holds_ones_comments_with_their_state_and_ones_reports(
    svc: Services, clock: Clock
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    open_discussion(svc, editor, moderation="pre")
    reader = sign_up(svc).user
    other = make_user(svc, "sam@readers.test", name="Sam")
    mine = comment(svc, reader, "Is the vote today?")
    moderation.approve(svc, editor, mine.id)
    clock.advance(60)
    rejected = comment(svc, reader, "Buy cheap watches", parent_id=str(mine.id))
    moderation.reject(svc, editor, rejected.id, RejectReason.SPAM)
    theirs = comment(svc, other, "Tomorrow, I think.", accept_standards="on")
    moderation.approve(svc, editor, theirs.id)
    discussion.report_comment(
        svc, reader, theirs.id, {"reason": "misinformation", "note": "It is today"}, address=ADDRESS
    )

    data = readers.export_data(svc, reader)

    assert data["comments"] == [
        {
            "id": mine.id,
            "feed": "summit",
            "in_reply_to": None,
            "body": "Is the vote today?",
            "state": "approved",
            "decision_reason": None,
            "created_at": "2026-11-25T18:00:00Z",
            "updated_at": "2026-11-25T18:00:00Z",
        },
        {
            "id": rejected.id,
            "feed": "summit",
            "in_reply_to": mine.id,
            "body": "Buy cheap watches",
            "state": "rejected",
            "decision_reason": "spam",
            "created_at": "2026-11-25T18:01:00Z",
            "updated_at": "2026-11-25T18:01:00Z",
        },
    ]
    assert data["reports"] == [
        {
            "comment_id": theirs.id,
            "feed": "summit",
            "reason": "misinformation",
            "note": "It is today",
            "created_at": "2026-11-25T18:01:00Z",
        }
    ]
    assert "Tomorrow, I think." not in json.dumps(data), "another reader's words are theirs"


# Deleting one's account


def test_deleting_an_account_ends_its_sessions_and_tokens_and_forgets_it(
    svc: Services, clock: Clock
) -> None:
    session = sign_up(svc)
    reader = session.user
    other = accounts.log_in(svc, reader.email, PASSWORD, address="203.0.113.1")
    token = accounts.create_token(svc, reader.email, "my script")

    readers.delete_account(svc, reader, PASSWORD)

    assert accounts.session_user(svc, session.token) is None
    assert accounts.session_user(svc, other.token) is None
    assert accounts.token_user(svc, token) is None
    with svc.db.read() as conn:
        assert conn.execute(select(users).where(users.c.id == reader.id)).first() is None
    with pytest.raises(Invalid):
        accounts.log_in(svc, reader.email, PASSWORD, address=ADDRESS)
    assert user_count(svc) == 0


def test_the_audit_log_keeps_its_lines_but_not_the_person(svc: Services) -> None:
    session = sign_up(svc)
    reader = session.user
    accounts.log_in(svc, reader.email, PASSWORD, address="203.0.113.1")

    readers.delete_account(svc, reader, PASSWORD)

    with svc.db.read() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings().all()
    assert [row["action"] for row in rows] == ["account.created", "login", "account.deleted"]
    stand_in = rows[2]["subject"]
    assert stand_in.startswith("deleted account ")
    assert {row["actor_id"] for row in rows} == {None}
    dumped = json.dumps([dict(row) for row in rows], default=str)
    for personal in (reader.email, "203.0.113.1", ADDRESS, "Rita Reader"):
        assert personal not in dumped
    assert rows[0]["actor_email"] == rows[1]["actor_email"] == stand_in


def test_someone_elses_audit_lines_that_named_the_account_are_cleaned_too(
    svc: Services,
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    reader = sign_up(svc).user
    team.set_member(svc, editor, "summit", reader.email, FeedRole.MODERATOR)
    team.remove_member(svc, editor, "summit", reader.email)

    readers.delete_account(svc, reader, PASSWORD)

    with svc.db.read() as conn:
        rows = conn.execute(select(audit_log)).mappings().all()
    by_editor = [row for row in rows if row["actor_id"] == editor.id]
    assert {row["action"] for row in by_editor} >= {"member.added", "member.removed"}
    assert all(row["actor_email"] == editor.email for row in by_editor)
    assert reader.email not in json.dumps([dict(row) for row in rows], default=str)


def test_deleting_needs_the_password(svc: Services) -> None:
    reader = sign_up(svc).user
    with pytest.raises(Invalid) as caught:
        readers.delete_account(svc, reader, "not my password")
    assert set(caught.value.errors) == {"password"}
    assert user_count(svc) == 1


def test_guessing_the_password_to_delete_is_limited(svc: Services) -> None:
    reader = sign_up(svc).user
    for _ in range(5):
        with pytest.raises(Invalid):
            readers.delete_account(svc, reader, "a wrong guess")
    with pytest.raises(TooManyRequests):
        readers.delete_account(svc, reader, PASSWORD)
    assert user_count(svc) == 1


def test_an_admin_cannot_delete_their_account(svc: Services) -> None:
    admin = make_admin(svc)
    with pytest.raises(Conflict) as caught:
        readers.delete_account(svc, admin, PASSWORD)
    assert "administrator" in str(caught.value)
    assert user_count(svc) == 1


def test_a_feeds_last_editor_must_hand_over_first(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    post = make_post(svc, editor)
    second = make_user(svc, "eve@newsroom.test", name="Eve")

    with pytest.raises(Conflict) as caught:
        readers.delete_account(svc, editor, PASSWORD)
    assert "only editor of “summit”" in str(caught.value)

    team.set_member(svc, editor, "summit", second.email, FeedRole.EDITOR)
    readers.delete_account(svc, editor, PASSWORD)

    with svc.db.read() as conn:
        assert reader_store.teams_of(conn, second.id) == [("summit", FeedRole.EDITOR)]
    # What the editor published stays, without a byline.
    assert [p.id for p in reading.feed_page(svc, "summit").posts] == [post.id]


def test_a_deleted_account_frees_its_address(svc: Services) -> None:
    reader = sign_up(svc).user
    readers.delete_account(svc, reader, PASSWORD)

    again = sign_up(svc, display_name="Rita again")

    assert readers.account(svc, again.user).user.display_name == "Rita again"
    assert readers.export_data(svc, again.user)["teams"] == []


def test_deleting_takes_ones_comments_down_live_and_erases_their_words(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    open_discussion(svc, editor)
    reader = sign_up(svc).user
    other = make_user(svc, "sam@readers.test", name="Sam")
    shown = comment(svc, reader, "My words, shown")
    answer = comment(svc, other, "Sam's answer", parent_id=str(shown.id), accept_standards="on")
    discussion.report_comment(svc, reader, answer.id, {"reason": "spam"}, address=ADDRESS)
    heard: list[int] = []
    svc.listeners.append(heard.append)

    readers.delete_account(svc, reader, PASSWORD)

    logged = comment_events(svc)
    assert logged[-1] == ("comment.removed", {"id": shown.id, "parent_id": None})
    assert "My words, shown" not in json.dumps(logged)
    assert "Rita Reader" not in json.dumps(logged)
    assert heard == [reading.get_feed(svc, "summit").id]
    rows = {row["id"]: row for row in stored_comments(svc)}
    assert (rows[shown.id]["body"], rows[shown.id]["author_id"]) == ("", None)
    assert rows[shown.id]["state"] == "removed"
    assert rows[answer.id]["body"] == "Sam's answer", "other readers' words stay theirs"
    with svc.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(comment_reports)).scalar_one() == 0
    page = discussion.discussion_page(svc, "summit", public=True)
    assert all(thread.comment.id != shown.id for thread in page.threads)
