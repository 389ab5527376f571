"""Signing up as a reader: the account it makes, each field's checks, one account to an
address, and the limit on sign-ups from one place.

On SQLite and PostgreSQL, through the use case that the page calls.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from livefeed.access import accounts
from livefeed.discussion import reader_accounts as readers
from livefeed.domain.errors import Conflict, Invalid, TooManyRequests
from livefeed.domain.reader_accounts import STANDARDS_FIELD
from livefeed.domain.users import Role
from livefeed.services import Services
from livefeed.store.schema import users
from tests.conftest import Clock
from tests.discussion.signed_up_readers import ADDRESS, sign_up, user_count
from tests.factories import PASSWORD


def refusal(svc: Services, **changes: object) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        sign_up(svc, **changes)
    return caught.value.errors


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
