"""API tokens: scoped, expiring, revocable, shown once, kept as a hash; SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from livefeed.access import audit, tokens
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from livefeed.domain.tokens import (
    REFUSED_DISABLED,
    REFUSED_EXPIRED,
    REFUSED_REVOKED,
    REFUSED_UNKNOWN,
    parse_lifetime,
)
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store.schema import api_tokens, posts
from livefeed.store.schema import users as users_table
from tests.conftest import Clock
from tests.factories import make_admin, make_contributor, make_editor, make_feed, make_user


@pytest.fixture
def anna(svc: Services) -> User:
    """Editor of two feeds: the summit and the election."""
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="election", title="Election night")
    return anna


def token_rows(svc: Services) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(api_tokens)).scalar_one())


def post_count(svc: Services) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(posts)).scalar_one())


def refusal(svc: Services, secret: str) -> str:
    with pytest.raises(Unauthorized) as caught:
        tokens.authenticate(svc, secret)
    return str(caught.value)


# Making tokens


def test_a_token_is_shown_once_and_kept_as_its_hash(svc: Services, anna: User) -> None:
    made = tokens.create(svc, anna, anna.email, name="Wire importer")
    assert made.secret.startswith("lf_")
    assert len(made.secret) > 40
    with svc.db.read() as conn:
        row = conn.execute(select(api_tokens)).mappings().one()
    assert row["token_hash"] == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {str(value) for value in row.values()}
    assert (row["name"], row["feed_ids"], row["role"], row["expires_at"]) == (
        "Wire importer", None, None, None,
    )  # fmt: skip
    assert tokens.authenticate(svc, made.secret).id == anna.id


def test_a_scoped_token_carries_its_feeds_role_and_end(
    svc: Services, anna: User, clock: Clock
) -> None:
    made = tokens.create(svc, anna, anna.email, feeds=["summit"], role="contributor", expires="30d")
    assert made.token.expires_at == clock.now + timedelta(days=30)
    assert made.feed_slugs == ("summit",)
    user = tokens.authenticate(svc, made.secret)
    assert user.scope is not None
    assert user.scope.role is FeedRole.CONTRIBUTOR
    assert tokens.describe_scope(made) == "summit; as contributor"


def test_bad_scopes_are_refused_each_named_and_nothing_is_stored(svc: Services, anna: User) -> None:
    with pytest.raises(Invalid) as caught:
        tokens.create(
            svc, anna, anna.email, name="x\ny", role="owner", expires="soon", feeds=["nowhere"]
        )
    assert set(caught.value.errors) == {"name", "role", "expires", "feeds"}
    with pytest.raises(Invalid) as caught:
        tokens.create(svc, anna, anna.email, feeds=["nowhere"])
    assert caught.value.errors == {"feeds": "there is no feed called “nowhere”"}
    assert token_rows(svc) == 0


def test_a_member_cannot_scope_a_token_to_a_feed_whose_team_they_are_not_on(
    svc: Services, anna: User
) -> None:
    carl = make_contributor(svc, "summit")
    with pytest.raises(Invalid) as caught:
        tokens.create(svc, carl, carl.email, feeds=["election"])
    assert caught.value.errors == {"feeds": "carl@newsroom.test is not on the team of “election”"}
    assert token_rows(svc) == 0


def test_only_the_owner_or_an_admin_makes_an_accounts_tokens(svc: Services, anna: User) -> None:
    carl = make_contributor(svc, "summit")
    with pytest.raises(Forbidden):
        tokens.create(svc, carl, anna.email)
    with pytest.raises(Forbidden):
        tokens.create(svc, None, anna.email)
    assert token_rows(svc) == 0
    ada = make_admin(svc)
    made = tokens.create(svc, ada, carl.email, feeds=["summit"])
    assert made.token.user_id == carl.id


@pytest.mark.parametrize(
    ("text", "days"), [("30d", 30), ("12h", 0.5), ("2w", 14), ("1y", 365), (" 7D ", 7)]
)
def test_lifetimes_are_read_from_a_short_form(text: str, days: float) -> None:
    assert parse_lifetime(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["never", "", "none"])
def test_never_means_no_end(text: str) -> None:
    assert parse_lifetime(text) is None


@pytest.mark.parametrize("text", ["30", "0d", "-1d", "11y", "30 days", "1.5d", 30])
def test_bad_lifetimes_are_refused(text: object) -> None:
    with pytest.raises(Invalid) as caught:
        parse_lifetime(text)
    assert list(caught.value.errors) == ["expires"]


# Using them


def test_a_token_scoped_to_one_feed_cannot_touch_another(svc: Services, anna: User) -> None:
    made = tokens.create(svc, anna, anna.email, feeds=["summit"])
    scoped = tokens.authenticate(svc, made.secret)
    publishing.publish_post(svc, scoped, "summit", {"headline": "Allowed here"})
    with pytest.raises(Forbidden):
        publishing.publish_post(svc, scoped, "election", {"headline": "Not here"})
    assert post_count(svc) == 1


def test_a_contributor_scoped_token_of_an_editor_cannot_publish(svc: Services, anna: User) -> None:
    made = tokens.create(svc, anna, anna.email, role="contributor")
    scoped = tokens.authenticate(svc, made.secret)
    with pytest.raises(Forbidden):
        publishing.publish_post(svc, scoped, "summit", {"headline": "Not as a contributor"})
    assert post_count(svc) == 0


def test_a_scope_never_widens_what_the_account_may_do(svc: Services, anna: User) -> None:
    carl = make_contributor(svc, "summit")
    made = tokens.create(svc, carl, carl.email, feeds=["summit"], role="editor")
    with pytest.raises(Forbidden):
        publishing.publish_post(svc, tokens.authenticate(svc, made.secret), "summit",
                                {"headline": "Carl is no editor"})  # fmt: skip
    assert post_count(svc) == 0


def test_an_expired_token_is_refused_as_expired(svc: Services, anna: User, clock: Clock) -> None:
    made = tokens.create(svc, anna, anna.email, expires="1h")
    clock.advance(3599)
    assert tokens.authenticate(svc, made.secret).id == anna.id
    clock.advance(1)
    assert refusal(svc, made.secret) == REFUSED_EXPIRED


def test_a_revoked_token_is_refused_as_revoked_at_once(svc: Services, anna: User) -> None:
    made = tokens.create(svc, anna, anna.email)
    tokens.authenticate(svc, made.secret)
    revoked = tokens.revoke(svc, anna, made.token.id)
    assert revoked.revoked_at is not None
    assert refusal(svc, made.secret) == REFUSED_REVOKED
    with pytest.raises(Conflict):
        tokens.revoke(svc, anna, made.token.id)


def test_a_token_of_a_disabled_account_is_refused(svc: Services, anna: User) -> None:
    made = tokens.create(svc, anna, anna.email)
    with svc.db.write() as conn:
        conn.execute(users_table.update().values(disabled=True))
    assert refusal(svc, made.secret) == REFUSED_DISABLED


@pytest.mark.parametrize("secret", ["", "lf_not-a-token", "x" * 101])
def test_a_string_that_is_no_token_is_only_unknown(svc: Services, anna: User, secret: str) -> None:
    tokens.create(svc, anna, anna.email)
    assert refusal(svc, secret) == REFUSED_UNKNOWN


def test_last_use_is_noted_at_most_every_few_minutes(
    svc: Services, anna: User, clock: Clock
) -> None:
    made = tokens.create(svc, anna, anna.email)
    assert made.token.last_used_at is None
    first = clock.now
    tokens.authenticate(svc, made.secret)
    clock.advance(60)
    tokens.authenticate(svc, made.secret)
    [row] = tokens.list_tokens(svc, anna, anna.email)
    assert row.token.last_used_at == first
    clock.advance(300)
    tokens.authenticate(svc, made.secret)
    [row] = tokens.list_tokens(svc, anna, anna.email)
    assert row.token.last_used_at == clock.now


# Listing and revoking


def test_the_owner_lists_their_tokens_newest_first_with_their_state(
    svc: Services, anna: User, clock: Clock
) -> None:
    old = tokens.create(svc, anna, anna.email, name="old", expires="1d")
    new = tokens.create(svc, anna, anna.email, name="new", feeds=["election", "summit"])
    clock.advance(86_400)
    rows = tokens.list_tokens(svc, anna, anna.email)
    assert [row.token.id for row in rows] == [new.token.id, old.token.id]
    assert [row.token.state(clock.now) for row in rows] == ["active", "expired"]
    assert rows[0].feed_slugs == ("election", "summit")


def test_tokens_are_listed_for_their_owner_and_admins_only(svc: Services, anna: User) -> None:
    carl = make_contributor(svc, "summit")
    tokens.create(svc, anna, anna.email)
    with pytest.raises(Forbidden):
        tokens.list_tokens(svc, carl, anna.email)
    assert len(tokens.list_tokens(svc, make_admin(svc), anna.email)) == 1


def test_someone_elses_token_is_not_found_and_stays(svc: Services, anna: User) -> None:
    carl = make_contributor(svc, "summit")
    made = tokens.create(svc, anna, anna.email)
    with pytest.raises(NotFound):
        tokens.revoke(svc, carl, made.token.id)
    assert tokens.authenticate(svc, made.secret).id == anna.id
    tokens.revoke(svc, make_admin(svc), made.token.id)
    assert refusal(svc, made.secret) == REFUSED_REVOKED


def test_making_and_revoking_are_in_the_audit_log(svc: Services, anna: User) -> None:
    made = tokens.create(svc, anna, anna.email, name="Importer", feeds=["summit"], expires="2w")
    tokens.revoke(svc, anna, made.token.id)
    ada = make_admin(svc)
    lines = audit.entries(svc, ada)
    revoked, created = lines[0], lines[1]
    assert (revoked.action, revoked.subject, revoked.actor_email) == (
        "token.revoked", anna.email, anna.email,
    )  # fmt: skip
    assert revoked.detail == {"name": "Importer", "token_id": made.token.id}
    assert created.action == "token.created"
    assert created.detail["feeds"] == ["summit"]
    assert created.detail["name"] == "Importer"


def test_the_old_helper_makes_an_unscoped_token_for_its_owner(svc: Services) -> None:
    from livefeed.access import accounts

    user = make_user(svc, "wire@newsroom.test")
    secret = accounts.create_token(svc, user.email, "wire")
    found = accounts.token_user(svc, secret)
    assert found is not None
    assert found.id == user.id
    assert found.scope is None
