"""Banning readers from the discussion, on SQLite and PostgreSQL: for a time or for good, from
a feed or from the site, what a banned reader is told, and lifting a ban."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from livefeed.access import accounts, audit
from livefeed.discussion import bans
from livefeed.discussion import comments as discussion
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store.discussion_schema import bans as bans_table
from tests.conftest import Clock
from tests.factories import join, make_admin, make_editor, make_feed, make_moderator, make_user

ADDRESS = "198.51.100.7"


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="storm", title="Storm over the coast")
    for slug in ("summit", "storm"):
        feed = discussion.discussion_page(svc, slug).feed
        publishing.update_feed(svc, anna, slug, feed.as_input() | {"moderation": "post"})
    return anna


@pytest.fixture
def mo(svc: Services, editor: User) -> User:
    return make_moderator(svc, "summit")


@pytest.fixture
def rita(svc: Services) -> User:
    return make_user(svc, "rita@readers.test", name="Rita Reader")


@pytest.fixture
def sam(svc: Services) -> User:
    return make_user(svc, "sam@readers.test", name="Sam Reader")


def say(svc: Services, clock: Clock, who: User, body: str, slug: str = "summit") -> Comment:
    clock.advance(180)
    return discussion.post_comment(
        svc, who, slug, {"body": body, "accept_standards": "on"}, address=ADDRESS
    )


def report(svc: Services, who: User, comment: Comment) -> Comment:
    return discussion.report_comment(svc, who, comment.id, {"reason": "spam"}, address=ADDRESS)


def ban_count(svc: Services) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(bans_table)).scalar_one())


WEEK: dict[str, Any] = {"length": "7d", "reason": "Spam, again and again"}


def test_a_feed_ban_refuses_comments_and_reports_there_saying_until_when(
    svc: Services, clock: Clock, mo: User, rita: User, sam: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    ban = bans.ban_author(svc, mo, spam.id, WEEK)
    assert (ban.user_name, ban.feed_title, ban.banned_by) == (
        "Rita Reader",
        "Summit in Geneva: live",
        "Mo Moderator",
    )
    assert ban.expires_at == clock.now + timedelta(days=7)
    until = "until 2 December 2026, 18:03 UTC"
    with pytest.raises(Forbidden) as refused:
        say(svc, clock, rita, "Let me back in")
    assert str(refused.value) == (
        f"you are banned from this feed’s discussion {until}; reason: Spam, again and again"
    )
    fine = say(svc, clock, sam, "Reasonable words")
    with pytest.raises(Forbidden, match="until 2 December 2026"):
        report(svc, rita, fine)
    # Other feeds' discussions are still open to her.
    assert say(svc, clock, rita, "On the storm", slug="storm").state is CommentState.APPROVED


def test_a_time_limited_ban_runs_out_by_itself(
    svc: Services, clock: Clock, mo: User, rita: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    bans.ban_author(svc, mo, spam.id, {"length": "1d", "reason": "Cool off"})
    clock.advance(23 * 3600)
    with pytest.raises(Forbidden, match="until 26 November 2026"):
        say(svc, clock, rita, "Still here")
    clock.advance(3600)
    assert say(svc, clock, rita, "Back").state is CommentState.APPROVED
    assert bans.bans_in_force(svc, mo) == []


def test_a_ban_for_good_never_runs_out(svc: Services, clock: Clock, mo: User, rita: User) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    ban = bans.ban_author(svc, mo, spam.id, {"length": "forever", "reason": "Bot"})
    assert ban.forever
    clock.advance(400 * 86400)
    with pytest.raises(Forbidden, match="discussion for good; reason: Bot"):
        say(svc, clock, rita, "Years later")


def test_a_site_wide_ban_is_for_admins_and_bars_every_feed(
    svc: Services, clock: Clock, mo: User, rita: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    site = {"length": "30d", "reason": "Spam everywhere", "scope": "site"}
    with pytest.raises(Forbidden, match="administrator"):
        bans.ban_author(svc, mo, spam.id, site)
    ban = bans.ban_author(svc, make_admin(svc), spam.id, site)
    assert ban.site_wide
    for slug in ("summit", "storm"):
        with pytest.raises(Forbidden, match="every discussion on this site until 25 December"):
            say(svc, clock, rita, "Hello", slug=slug)


def test_the_longest_ban_in_force_is_the_one_told(
    svc: Services, clock: Clock, mo: User, rita: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    bans.ban_author(svc, mo, spam.id, {"length": "forever", "reason": "For good"})
    bans.ban_author(svc, make_admin(svc), spam.id, WEEK | {"scope": "site"})
    with pytest.raises(Forbidden, match="for good; reason: For good"):
        say(svc, clock, rita, "Hello")


def test_a_ban_ends_the_readers_sessions(
    svc: Services, clock: Clock, mo: User, rita: User, sam: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    hers = accounts.open_session(svc, rita)
    his = accounts.open_session(svc, sam)
    bans.ban_author(svc, mo, spam.id, WEEK)
    assert accounts.session_user(svc, hers.token) is None
    assert accounts.session_user(svc, his.token) is not None


def test_lifting_a_ban(svc: Services, clock: Clock, editor: User, mo: User, rita: User) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    ban = bans.ban_author(svc, mo, spam.id, WEEK)
    assert [b.id for b in bans.bans_in_force(svc, mo)] == [ban.id]
    mia = make_user(svc, "mia@newsroom.test", name="Mia Moderator")
    join(svc, mia, "storm", FeedRole.MODERATOR)
    with pytest.raises(Forbidden):
        bans.lift(svc, mia, ban.id)
    assert bans.bans_in_force(svc, mia) == []
    lifted = bans.lift(svc, editor, ban.id)
    assert lifted.lifted_by == "Anna Editor"
    with pytest.raises(Conflict, match="already lifted by Anna Editor"):
        bans.lift(svc, mo, ban.id)
    with pytest.raises(NotFound):
        bans.lift(svc, mo, ban.id + 100)
    assert say(svc, clock, rita, "Thank you").state is CommentState.APPROVED
    assert bans.bans_in_force(svc, mo) == []


def test_a_site_wide_ban_is_lifted_by_admins_only(
    svc: Services, clock: Clock, mo: User, rita: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    ada = make_admin(svc)
    ban = bans.ban_author(svc, ada, spam.id, WEEK | {"scope": "site"})
    with pytest.raises(Forbidden, match="administrator"):
        bans.lift(svc, mo, ban.id)
    # A moderator's list shows their feeds' bans; an admin's shows the site-wide ones too.
    assert bans.bans_in_force(svc, mo) == []
    assert [b.id for b in bans.bans_in_force(svc, ada)] == [ban.id]
    assert bans.lift(svc, ada, ban.id).lifted_at == clock.now


def test_who_cannot_be_banned(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User
) -> None:
    ada = make_admin(svc)
    staff = [say(svc, clock, who, f"Words of {who.display_name}") for who in (editor, mo, ada)]
    for comment in staff:
        with pytest.raises(Forbidden):
            bans.ban_author(svc, mo if comment.author_id != mo.id else editor, comment.id, WEEK)
    with pytest.raises(Forbidden, match="cannot ban yourself"):
        bans.ban_author(svc, mo, staff[1].id, WEEK)
    # A member of another feed's team is a reader here, but not for a site-wide ban.
    mia = make_user(svc, "mia@newsroom.test", name="Mia Moderator")
    join(svc, mia, "storm", FeedRole.MODERATOR)
    hers = say(svc, clock, mia, "Off duty")
    with pytest.raises(Forbidden, match="on the team of a feed"):
        bans.ban_author(svc, ada, hers.id, WEEK | {"scope": "site"})
    assert bans.ban_author(svc, mo, hers.id, WEEK).user_name == "Mia Moderator"
    assert ban_count(svc) == 1


def test_a_guest_is_banned_without_an_account(
    svc: Services, clock: Clock, editor: User, mo: User
) -> None:
    """Banned by keyed hashes (see test_guest_bans.py): no reader's ban is stored."""
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"discussion": "guests"})
    guest = discussion.post_comment(
        svc, None, "summit", {"body": "Hi", "name": "Gus", "accept_standards": "on"},
        address=ADDRESS,
    )  # fmt: skip
    made = bans.ban_author(svc, mo, guest.id, WEEK)
    assert made.user_name == "Gus"
    assert ban_count(svc) == 0


def test_a_ban_is_checked_whole_and_nothing_is_stored_when_it_is_wrong(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    with pytest.raises(Invalid) as refused:
        bans.ban_author(svc, mo, spam.id, {"length": "2d", "reason": " ", "scope": "planet"})
    assert refused.value.errors == {
        "length": "must be one of 1d, 7d, 30d or forever",
        "scope": "must be one of feed or site",
        "reason": "say why, for the other moderators and for the record",
    }
    with pytest.raises(Invalid, match="one line"):
        bans.ban_author(svc, mo, spam.id, {"length": "1d", "reason": "a\nb"})
    # Asked as a comment of another feed: not found there, by someone who moderates it.
    with pytest.raises(NotFound):
        bans.ban_author(svc, editor, spam.id, WEEK, feed_slug="storm")
    with pytest.raises(Forbidden):
        bans.ban_author(svc, mo, spam.id, WEEK, feed_slug="storm")
    with pytest.raises(Invalid) as no_comment:
        bans.ban_author(svc, mo, "twelve", WEEK, feed_slug="summit")
    assert no_comment.value.errors == {
        "comment_id": "must be the id of one of the reader's comments"
    }
    with pytest.raises(Forbidden):
        bans.ban_author(svc, None, spam.id, WEEK)
    assert ban_count(svc) == 0


def test_bans_and_lifts_are_in_the_audit_log(
    svc: Services, clock: Clock, mo: User, rita: User
) -> None:
    spam = say(svc, clock, rita, "Buy pills")
    ban = bans.ban_author(svc, mo, spam.id, WEEK)
    bans.lift(svc, mo, ban.id)
    ada = make_admin(svc)
    lines = [e for e in audit.entries(svc, ada) if e.action.startswith("reader.")]
    assert [(e.action, e.subject, e.actor_email) for e in lines] == [
        ("reader.unbanned", "rita@readers.test", "mo@newsroom.test"),
        ("reader.banned", "rita@readers.test", "mo@newsroom.test"),
    ]
    assert lines[1].detail["until"] == "until 2 December 2026, 18:03 UTC"
    assert lines[1].detail["reason"] == "Spam, again and again"
