"""The site's accounts as administrators run them: who is here, who is an admin, who is shut out.

Disabling an account ends its sessions and revokes its tokens in the same transaction, so a
request a moment later with the old cookie or the old token is refused (the session and token
look-ups refuse a disabled account as well). The site always keeps an enabled admin: nobody can
disable or demote the last one, and an admin cannot disable themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import Role, User, clean_email, require_admin
from livefeed.services import Services
from livefeed.store import accounts as store
from livefeed.store import members
from livefeed.store import tokens as token_store


@dataclass(frozen=True)
class UserRow:
    """An account in the administrators' list, with the feeds whose team it is on."""

    user: User
    teams: tuple[tuple[str, FeedRole], ...]


def list_users(svc: Services, actor: User | None) -> list[UserRow]:
    require_admin(actor)
    with svc.db.read() as conn:
        teams = members.teams_by_user(conn)
        return [UserRow(user, tuple(teams.get(user.id, ()))) for user in store.all_users(conn)]


def disable(svc: Services, actor: User | None, email: object) -> User:
    address = clean_email(email)
    admin = require_admin(actor)
    now = svc.clock()
    with svc.db.write() as conn:
        user = store.require_account(conn, address)
        if user.id == admin.id:
            raise Conflict("you cannot disable your own account", field="email")
        if user.disabled:
            return user
        if user.role is Role.ADMIN:
            _keep_an_admin(conn, user)
        store.set_disabled(conn, user.id, True)
        store.delete_sessions_of(conn, user.id)
        revoked = token_store.revoke_all_of(conn, user.id, now)
        audit.record(svc, conn, admin, "user.disabled", user.email, tokens_revoked=revoked)
        return store.require_user(conn, user.id)


def enable(svc: Services, actor: User | None, email: object) -> User:
    """Let the account log in again; the tokens revoked when it was disabled stay revoked."""
    address = clean_email(email)
    admin = require_admin(actor)
    with svc.db.write() as conn:
        user = store.require_account(conn, address)
        if not user.disabled:
            return user
        store.set_disabled(conn, user.id, False)
        audit.record(svc, conn, admin, "user.enabled", user.email)
        return store.require_user(conn, user.id)


def set_site_role(svc: Services, actor: User | None, email: object, role: object) -> User:
    address = clean_email(email)
    wanted = parse_site_role(role)
    admin = require_admin(actor)
    with svc.db.write() as conn:
        user = store.require_account(conn, address)
        if user.role is wanted:
            return user
        if user.role is Role.ADMIN and not user.disabled:
            _keep_an_admin(conn, user)
        store.set_role(conn, user.id, wanted)
        audit.record(
            svc, conn, admin, "user.role_changed", user.email,
            role=wanted.value, previous=user.role.value,
        )  # fmt: skip
        return store.require_user(conn, user.id)


def parse_site_role(value: object, field: str = "role") -> Role:
    if not isinstance(value, str) or value.strip().lower() not in {r.value for r in Role}:
        raise Invalid.field(field, "must be admin or member")
    return Role(value.strip().lower())


def _keep_an_admin(conn: Connection, leaving: User) -> None:
    if store.enabled_admin_ids(conn) - {leaving.id}:
        return
    raise Conflict(
        "the site needs an enabled administrator: make someone else an admin first", field="role"
    )
