"""API tokens: made with a scope and a lifetime, listed for their owner, revoked, looked up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, or_, select, update

from livefeed.domain.access import FeedRole, TokenScope
from livefeed.domain.tokens import ApiToken
from livefeed.store.schema import api_tokens, users


def _scope(feed_ids: str | None, role: str | None) -> TokenScope:
    """Feed ids are kept as "3,7"; NULL means every feed."""
    ids = None if feed_ids is None else frozenset(int(i) for i in feed_ids.split(",") if i)
    return TokenScope(feed_ids=ids, role=FeedRole(role) if role else None)


def _token(row: RowMapping) -> ApiToken:
    return ApiToken(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        scope=_scope(row["feed_ids"], row["role"]),
    )


def insert_token(
    conn: Connection,
    *,
    token_hash: str,
    user_id: int,
    name: str,
    now: datetime,
    scope: TokenScope,
    expires_at: datetime | None,
) -> ApiToken:
    ids = scope.feed_ids
    feed_ids = None if ids is None else ",".join(str(i) for i in sorted(ids))
    token_id = conn.execute(
        insert(api_tokens)
        .values(
            token_hash=token_hash,
            user_id=user_id,
            name=name,
            created_at=now,
            expires_at=expires_at,
            feed_ids=feed_ids,
            role=scope.role.value if scope.role else None,
        )
        .returning(api_tokens.c.id)
    ).scalar_one()
    found = get(conn, token_id)
    assert found is not None
    return found


def get(conn: Connection, token_id: int) -> ApiToken | None:
    row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).mappings().first()
    return _token(row) if row else None


def of_user(conn: Connection, user_id: int) -> list[ApiToken]:
    """Newest first."""
    rows = conn.execute(
        select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id.desc())
    ).mappings()
    return [_token(row) for row in rows]


def by_hash(conn: Connection, token_hash: str) -> tuple[ApiToken, bool] | None:
    """The token and whether its account is disabled, whatever state the token is in."""
    row = (
        conn.execute(
            select(api_tokens, users.c.disabled.label("account_disabled"))
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == token_hash)
        )
        .mappings()
        .first()
    )
    return (_token(row), bool(row["account_disabled"])) if row else None


def revoke(conn: Connection, token_id: int, now: datetime) -> bool:
    """``True`` if the token was in use until now."""
    changed = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    return bool(changed)


def revoke_all_of(conn: Connection, user_id: int, now: datetime) -> int:
    return int(
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
    )


def touch(conn: Connection, token_id: int, now: datetime, stale_before: datetime) -> None:
    """Note the token's use, unless another request noted it since ``stale_before``."""
    conn.execute(
        update(api_tokens)
        .where(
            api_tokens.c.id == token_id,
            or_(api_tokens.c.last_used_at.is_(None), api_tokens.c.last_used_at < stale_before),
        )
        .values(last_used_at=now)
    )
