"""Readers' accounts: signing up, the community standards, one's data, and deleting the account.

On SQLite and PostgreSQL, through the use cases that the pages call.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from livefeed.access import accounts, audit
from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation, standards
from livefeed.discussion import reader_accounts as readers
from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import Comment, RejectReason
from livefeed.domain.errors import Conflict, Forbidden, Invalid, TooManyRequests
from livefeed.domain.reader_accounts import MUST_ACCEPT, STANDARDS_FIELD
from livefeed.domain.standards import DEFAULT_STANDARDS
from livefeed.domain.users import Role, User
from livefeed.newsroom import publishing, team
from livefeed.services import Services
from livefeed.store import events
from livefeed.store import reader_accounts as reader_store
from livefeed.store.discussion_schema import comment_reports, comments
from livefeed.store.schema import audit_log, users
from tests.conftest import Clock
from tests.factories import (
    PASSWORD,
    join,
    make_admin,
    make_editor,
    make_feed,
    make_post,
    make_user,
)

ADDRESS = "198.51.100.7"
GOOD = {
    "display_name": "Rita Reader",
    "email": "rita@readers.test",
    "password": PASSWORD,
    STANDARDS_FIELD: "on",
}


def sign_up(svc: Services, address: str = ADDRESS, **changes: object) -> accounts.Session:
    return readers.sign_up(svc, {**GOOD, **changes}, address=address)


def refusal(svc: Services, **changes: object) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        sign_up(svc, **changes)
    return caught.value.errors


def user_count(svc: Services) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


# Signing up


def test_signing_up_makes_a_member_who_has_accepted_the_standards(
    svc: Services, clock: Clock
) -> None:
    session = sign_up(svc)

    user = session.user
    assert (user.display_name, user.email, user.role) == (
        "Rita Reader",
        "rita@readers.test",
        Role.MEMBER,
    )
    assert accounts.session_user(svc, session.token) is not None
    account = readers.account(svc, user)
    assert account.standards_accepted_at == clock.now
    assert readers.has_accepted_standards(svc, user)
    assert not readers.works_on_desk(svc, user)
    assert accounts.log_in(svc, "rita@readers.test", PASSWORD, address=ADDRESS).user.id == user.id


def test_the_password_is_kept_as_an_argon2id_hash(svc: Services) -> None:
    sign_up(svc)
    with svc.db.read() as conn:
        kept = conn.execute(select(users.c.password_hash)).scalar_one()
    assert kept.startswith("$argon2id$")
    assert PASSWORD not in kept


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "Rita\x00Reader"}, "display_name"),
        ({"display_name": "Rita\nReader"}, "display_name"),
        ({"display_name": "Rita\u202eredaeR"}, "display_name"),
        ({"display_name": "\u200b\u200b"}, "display_name"),
        ({"display_name": "!!! ..."}, "display_name"),
        ({"display_name": "R" * 51}, "display_name"),
        ({"email": ""}, "email"),
        ({"email": "rita"}, "email"),
        ({"email": "rita@readers"}, "email"),
        ({"email": "rita@@readers.test"}, "email"),
        ({"password": ""}, "password"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 201}, "password"),
        ({STANDARDS_FIELD: ""}, STANDARDS_FIELD),
        ({STANDARDS_FIELD: "maybe"}, STANDARDS_FIELD),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_stored(
    svc: Services, changes: dict[str, object], field: str
) -> None:
    assert set(refusal(svc, **changes)) == {field}
    assert user_count(svc) == 0


def test_every_bad_field_is_named_at_once(svc: Services) -> None:
    errors = refusal(svc, display_name="", email="nope", password="short", accept_standards="")
    assert set(errors) == {"display_name", "email", "password", STANDARDS_FIELD}
    assert user_count(svc) == 0


def test_a_name_that_looks_like_markup_is_kept_as_typed(svc: Services) -> None:
    session = sign_up(svc, display_name="<b>Rita</b> & co")
    assert session.user.display_name == "<b>Rita</b> & co"


def test_an_address_already_registered_is_told_to_log_in(svc: Services) -> None:
    sign_up(svc)
    with pytest.raises(Conflict) as caught:
        sign_up(svc, email="RITA@readers.test", display_name="Someone else")
    assert caught.value.field == "email"
    assert "log in" in str(caught.value)
    assert user_count(svc) == 1


def test_sign_ups_are_limited_per_address(svc: Services, clock: Clock) -> None:
    for number in range(5):
        sign_up(svc, email=f"reader{number}@readers.test")
    clock.advance(600)

    with pytest.raises(TooManyRequests) as caught:
        sign_up(svc, email="sixth@readers.test")

    assert caught.value.retry_after == 3000
    assert "try again in 50 minutes" in str(caught.value)
    assert user_count(svc) == 5
    sign_up(svc, email="elsewhere@readers.test", address="203.0.113.9")
    clock.advance(3000)
    sign_up(svc, email="sixth@readers.test")


def test_a_refused_form_costs_no_attempt(svc: Services) -> None:
    for _ in range(10):
        refusal(svc, password="short")
    sign_up(svc)


# The community standards


def test_the_site_shows_the_default_standards_until_an_admin_writes_some(svc: Services) -> None:
    shown = standards.site_standards(svc)
    assert shown.text == DEFAULT_STANDARDS
    assert "<strong>Be civil.</strong>" in shown.html
    assert shown.updated_at is None


def test_an_admin_rewrites_the_sites_standards_and_can_bring_the_default_back(
    svc: Services, clock: Clock
) -> None:
    admin = make_admin(svc)

    shown = standards.set_site_standards(svc, admin, "Be *kind*.")

    assert shown.html == "<p>Be <em>kind</em>.</p>\n"
    assert shown.updated_at == clock.now
    assert standards.set_site_standards(svc, admin, "  ").text == DEFAULT_STANDARDS
    actions = [entry.action for entry in audit.entries(svc, admin)]
    assert actions.count("standards.changed") == 2


def test_only_admins_write_the_sites_standards(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    for actor in (None, editor, make_user(svc, "rita@readers.test", name="Rita")):
        with pytest.raises(Forbidden):
            standards.set_site_standards(svc, actor, "Anything goes.")
    assert standards.site_standards(svc).text == DEFAULT_STANDARDS


class Elements(HTMLParser):
    """Every element of a fragment and its attributes, as a browser would build them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<div onclick="alert(1)">hi</div>',
        "[x](http://example.org/ 'a\" onmouseover=\"alert(1)')",
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_the_standards_markdown_is_sanitised(svc: Services, text: str) -> None:
    shown = standards.set_site_standards(svc, make_admin(svc), text)

    elements = Elements(shown.html).found
    assert {tag for tag, _ in elements} <= {"p", "a"}
    for _, attrs in elements:
        assert not [name for name in attrs if name.startswith("on")], shown.html
        assert not str(attrs.get("href", "")).startswith("javascript"), shown.html
    assert shown.text == text


def test_a_javascript_link_in_the_standards_is_refused(svc: Services) -> None:
    with pytest.raises(Invalid) as caught:
        standards.set_site_standards(svc, make_admin(svc), "[x](javascript:alert(1))")
    assert set(caught.value.errors) == {"community_standards"}
    assert standards.site_standards(svc).text == DEFAULT_STANDARDS


def test_a_feed_may_have_its_own_standards_and_go_back_to_the_sites(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    make_feed(svc, editor, slug="election", title="Election night")
    standards.set_site_standards(svc, make_admin(svc), "The site's rules.")

    own = standards.set_feed_standards(svc, editor, "summit", "Summit **rules**.")

    assert (own.own, own.html) == (True, "<p>Summit <strong>rules</strong>.</p>\n")
    assert standards.feed_standards(svc, "summit")[1] == own
    other = standards.feed_standards(svc, "election")[1]
    assert (other.own, other.text) == (False, "The site's rules.")
    back = standards.set_feed_standards(svc, editor, "summit", "")
    assert (back.own, back.text) == (False, "The site's rules.")


def test_only_those_who_run_the_feed_set_its_standards(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    contributor = make_user(svc, "carl@newsroom.test", name="Carl")
    join(svc, contributor, "summit", FeedRole.CONTRIBUTOR)
    reader = make_user(svc, "rita@readers.test", name="Rita")

    for actor in (None, contributor, reader):
        with pytest.raises(Forbidden):
            standards.set_feed_standards(svc, actor, "summit", "Mine now.")
        assert standards.feed_standards_for_form(svc, actor, feed) is None
    assert standards.feed_standards_for_form(svc, editor, feed) == ""
    assert standards.feed_standards_for_form(svc, make_admin(svc), feed) == ""
    assert not standards.feed_standards(svc, "summit")[1].own


def test_a_reader_who_has_not_accepted_is_refused_by_the_comment_check(
    svc: Services, clock: Clock
) -> None:
    reader = make_user(svc, "rita@readers.test", name="Rita")
    with svc.db.write() as conn, pytest.raises(Invalid) as caught:
        standards.check_standards(conn, reader, "", clock.now)
    assert caught.value.errors == {STANDARDS_FIELD: MUST_ACCEPT}
    assert not readers.has_accepted_standards(svc, reader)


def test_accepting_with_a_first_comment_counts_once_and_for_all(
    svc: Services, clock: Clock
) -> None:
    reader = make_user(svc, "rita@readers.test", name="Rita")
    accepted_at = clock.now
    with svc.db.write() as conn:
        standards.check_standards(conn, reader, "on", clock.now)
    clock.advance(3600)
    with svc.db.write() as conn:
        standards.check_standards(conn, reader, "", clock.now)
        standards.check_standards(conn, reader, "on", clock.now)
    assert readers.account(svc, reader).standards_accepted_at == accepted_at


def test_accepting_from_the_standards_page_counts_too(svc: Services, clock: Clock) -> None:
    reader = make_user(svc, "rita@readers.test", name="Rita")
    readers.accept_standards(svc, reader)
    with svc.db.write() as conn:
        standards.check_standards(conn, reader, "", clock.now)
    assert readers.has_accepted_standards(svc, reader)


def test_a_guest_must_accept_with_every_comment(svc: Services, clock: Clock) -> None:
    with svc.db.write() as conn:
        standards.check_standards(conn, None, "on", clock.now)
        with pytest.raises(Invalid):
            standards.check_standards(conn, None, "", clock.now)


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


# Comments: accepting the standards first, the download, and what deleting does to them


def open_discussion(svc: Services, editor: User, moderation: str = "post") -> None:
    """The summit's discussion, open to signed-in readers; post-moderated unless told."""
    feed = reading.get_feed(svc, "summit")
    publishing.update_feed(
        svc, editor, "summit", feed.as_input() | {"discussion": "members", "moderation": moderation}
    )


def comment(svc: Services, who: User, body: str, **fields: object) -> Comment:
    return discussion.post_comment(svc, who, "summit", {"body": body, **fields}, address=ADDRESS)


def comment_events(svc: Services, slug: str = "summit") -> list[tuple[str, dict[str, object]]]:
    feed = reading.get_feed(svc, slug)
    with svc.db.read() as conn:
        logged = events.after(conn, feed.id, 0)
    return [(e.type.value, e.data) for e in logged if e.type.value.startswith("comment.")]


def stored_comments(svc: Services) -> list[dict[str, object]]:
    with svc.db.read() as conn:
        return [dict(row) for row in conn.execute(select(comments)).mappings()]


def test_a_first_comment_needs_the_standards_accepted(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    open_discussion(svc, editor)
    reader = make_user(svc, "rita@readers.test", name="Rita")

    for _ in range(8):  # more than the comment limit allows in a minute: none is counted
        with pytest.raises(Invalid) as caught:
            comment(svc, reader, "First!")
        assert caught.value.errors == {STANDARDS_FIELD: MUST_ACCEPT}
    assert stored_comments(svc) == []

    first = comment(svc, reader, "First!", accept_standards="on")
    second = comment(svc, reader, "And a second thought.")

    assert [c["id"] for c in stored_comments(svc)] == [first.id, second.id]
    assert readers.has_accepted_standards(svc, reader)


def test_a_reader_who_accepted_at_sign_up_comments_straight_away(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    open_discussion(svc, editor)
    reader = sign_up(svc).user

    assert comment(svc, reader, "Hello").body == "Hello"


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
