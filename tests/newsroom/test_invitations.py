"""Invitations: one-time links to join a feed's team, or the site; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from livefeed.access import accounts, audit
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.users import Role, User
from livefeed.newsroom import invitations, team
from livefeed.newsroom.invitations import EXPIRED, UNKNOWN, USED, WITHDRAWN, InvitationUnusable
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import members
from livefeed.store.schema import invitations as invitations_table
from livefeed.store.schema import users as users_table
from tests.conftest import Clock
from tests.factories import (
    PASSWORD,
    make_admin,
    make_contributor,
    make_editor,
    make_feed,
    make_user,
)

NEWCOMER = "nina@newsroom.test"


@pytest.fixture
def anna(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    return anna


def secret_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def counts(svc: Services) -> tuple[int, int]:
    with svc.db.read() as conn:
        people = conn.execute(select(func.count()).select_from(users_table)).scalar_one()
        sent = conn.execute(select(func.count()).select_from(invitations_table)).scalar_one()
    return int(people), int(sent)


def role_on_summit(svc: Services, user: User) -> FeedRole | None:
    with svc.db.read() as conn:
        feed = feed_store.get_by_slug(conn, "summit")
        assert feed is not None
        return members.role_of(conn, feed.id, user.id)


def unusable(svc: Services, secret: str) -> str:
    with pytest.raises(InvitationUnusable) as caught:
        invitations.look_up(svc, secret)
    return str(caught.value)


def test_an_editor_invites_and_the_newcomer_joins_the_team_signed_in(
    svc: Services, anna: User, clock: Clock
) -> None:
    made = invitations.invite(
        svc, anna, " Nina@Newsroom.test", feed_slug="summit", role="moderator"
    )
    assert made.url.startswith("http://livefeed.test/invitations/")
    secret = secret_of(made.url)
    with svc.db.read() as conn:
        row = conn.execute(select(invitations_table)).mappings().one()
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert (row["email"], row["feed_role"], row["expires_at"]) == (
        NEWCOMER, "moderator", clock.now + timedelta(days=7),
    )  # fmt: skip
    view = invitations.look_up(svc, secret)
    assert (view.feed and view.feed.slug, view.inviter, view.has_account) == (
        "summit", "Anna Editor", False,
    )  # fmt: skip
    session = invitations.accept_new(svc, secret, display_name="Nina", password=PASSWORD)
    assert accounts.session_user(svc, session.token) is not None
    nina = session.user
    assert (nina.email, nina.display_name, nina.role) == (NEWCOMER, "Nina", Role.MEMBER)
    assert role_on_summit(svc, nina) is FeedRole.MODERATOR
    assert accounts.log_in(svc, NEWCOMER, PASSWORD, address="192.0.2.1")
    actions = [(e.action, e.actor_email) for e in audit.entries(svc, make_admin(svc))]
    assert ("invitation.accepted", NEWCOMER) in actions
    assert ("invitation.created", anna.email) in actions


def test_a_link_works_once(svc: Services, anna: User) -> None:
    secret = secret_of(invitations.invite(svc, anna, NEWCOMER, feed_slug="summit",
                                          role="contributor").url)  # fmt: skip
    invitations.accept_new(svc, secret, display_name="Nina", password=PASSWORD)
    before = counts(svc)
    assert unusable(svc, secret) == USED
    with pytest.raises(InvitationUnusable, match="already been used"):
        invitations.accept_new(svc, secret, display_name="Nina again", password=PASSWORD)
    assert counts(svc) == before


def test_an_expired_link_creates_nothing(svc: Services, anna: User, clock: Clock) -> None:
    secret = secret_of(invitations.invite(svc, anna, NEWCOMER, feed_slug="summit",
                                          role="contributor").url)  # fmt: skip
    clock.advance(7 * 86_400)
    assert unusable(svc, secret) == EXPIRED
    with pytest.raises(InvitationUnusable):
        invitations.accept_new(svc, secret, display_name="Nina", password=PASSWORD)
    assert counts(svc) == (1, 1)


@pytest.mark.parametrize("secret", ["", "not-a-link", "x" * 200])
def test_an_unknown_link_is_said_to_be_invalid(svc: Services, anna: User, secret: str) -> None:
    invitations.invite(svc, anna, NEWCOMER, feed_slug="summit", role="contributor")
    assert unusable(svc, secret) == UNKNOWN


def test_a_link_dies_with_its_senders_right_to_invite(svc: Services, anna: User) -> None:
    ada = make_admin(svc)
    bea = make_user(svc, "bea@newsroom.test", name="Bea")
    team.set_member(svc, anna, "summit", bea.email, "editor")
    secret = secret_of(invitations.invite(svc, bea, NEWCOMER, feed_slug="summit",
                                          role="contributor").url)  # fmt: skip
    team.remove_member(svc, ada, "summit", bea.email)
    assert unusable(svc, secret) == WITHDRAWN
    with pytest.raises(InvitationUnusable):
        invitations.accept_new(svc, secret, display_name="Nina", password=PASSWORD)


def test_bad_name_or_password_keeps_the_link_usable(svc: Services, anna: User) -> None:
    secret = secret_of(invitations.invite(svc, anna, NEWCOMER, feed_slug="summit",
                                          role="contributor").url)  # fmt: skip
    with pytest.raises(Invalid) as caught:
        invitations.accept_new(svc, secret, display_name="", password="short")
    assert set(caught.value.errors) == {"display_name", "password"}
    assert counts(svc) == (1, 1)
    invitations.accept_new(svc, secret, display_name="Nina", password=PASSWORD)


def test_who_may_invite_whom(svc: Services, anna: User) -> None:
    carl = make_contributor(svc, "summit")
    with pytest.raises(Forbidden):
        invitations.invite(svc, carl, NEWCOMER, feed_slug="summit", role="contributor")
    with pytest.raises(Forbidden):
        invitations.invite(svc, None, NEWCOMER, feed_slug="summit", role="contributor")
    with pytest.raises(Forbidden):  # an editor invites to their feeds, not to the site
        invitations.invite(svc, anna, NEWCOMER)
    with pytest.raises(Forbidden):
        invitations.invite(svc, anna, NEWCOMER, feed_slug="summit", role="editor", admin=True)
    with pytest.raises(NotFound):
        invitations.invite(svc, anna, NEWCOMER, feed_slug="nowhere", role="editor")
    with pytest.raises(Invalid) as caught:
        invitations.invite(svc, anna, "nina", feed_slug="summit", role="owner")
    assert set(caught.value.errors) == {"email", "role"}
    assert counts(svc) == (2, 0)


def test_an_admin_invites_an_admin_to_no_feed(svc: Services, anna: User) -> None:
    ada = make_admin(svc)
    made = invitations.invite(svc, ada, NEWCOMER, admin=True)
    assert made.feed is None
    session = invitations.accept_new(
        svc, secret_of(made.url), display_name="Nina", password=PASSWORD
    )
    assert session.user.role is Role.ADMIN
    assert session.user.is_admin
    assert role_on_summit(svc, session.user) is None


def test_an_address_with_an_account_accepts_signed_in_as_itself(svc: Services, anna: User) -> None:
    nina = make_user(svc, NEWCOMER, name="Nina")
    other = make_user(svc, "otto@newsroom.test", name="Otto")
    secret = secret_of(invitations.invite(svc, anna, NEWCOMER, feed_slug="summit",
                                          role="contributor").url)  # fmt: skip
    assert invitations.look_up(svc, secret).has_account
    with pytest.raises(Conflict, match="sign in"):
        invitations.accept_new(svc, secret, display_name="Nina", password=PASSWORD)
    with pytest.raises(Forbidden, match="sign in first"):
        invitations.accept_signed_in(svc, None, secret)
    with pytest.raises(Forbidden, match=f"this invitation is for {NEWCOMER}"):
        invitations.accept_signed_in(svc, other, secret)
    assert role_on_summit(svc, nina) is None
    invitations.accept_signed_in(svc, nina, secret)
    assert role_on_summit(svc, nina) is FeedRole.CONTRIBUTOR
    assert unusable(svc, secret) == USED


def test_an_address_already_on_the_team_or_with_an_account_is_refused(
    svc: Services, anna: User
) -> None:
    carl = make_contributor(svc, "summit")
    ada = make_admin(svc)
    with pytest.raises(Conflict, match="already on the team"):
        invitations.invite(svc, anna, carl.email, feed_slug="summit", role="editor")
    with pytest.raises(Conflict, match="make them an admin"):
        invitations.invite(svc, ada, carl.email, admin=True)
    with pytest.raises(Conflict, match="already has an account"):
        invitations.invite(svc, ada, carl.email)
    assert counts(svc)[1] == 0


def test_the_team_page_lists_what_is_pending(svc: Services, anna: User, clock: Clock) -> None:
    invitations.invite(svc, anna, "old@newsroom.test", feed_slug="summit", role="contributor")
    clock.advance(6 * 86_400)
    invitations.invite(svc, anna, NEWCOMER, feed_slug="summit", role="moderator")
    used = invitations.invite(svc, anna, "used@newsroom.test", feed_slug="summit", role="editor")
    invitations.accept_new(svc, secret_of(used.url), display_name="Used", password=PASSWORD)
    clock.advance(86_400)
    assert [i.email for i in invitations.pending(svc, anna, "summit")] == [NEWCOMER]
    with pytest.raises(Forbidden):
        invitations.pending(svc, make_contributor(svc, "summit"), "summit")
