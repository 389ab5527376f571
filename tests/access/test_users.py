"""Administrators run the accounts: disable, enable, site roles; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from livefeed.access import accounts, audit, tokens, users
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from livefeed.domain.tokens import REFUSED_REVOKED
from livefeed.domain.users import Role, User
from livefeed.services import Services
from livefeed.store.schema import sessions
from livefeed.store.schema import users as users_table
from tests.factories import make_admin, make_contributor, make_editor, make_feed, make_user


@pytest.fixture
def ada(svc: Services) -> User:
    return make_admin(svc)


def stored(svc: Services, email: str) -> tuple[str, bool]:
    with svc.db.read() as conn:
        row = conn.execute(
            select(users_table.c.role, users_table.c.disabled).where(users_table.c.email == email)
        ).one()
    return row.role, row.disabled


def session_count(svc: Services, user: User) -> int:
    with svc.db.read() as conn:
        return len(conn.execute(select(sessions).where(sessions.c.user_id == user.id)).all())


def test_disabling_ends_sessions_and_tokens_at_once(svc: Services, ada: User) -> None:
    carl = make_user(svc, "carl@newsroom.test", name="Carl")
    session = accounts.open_session(svc, carl)
    secret = tokens.create(svc, carl, carl.email).secret
    users.disable(svc, ada, carl.email)
    assert accounts.session_user(svc, session.token) is None
    assert session_count(svc, carl) == 0
    assert tokens.user_of(svc, secret) is None
    assert stored(svc, carl.email) == ("member", True)
    [line, *_] = audit.entries(svc, ada)
    assert (line.action, line.subject, line.actor_email) == ("user.disabled", carl.email, ada.email)
    assert line.detail == {"tokens_revoked": 1}


def test_enabling_lets_them_in_again_but_old_tokens_stay_revoked(svc: Services, ada: User) -> None:
    carl = make_user(svc, "carl@newsroom.test", name="Carl")
    secret = tokens.create(svc, carl, carl.email).secret
    users.disable(svc, ada, carl.email)
    enabled = users.enable(svc, ada, carl.email)
    assert not enabled.disabled
    assert accounts.log_in(svc, carl.email, "correct horse battery staple", address="192.0.2.1")
    with pytest.raises(Unauthorized) as caught:
        tokens.authenticate(svc, secret)
    assert str(caught.value) == REFUSED_REVOKED
    assert [e.action for e in audit.entries(svc, ada)][:3] == [
        "login", "user.enabled", "user.disabled",
    ]  # fmt: skip


def test_only_admins_disable_and_nothing_changes_otherwise(svc: Services, ada: User) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna)
    carl = make_contributor(svc, "summit")
    session = accounts.open_session(svc, carl)
    for actor in (anna, carl, None):
        with pytest.raises(Forbidden):
            users.disable(svc, actor, carl.email)
        with pytest.raises(Forbidden):
            users.set_site_role(svc, actor, carl.email, "admin")
    assert stored(svc, carl.email) == ("member", False)
    assert accounts.session_user(svc, session.token) is not None


def test_an_admin_through_a_scoped_token_is_no_admin(svc: Services, ada: User) -> None:
    carl = make_user(svc, "carl@newsroom.test")
    scoped = tokens.authenticate(svc, tokens.create(svc, ada, ada.email, role="editor").secret)
    with pytest.raises(Forbidden):
        users.disable(svc, scoped, carl.email)


def test_an_admin_cannot_disable_themselves(svc: Services, ada: User) -> None:
    make_admin_two(svc)
    with pytest.raises(Conflict, match="your own account"):
        users.disable(svc, ada, ada.email)
    assert stored(svc, ada.email) == ("admin", False)


def test_the_last_enabled_admin_cannot_step_down(svc: Services, ada: User) -> None:
    with pytest.raises(Conflict, match="needs an enabled administrator"):
        users.set_site_role(svc, ada, ada.email, "member")
    assert stored(svc, ada.email) == ("admin", False)


def test_an_admin_steps_down_once_there_is_another(svc: Services, ada: User) -> None:
    bob = make_admin_two(svc)
    users.disable(svc, ada, bob.email)
    # Bob is disabled: he does not count, so Ada is still the last one.
    with pytest.raises(Conflict):
        users.set_site_role(svc, ada, ada.email, "member")
    users.enable(svc, ada, bob.email)
    changed = users.set_site_role(svc, ada, ada.email, "member")
    assert changed.role is Role.MEMBER
    line = audit.entries(svc, bob)[0]
    assert (line.action, line.detail) == (
        "user.role_changed", {"previous": "admin", "role": "member"},
    )  # fmt: skip


def test_a_member_is_made_an_admin(svc: Services, ada: User) -> None:
    carl = make_user(svc, "carl@newsroom.test")
    assert users.set_site_role(svc, ada, " CARL@newsroom.test", "Admin").role is Role.ADMIN
    assert stored(svc, carl.email) == ("admin", False)


def test_bad_input_names_its_field(svc: Services, ada: User) -> None:
    make_user(svc, "carl@newsroom.test")
    with pytest.raises(Invalid) as caught:
        users.set_site_role(svc, ada, "carl@newsroom.test", "editor")
    assert caught.value.errors == {"role": "must be admin or member"}
    with pytest.raises(Invalid) as caught:
        users.disable(svc, ada, "not an address")
    assert list(caught.value.errors) == ["email"]
    with pytest.raises(NotFound):
        users.enable(svc, ada, "nobody@newsroom.test")


def test_the_list_shows_every_account_with_its_teams(svc: Services, ada: User) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="election", title="Election night")
    make_contributor(svc, "summit")
    rows = {row.user.email: row for row in users.list_users(svc, ada)}
    assert set(rows) == {ada.email, anna.email, "carl@newsroom.test"}
    assert rows[anna.email].teams == (("election", FeedRole.EDITOR), ("summit", FeedRole.EDITOR))
    assert rows["carl@newsroom.test"].teams == (("summit", FeedRole.CONTRIBUTOR),)
    with pytest.raises(Forbidden):
        users.list_users(svc, anna)


def make_admin_two(svc: Services) -> User:
    return make_user(svc, "bob@newsroom.test", Role.ADMIN, "Bob Admin")
