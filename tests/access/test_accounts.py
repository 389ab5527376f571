"""Accounts, desk sessions, API tokens and login throttling, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from livefeed.access import accounts
from livefeed.domain.errors import Conflict, Invalid, NotFound, TooManyRequests
from livefeed.domain.users import Role, User
from livefeed.services import Services
from livefeed.store.schema import api_tokens, sessions, users
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_editor, make_user

ADDRESS = "192.0.2.10"
# The login limit counts outside the database, whatever it is: its tests run once, on SQLite,
# as every password check costs a real argon2 verification.
throttle_test = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def stored(svc: Services, email: str) -> dict[str, object]:
    with svc.db.read() as conn:
        row = conn.execute(select(users).where(users.c.email == email)).mappings().one()
    return dict(row)


def disable(svc: Services, user: User) -> None:
    with svc.db.write() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(disabled=True))


def log_in(svc: Services, email: str = "anna@newsroom.test", password: str = PASSWORD,
           address: str = ADDRESS) -> accounts.Session:  # fmt: skip
    return accounts.log_in(svc, email, password, address=address)


def login_error(svc: Services, email: str, password: str, address: str = ADDRESS) -> Invalid:
    with pytest.raises(Invalid) as caught:
        log_in(svc, email, password, address)
    return caught.value


# Adding users


def test_add_user_keeps_only_an_argon2id_hash(svc: Services, clock: Clock) -> None:
    user = accounts.add_user(
        svc, "  Anna@Newsroom.TEST ", PASSWORD, role=Role.MEMBER, display_name="Anna"
    )
    assert (user.email, user.display_name, user.role, user.disabled) == (
        "anna@newsroom.test",
        "Anna",
        Role.MEMBER,
        False,
    )
    assert user.created_at == clock.now
    row = stored(svc, "anna@newsroom.test")
    password_hash = str(row["password_hash"])
    assert password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash


@throttle_test
def test_production_hashes_at_rfc_9106_cost_and_tests_hashes_are_raised_to_it_at_login(
    svc: Services,
) -> None:
    production = Services.build(svc.settings, clock=svc.clock)
    try:
        hasher = production.passwords.hasher
        assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
        make_editor(svc)  # hashed at the tests' cheap cost
        cheap = str(stored(svc, "anna@newsroom.test")["password_hash"])
        assert "m=8,t=1,p=1" in cheap
        accounts.log_in(production, "anna@newsroom.test", PASSWORD, address=ADDRESS)
        raised = str(stored(svc, "anna@newsroom.test")["password_hash"])
        assert "m=65536,t=3,p=4" in raised
        assert production.passwords.verify(raised, PASSWORD)
        assert not production.passwords.verify(raised, "not the password at all")
        assert not production.passwords.verify(None, PASSWORD)
    finally:
        production.close()


def test_importing_the_package_hashes_nothing() -> None:
    # Run in a fresh interpreter: what importing every module costs, it costs every process.
    script = (
        "import argon2, pkgutil, importlib, livefeed\n"
        "calls = []\n"
        "real = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
        "for m in pkgutil.walk_packages(livefeed.__path__, 'livefeed.'):\n"
        "    if '.migrations' not in m.name and not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print(len(calls))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"


def test_a_user_without_a_name_is_called_by_their_address(svc: Services) -> None:
    user = accounts.add_user(svc, "carl@newsroom.test", PASSWORD)
    assert (user.display_name, user.role) == ("carl", Role.MEMBER)


def test_two_users_with_one_password_get_different_hashes(svc: Services) -> None:
    make_user(svc, "anna@newsroom.test")
    make_user(svc, "bo@newsroom.test")
    assert (
        stored(svc, "anna@newsroom.test")["password_hash"]
        != stored(svc, "bo@newsroom.test")["password_hash"]
    )


def test_an_address_is_taken_once_whatever_its_case(svc: Services) -> None:
    make_editor(svc)
    with pytest.raises(Conflict) as caught:
        accounts.add_user(svc, "ANNA@newsroom.test", "another long password")
    assert caught.value.field == "email"
    with svc.db.read() as conn:
        assert len(conn.execute(select(users.c.id)).all()) == 1


@pytest.mark.parametrize(
    ("email", "password", "fields"),
    [
        ("anna@newsroom.test", "short", {"password"}),
        ("anna@newsroom.test", "x" * 201, {"password"}),
        ("not-an-address", PASSWORD, {"email"}),
        ("", PASSWORD, {"email"}),
        ("two@at@signs.test", "short", {"email", "password"}),
    ],
)
def test_bad_accounts_are_refused_and_not_stored(
    svc: Services, email: str, password: str, fields: set[str]
) -> None:
    with pytest.raises(Invalid) as caught:
        accounts.add_user(svc, email, password)
    assert set(caught.value.errors) == fields
    with svc.db.read() as conn:
        assert conn.execute(select(users.c.id)).all() == []


def test_a_password_of_ten_characters_is_long_enough(svc: Services) -> None:
    accounts.add_user(svc, "anna@newsroom.test", "x" * 10)
    assert log_in(svc, password="x" * 10).user.email == "anna@newsroom.test"


# Logging in


def test_log_in_opens_a_session(svc: Services, clock: Clock) -> None:
    user = make_editor(svc)
    session = log_in(svc, email=" ANNA@newsroom.test ")
    assert session.user == user
    assert len(session.token) >= 40
    assert session.csrf_token
    assert session.csrf_token != session.token
    found = accounts.session_user(svc, session.token)
    assert found is not None
    assert (found.user, found.csrf_token) == (user, session.csrf_token)
    with svc.db.read() as conn:
        (row,) = conn.execute(select(sessions)).mappings().all()
    # Only a hash of the cookie is kept: a copy of the database opens no session.
    assert row["id_hash"] != session.token
    assert session.token not in row["id_hash"]
    assert row["created_at"] == clock.now
    assert row["expires_at"] == clock.now + timedelta(days=svc.settings.session_days)


def test_each_login_gets_a_new_session(svc: Services) -> None:
    make_editor(svc)
    first, second = log_in(svc), log_in(svc)
    assert first.token != second.token
    assert first.csrf_token != second.csrf_token
    assert accounts.session_user(svc, first.token) is not None
    assert accounts.session_user(svc, second.token) is not None


def test_unknown_address_and_wrong_password_read_the_same(svc: Services) -> None:
    make_editor(svc)
    unknown = login_error(svc, "nobody@newsroom.test", PASSWORD)
    wrong = login_error(svc, "anna@newsroom.test", "not the password")
    assert unknown.errors == wrong.errors == {"password": accounts.LOGIN_FAILED}


def test_a_session_ends_at_log_out(svc: Services) -> None:
    make_editor(svc)
    kept, ended = log_in(svc), log_in(svc)
    accounts.log_out(svc, ended.token)
    assert accounts.session_user(svc, ended.token) is None
    assert accounts.session_user(svc, kept.token) is not None


def test_a_session_expires(svc: Services, clock: Clock) -> None:
    make_editor(svc)
    session = log_in(svc)
    clock.advance(svc.settings.session_days * 86400 - 1)
    assert accounts.session_user(svc, session.token) is not None
    clock.advance(1)
    assert accounts.session_user(svc, session.token) is None


@pytest.mark.parametrize("token", ["", "made-up", "x" * 101])
def test_unknown_session_tokens_find_nobody(svc: Services, token: str) -> None:
    make_editor(svc)
    log_in(svc)
    assert accounts.session_user(svc, token) is None


# Throttling: failures count per account and address together, and per address across accounts

STRANGER = "198.51.100.66"
DAY = 24 * 60 * 60


def refused_login(
    svc: Services, address: str, email: str = "anna@newsroom.test"
) -> TooManyRequests:
    """The right password, refused all the same."""
    with pytest.raises(TooManyRequests) as caught:
        log_in(svc, email, address=address)
    return caught.value


@throttle_test
def test_a_strangers_failures_never_lock_the_owner_out(svc: Services, clock: Clock) -> None:
    make_editor(svc)
    limit = svc.settings.login_attempts
    for _ in range(limit):
        login_error(svc, "anna@newsroom.test", "guess", address=STRANGER)
    for _ in range(50 - limit):
        with pytest.raises(TooManyRequests):
            log_in(svc, "anna@newsroom.test", "guess", STRANGER)

    assert log_in(svc, address=ADDRESS).user.email == "anna@newsroom.test"

    # From the stranger's network, even the right password waits out the window.
    clock.advance(60)
    refused = refused_login(svc, STRANGER)
    assert refused.retry_after == 14 * 60
    assert str(refused) == (
        "too many failed logins for this account from your network: try again in 14 minutes"
    )
    clock.advance(14 * 60 - 1)
    assert refused_login(svc, STRANGER).retry_after == 1
    clock.advance(1)
    assert log_in(svc, address=STRANGER).user.email == "anna@newsroom.test"


@throttle_test
def test_a_pair_that_keeps_guessing_waits_longer_and_longer(svc: Services, clock: Clock) -> None:
    make_editor(svc)
    limit = svc.settings.login_attempts
    waits = []
    for _ in range(4):
        for _ in range(limit):
            login_error(svc, "anna@newsroom.test", "guess", address=STRANGER)
        waits.append(refused_login(svc, STRANGER).retry_after)
        clock.advance(15 * 60)

    # Four rounds within a day: the next waits for the first of them to be a day old.
    assert waits[:3] == [15 * 60] * 3
    assert waits[3] == DAY - 3 * 15 * 60
    assert "try again in 23 hours" in str(refused_login(svc, STRANGER))
    assert log_in(svc, address=ADDRESS).user.email == "anna@newsroom.test"
    clock.advance(DAY - 4 * 15 * 60)
    assert log_in(svc, address=STRANGER).user.email == "anna@newsroom.test"


# On both databases: which accounts an address knows is read from the audit log.
def test_failures_per_address_hold_back_only_accounts_new_to_it(
    svc: Services, clock: Clock
) -> None:
    make_editor(svc)  # Anna has never logged in from ADDRESS
    make_user(svc, "carl@newsroom.test", name="Carl")
    log_in(svc, "carl@newsroom.test")  # too long ago to vouch for him any more
    clock.advance(91 * DAY)
    make_user(svc, "bo@newsroom.test", name="Bo")
    log_in(svc, "bo@newsroom.test")
    clock.advance(DAY)

    # Ten times one pair's allowance, sprayed over as many accounts as it takes.
    for n in range(10 * svc.settings.login_attempts):
        login_error(svc, f"guess{n}@newsroom.test", "guess")

    refused = refused_login(svc, ADDRESS)
    assert refused.retry_after == 15 * 60
    assert str(refused) == "too many failed logins from your network: try again in 15 minutes"
    refused_login(svc, ADDRESS, "carl@newsroom.test")
    assert log_in(svc, "bo@newsroom.test").user.email == "bo@newsroom.test"
    # Another address is not held back by this one.
    assert log_in(svc, address="203.0.113.7").user.email == "anna@newsroom.test"
    clock.advance(15 * 60)
    assert log_in(svc).user.email == "anna@newsroom.test"


@throttle_test
def test_an_ipv6_client_is_known_by_its_64_block(svc: Services) -> None:
    make_editor(svc)
    make_user(svc, "bo@newsroom.test", name="Bo")
    log_in(svc, address="2001:db8:0:7::1")
    for n in range(10 * svc.settings.login_attempts):
        login_error(svc, f"guess{n}@newsroom.test", "guess", address=f"2001:db8:0:7::{n + 2:x}")

    # A new privacy address in the same block is the same network, for better and worse.
    assert log_in(svc, address="2001:db8:0:7:abcd::1").user.email == "anna@newsroom.test"
    refused_login(svc, "2001:db8:0:7:abcd::1", "bo@newsroom.test")
    assert log_in(svc, "bo@newsroom.test", address="2001:db8:0:8::1").user.email == (
        "bo@newsroom.test"
    )


@throttle_test
def test_fewer_failures_than_the_limit_do_not_lock(svc: Services) -> None:
    make_editor(svc)
    for _ in range(svc.settings.login_attempts - 1):
        login_error(svc, "anna@newsroom.test", "guess")
    assert log_in(svc).user.email == "anna@newsroom.test"


@throttle_test
def test_a_success_clears_the_pairs_failures(svc: Services) -> None:
    make_editor(svc)
    limit = svc.settings.login_attempts
    for _ in range(limit - 1):
        login_error(svc, "anna@newsroom.test", "guess")
    log_in(svc)
    for _ in range(limit - 1):
        login_error(svc, "anna@newsroom.test", "guess")
    assert log_in(svc).user.email == "anna@newsroom.test"


@throttle_test
def test_the_limit_comes_from_the_settings(svc: Services) -> None:
    strict = Services.build(
        svc.settings.replace(login_attempts=1), clock=svc.clock, passwords=CHEAP_PASSWORDS
    )
    try:
        make_editor(strict)
        login_error(strict, "anna@newsroom.test", "guess")
        with pytest.raises(TooManyRequests):
            log_in(strict)
    finally:
        strict.close()


@throttle_test
def test_confirming_a_password_is_limited_per_account_and_holds_back_no_login(
    svc: Services, clock: Clock
) -> None:
    user = make_editor(svc)
    for _ in range(svc.settings.login_attempts):
        with pytest.raises(Invalid):
            accounts.confirm_password(svc, user, "guess")
    with pytest.raises(TooManyRequests) as caught:
        accounts.confirm_password(svc, user, PASSWORD)
    assert caught.value.retry_after == 15 * 60
    assert str(caught.value) == "too many wrong passwords: try again in 15 minutes"

    # Only a session's holder can guess here, so logging in is none of its business.
    assert log_in(svc).user == user
    with pytest.raises(TooManyRequests):
        accounts.confirm_password(svc, user, PASSWORD)
    clock.advance(15 * 60)
    accounts.confirm_password(svc, user, PASSWORD)


# Changing passwords


def test_changing_the_password_ends_every_session(svc: Services) -> None:
    user = make_editor(svc)
    old_sessions = [log_in(svc), log_in(svc)]
    fresh = accounts.change_password(svc, user, PASSWORD, "a new and longer passphrase")
    for session in old_sessions:
        assert accounts.session_user(svc, session.token) is None
    assert accounts.session_user(svc, fresh.token) is not None
    login_error(svc, "anna@newsroom.test", PASSWORD)
    assert log_in(svc, password="a new and longer passphrase").user == user
    assert str(stored(svc, user.email)["password_hash"]).startswith("$argon2id$")


def test_changing_the_password_needs_the_current_one(svc: Services) -> None:
    user = make_editor(svc)
    session = log_in(svc)
    with pytest.raises(Invalid) as caught:
        accounts.change_password(svc, user, "not it at all", "a new and longer passphrase")
    assert list(caught.value.errors) == ["current_password"]
    with pytest.raises(Invalid) as caught:
        accounts.change_password(svc, user, PASSWORD, "short")
    assert list(caught.value.errors) == ["password"]
    assert accounts.session_user(svc, session.token) is not None
    assert log_in(svc).user == user


# API tokens


def test_a_token_names_its_user(svc: Services) -> None:
    user = make_editor(svc)
    token = accounts.create_token(svc, "Anna@Newsroom.test", "importer")
    assert token.startswith("lf_")
    assert accounts.token_user(svc, token) == user
    with svc.db.read() as conn:
        (row,) = conn.execute(select(api_tokens)).mappings().all()
    assert (row["name"], row["user_id"], row["revoked_at"]) == ("importer", user.id, None)
    assert token not in row["token_hash"]


def test_each_token_is_new(svc: Services) -> None:
    make_editor(svc)
    assert accounts.create_token(svc, "anna@newsroom.test") != accounts.create_token(
        svc, "anna@newsroom.test"
    )


@pytest.mark.parametrize("token", ["", "lf_made-up", "x" * 101])
def test_unknown_tokens_find_nobody(svc: Services, token: str) -> None:
    make_editor(svc)
    accounts.create_token(svc, "anna@newsroom.test")
    assert accounts.token_user(svc, token) is None


def test_a_token_for_an_unknown_account_is_not_found(svc: Services) -> None:
    with pytest.raises(NotFound):
        accounts.create_token(svc, "nobody@newsroom.test")


# Disabled accounts


def test_a_disabled_user_can_neither_log_in_nor_use_what_they_had(svc: Services) -> None:
    user = make_editor(svc)
    session = log_in(svc)
    token = accounts.create_token(svc, user.email)
    disable(svc, user)
    assert login_error(svc, user.email, PASSWORD).errors == {"password": accounts.LOGIN_FAILED}
    assert accounts.session_user(svc, session.token) is None
    assert accounts.token_user(svc, token) is None


def test_first_admin_only_on_a_site_without_one(svc: Services) -> None:
    make_editor(svc)
    made = accounts.ensure_first_admin(svc)
    assert made is not None
    email, password = made
    assert log_in(svc, email, password).user.role is Role.ADMIN
    assert accounts.ensure_first_admin(svc) is None


@throttle_test
def test_changing_the_password_is_limited_like_logging_in(svc: Services, clock: Clock) -> None:
    user = make_editor(svc)
    for _ in range(svc.settings.login_attempts):
        with pytest.raises(Invalid):
            accounts.change_password(svc, user, "a guess at it", "a new and longer passphrase")
    # Even the right password is refused until the window has passed.
    with pytest.raises(TooManyRequests, match="too many wrong passwords"):
        accounts.change_password(svc, user, PASSWORD, "a new and longer passphrase")
    clock.advance(15 * 60)
    accounts.change_password(svc, user, PASSWORD, "a new and longer passphrase")
