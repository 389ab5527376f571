"""Accounts, desk sessions and API tokens.

Secrets handed out (session cookies, bearer tokens) are random and kept only as SHA-256
hashes; passwords are kept as argon2id hashes. Logging in answers the same for an unknown
address and a wrong password. Failed logins are throttled per account and client address
together, and per address, never per account alone: anyone can type an account's address, and
a lock on the account would let them keep its owner out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from livefeed.access import audit, tokens
from livefeed.access.rate_limits.limiter import address_key
from livefeed.access.rate_limits.policies import Per
from livefeed.domain.errors import Checks, Conflict, Invalid, Message, NotFound
from livefeed.domain.text import clean_line
from livefeed.domain.tokens import digest
from livefeed.domain.users import Role, User, check_password, clean_email
from livefeed.services import Services
from livefeed.store import accounts as store
from livefeed.store import audit as audit_store

LOGIN_FAILED = "that email address and password do not match an account"
# How long a login from a network vouches for the account there (see ``log_in``).
KNOWN_NETWORK_DAYS = 90


@dataclass(frozen=True)
class Session:
    """A signed-in desk session: the cookie value is shown to the browser once, then hashed."""

    token: str
    user: User
    csrf_token: str


def add_user(
    svc: Services,
    email: str,
    password: str,
    *,
    role: Role = Role.MEMBER,
    display_name: str = "",
) -> User:
    checks = Checks()
    clean = checks.run(lambda: clean_email(email), "")
    checks.run(lambda: check_password(password), "")
    name = (
        checks.run(lambda: clean_line(display_name, "display_name", max_length=200), "")
        or clean.split("@")[0]
    )
    checks.done()
    password_hash = svc.passwords.hash(password)
    with svc.db.write() as conn:
        user_id = store.insert_user(
            conn,
            email=clean,
            display_name=name,
            password_hash=password_hash,
            role=role,
            now=svc.clock(),
        )
        return store.require_user(conn, user_id)


def ensure_first_admin(
    svc: Services, email: str = "admin@livefeed.local"
) -> tuple[str, str] | None:
    """On a site without an admin, make one with a random password; the caller shows it once."""
    with svc.db.read() as conn:
        if store.count_admins(conn):
            return None
    password = secrets.token_urlsafe(12)
    try:
        add_user(svc, email, password, role=Role.ADMIN, display_name="Admin")
    except Conflict:
        # Another instance starting at the same moment made it first.
        return None
    return email, password


def log_in(svc: Services, email: str, password: str, *, address: str) -> Session:
    """Check a password and open a new session (never reuse one: the id rotates at login).

    An account that has logged in from this network lately is held to its own failures there,
    not to the address's: someone trying many accounts from a newsroom's address must not keep
    the people who work there out.
    """
    account = email.strip().lower()
    with svc.db.read() as conn:
        found = store.get_with_hash(conn, account)
        since = svc.clock() - timedelta(days=KNOWN_NETWORK_DAYS)
        seen = audit_store.login_addresses(conn, found[0].id, since=since) if found else set()
    known = address_key(address) in {address_key(each) for each in seen}
    svc.limits.check("login", account=account, address=address, only=Per.PAIR if known else None)
    user, password_hash = found if found else (None, None)
    if not svc.passwords.verify(password_hash, password) or user is None or user.disabled:
        svc.limits.record("login", account=account, address=address)
        raise Invalid.field("password", LOGIN_FAILED)
    svc.limits.clear("login", account=account, address=address, only=Per.PAIR)
    with svc.db.write() as conn:
        if password_hash is not None and svc.passwords.needs_rehash(password_hash):
            store.set_password_hash(conn, user.id, svc.passwords.hash(password))
        audit.record(svc, conn, user, "login", user.email, address=address)
    return open_session(svc, user)


def open_session(svc: Services, user: User) -> Session:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = svc.clock()
    with svc.db.write() as conn:
        store.insert_session(
            conn,
            id_hash=digest(token),
            user_id=user.id,
            csrf_token=csrf,
            now=now,
            expires_at=now + timedelta(days=svc.settings.session_days),
        )
    return Session(token, user, csrf)


def session_user(svc: Services, token: str) -> Session | None:
    """The session behind a cookie value, or ``None`` if it is unknown, expired or revoked."""
    if not token or len(token) > 100:
        return None
    with svc.db.read() as conn:
        found = store.get_session(conn, digest(token), svc.clock())
    if found is None:
        return None
    user, csrf = found
    return Session(token, user, csrf)


def log_out(svc: Services, token: str) -> None:
    with svc.db.write() as conn:
        store.delete_session(conn, digest(token))


def change_password(svc: Services, user: User, current: str, new: str) -> Session:
    """Every other session of the account ends; the caller gets a fresh one.

    Wrong current passwords count as :func:`confirm_password`'s do, so a session left open
    cannot be used to guess the password without limit.
    """
    check_password(new)
    svc.limits.check("confirm_password", account=user.id)
    with svc.db.read() as conn:
        found = store.get_with_hash(conn, user.email)
    if found is None or not svc.passwords.verify(found[1], current):
        svc.limits.record("confirm_password", account=user.id)
        raise Invalid.field("current_password", "that is not your current password")
    with svc.db.write() as conn:
        store.set_password_hash(conn, user.id, svc.passwords.hash(new))
        store.delete_sessions_of(conn, user.id)
    return open_session(svc, user)


def confirm_password(svc: Services, user: User, password: str, *, field: str = "password") -> None:
    """Refuse with :class:`Invalid` on ``field`` unless ``password`` is the account's own.

    Guesses count against the account, so a session left open on a shared computer cannot be
    used to try passwords without limit. They have a count of their own: only the session's
    holder can make them, and they must not hold back the account's logins.
    """
    svc.limits.check("confirm_password", account=user.id)
    with svc.db.read() as conn:
        found = store.get_with_hash(conn, user.email)
    if found is None or not svc.passwords.verify(found[1], password):
        svc.limits.record("confirm_password", account=user.id)
        raise Invalid.field(field, "that is not your password")


def create_token(svc: Services, email: str, name: str = "") -> str:
    """A new token of the account's own reach, made by its owner; see ``tokens.create``."""
    clean = clean_email(email)
    with svc.db.read() as conn:
        owner = store.require_account(conn, clean)
    return tokens.create(svc, owner, clean, name=name).secret


def by_email(svc: Services, email: str) -> User:
    """The account at ``email``, however it is cased or spaced; :class:`NotFound` if none."""
    with svc.db.read() as conn:
        found = store.get_with_hash(conn, email.strip().lower())
    if found is None:
        raise NotFound(Message("there is no account for %(email)s", email=email))
    return found[0]


def earliest_admin(svc: Services) -> User | None:
    """Who acts for the site when a command names no one; ``None`` before there is an admin."""
    with svc.db.read() as conn:
        return store.earliest_enabled_admin(conn)


def token_user(svc: Services, token: str) -> User | None:
    return tokens.user_of(svc, token)


def hash_password(svc: Services, password: str) -> str:
    """An argon2id hash of a password that passed :func:`check_password`."""
    return svc.passwords.hash(check_password(password))
