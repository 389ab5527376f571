"""API tokens: made for a purpose, limited to some feeds and a role, with an end, revocable.

The secret is shown once, when the token is made; only its hash is kept. A token's scope
narrows what its account may do (``domain/access.rights_on_feed``), so a contributor-scoped
token of an editor cannot publish, and a token for one feed cannot touch another. Disabling an
account revokes its tokens; a token of a disabled account is refused even before that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from livefeed.access import audit
from livefeed.domain.access import FeedRole, TokenScope, parse_feed_role
from livefeed.domain.errors import (
    Checks,
    Conflict,
    Forbidden,
    Invalid,
    Message,
    NotFound,
    Unauthorized,
)
from livefeed.domain.text import clean_line
from livefeed.domain.tokens import (
    REFUSED_UNKNOWN,
    TOKEN_PREFIX,
    ApiToken,
    digest,
    new_secret,
    parse_lifetime,
)
from livefeed.domain.users import User, clean_email
from livefeed.languages.catalogs import _
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import feeds as feed_store
from livefeed.store import members
from livefeed.store import tokens as store

# A token's "last used" is written at most this often, not on every request it makes.
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is what its owner sends, and is never shown again."""

    secret: str
    token: ApiToken
    feed_slugs: tuple[str, ...] | None


@dataclass(frozen=True)
class TokenRow:
    """A token in its owner's list, its feeds named by slug (``None``: every feed)."""

    token: ApiToken
    feed_slugs: tuple[str, ...] | None


def create(
    svc: Services,
    actor: User | None,
    owner_email: object,
    *,
    name: object = "",
    feeds: Sequence[str] = (),
    role: object = None,
    expires: object = None,
) -> NewToken:
    """A new token for ``owner_email``: made by its owner, or by an admin for anyone.

    ``feeds`` are slugs (none: every feed the account may reach); ``role`` caps what the token
    may do on them (none: whatever the account may); ``expires`` is a lifetime like ``30d``.
    """
    checks = Checks()
    address = checks.run(lambda: clean_email(owner_email), "")
    label = checks.run(lambda: clean_line(name, "name", max_length=200), "") or "token"
    wanted_role: FeedRole | None = None
    if role not in (None, ""):
        wanted_role = checks.run(lambda: parse_feed_role(role), None)
    lifetime = checks.run(lambda: parse_lifetime(expires if expires is not None else ""), None)
    slugs = tuple(dict.fromkeys(slug.strip() for slug in feeds if slug.strip()))
    if not address:
        checks.done()
    now = svc.clock()
    with svc.db.write() as conn:
        owner = account_store.require_account(conn, address)
        if actor is None or (actor.id != owner.id and not actor.is_admin):
            raise Forbidden("only the account's owner or an administrator can make its tokens")
        if owner.disabled:
            raise Conflict(
                Message("the account of %(address)s is disabled", address=address), field="email"
            )
        if actor.disabled:
            raise Forbidden("a disabled account cannot make tokens")
        feed_ids: set[int] = set()
        teams = members.roles_of_user(conn, owner.id)
        for slug in slugs:
            try:
                feed = feed_store.require_feed(conn, slug)
            except NotFound as missing:
                checks.fail("feeds", str(missing))
                continue
            if feed.id not in teams and not owner.is_admin:
                checks.fail(
                    "feeds",
                    "%(address)s is not on the team of “%(feed)s”",
                    address=address,
                    feed=slug,
                )
            else:
                feed_ids.add(feed.id)
        checks.done()
        scope = TokenScope(feed_ids=frozenset(feed_ids) if slugs else None, role=wanted_role)
        secret = new_secret(TOKEN_PREFIX)
        token = store.insert_token(
            conn,
            token_hash=digest(secret),
            user_id=owner.id,
            name=label,
            now=now,
            scope=scope,
            expires_at=now + lifetime if lifetime else None,
        )
        audit.record(
            svc, conn, actor, "token.created", owner.email,
            token_id=token.id, name=label, feeds=list(slugs) or None,
            role=wanted_role.value if wanted_role else None,
            expires_at=token.expires_at.isoformat() if token.expires_at else None,
        )  # fmt: skip
    return NewToken(secret, token, slugs or None)


def list_tokens(svc: Services, actor: User | None, owner_email: object) -> list[TokenRow]:
    """Every token of the account, newest first, revoked and expired ones included."""
    address = clean_email(owner_email)
    with svc.db.read() as conn:
        owner = account_store.require_account(conn, address)
        if actor is None or actor.disabled or (actor.id != owner.id and not actor.is_admin):
            raise Forbidden("only the account's owner or an administrator can see its tokens")
        rows = []
        for token in store.of_user(conn, owner.id):
            slugs = None
            if token.scope.feed_ids is not None:
                named = (feed_store.get_by_id(conn, feed_id) for feed_id in token.scope.feed_ids)
                slugs = tuple(sorted(feed.slug for feed in named if feed is not None))
            rows.append(TokenRow(token, slugs))
        return rows


def revoke(svc: Services, actor: User | None, token_id: int) -> ApiToken:
    """Stop a token working at once. Someone else's token is "not found", unless one is an
    admin: a member learns nothing about the tokens of others."""
    now = svc.clock()
    with svc.db.write() as conn:
        token = store.get(conn, token_id)
        if actor is None or actor.disabled:
            raise Forbidden("sign in first")
        if token is None or (token.user_id != actor.id and not actor.is_admin):
            raise NotFound(Message("there is no token %(token)s", token=token_id))
        if not store.revoke(conn, token.id, now):
            raise Conflict(Message("token %(token)s was already revoked", token=token_id))
        owner = account_store.get_user(conn, token.user_id)
        audit.record(
            svc, conn, actor, "token.revoked", owner.email if owner else "",
            token_id=token.id, name=token.name,
        )  # fmt: skip
        revoked = store.get(conn, token.id)
    assert revoked is not None
    return revoked


def authenticate(svc: Services, secret: str) -> User:
    """The account behind a bearer token, carrying the token's scope; :class:`Unauthorized`
    saying why otherwise (unknown, revoked, expired, account disabled)."""
    if not secret or len(secret) > 100:
        raise Unauthorized(REFUSED_UNKNOWN)
    now = svc.clock()
    with svc.db.read() as conn:
        found = store.by_hash(conn, digest(secret))
        if found is None:
            raise Unauthorized(REFUSED_UNKNOWN)
        token, account_disabled = found
        refusal = token.refusal(now, account_disabled=account_disabled)
        if refusal is not None:
            raise Unauthorized(refusal)
        user = account_store.get_user(conn, token.user_id)
    if user is None:
        raise Unauthorized(REFUSED_UNKNOWN)
    if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
        with svc.db.write() as conn:
            store.touch(conn, token.id, now, now - TOUCH_EVERY)
    return replace(user, scope=None if token.scope.unrestricted else token.scope)


def user_of(svc: Services, secret: str) -> User | None:
    """Like :func:`authenticate`, for callers that only ask whether it works."""
    try:
        return authenticate(svc, secret)
    except Unauthorized:
        return None


def describe_scope(row: TokenRow | NewToken) -> str:
    """The token's reach in words, for lists and the command line."""
    token = row.token
    where = _("every feed") if row.feed_slugs is None else ", ".join(row.feed_slugs) or _("no feed")
    role = _(token.scope.role.value) if token.scope.role else _("the account's own role")
    return _("%(where)s; as %(role)s", where=where, role=role)


def parse_token_id(value: object) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 9:
        raise Invalid.field("id", "must be a token's number, as `livefeed token list` shows")
    return int(text)
