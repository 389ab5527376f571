"""Users, their desk sessions and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from livefeed.domain.errors import Conflict, Message, NotFound
from livefeed.domain.users import Role, User
from livefeed.store.schema import sessions, users


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        disabled=row["disabled"],
        created_at=row["created_at"],
        language=row["language"] or "",
    )


def insert_user(
    conn: Connection,
    *,
    email: str,
    display_name: str,
    password_hash: str,
    role: Role,
    now: datetime,
) -> int:
    """A new account. An address already taken is refused; one taken by a concurrent sign-up
    at the same moment is let through once by the database, and the other refused alike."""
    taken = Conflict(
        Message("there is already an account for %(email)s", email=email), field="email"
    )
    if email_taken(conn, email):
        raise taken
    account = insert(users).values(
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        role=role.value,
        disabled=False,
        created_at=now,
    )
    try:
        user_id: int = conn.execute(account.returning(users.c.id)).scalar_one()
    except IntegrityError:
        raise taken from None
    return user_id


def email_taken(conn: Connection, email: str) -> bool:
    return conn.execute(select(users.c.id).where(users.c.email == email)).first() is not None


def get_user(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return _user(row) if row else None


def require_user(conn: Connection, user_id: int) -> User:
    """The account behind a session or a row that names it: gone only if deleted since."""
    user = get_user(conn, user_id)
    if user is None:
        raise NotFound("that account no longer exists")
    return user


def get_with_hash(conn: Connection, email: str) -> tuple[User, str] | None:
    row = conn.execute(select(users).where(users.c.email == email)).mappings().first()
    return (_user(row), row["password_hash"]) if row else None


def require_account(conn: Connection, email: str) -> User:
    """The account of ``email``, for a use case naming someone by their address."""
    found = get_with_hash(conn, email)
    if found is None:
        raise NotFound(Message("there is no account for %(email)s", email=email))
    return found[0]


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def all_users(conn: Connection) -> list[User]:
    """Enabled accounts first, then by address."""
    rows = conn.execute(select(users).order_by(users.c.disabled, users.c.email)).mappings()
    return [_user(row) for row in rows]


def enabled_admin_ids(conn: Connection) -> set[int]:
    """Locked until the transaction ends on PostgreSQL, so two admins stepping down (or
    disabling each other) at once cannot leave the site with none; SQLite writes one at a time."""
    query = (
        select(users.c.id)
        .where(users.c.role == Role.ADMIN.value, users.c.disabled.is_(False))
        .with_for_update()
    )
    return set(conn.execute(query).scalars())


def set_disabled(conn: Connection, user_id: int, disabled: bool) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(disabled=disabled))


def set_role(conn: Connection, user_id: int, role: Role) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(role=role.value))


def count_admins(conn: Connection) -> int:
    query = select(func.count()).select_from(users).where(users.c.role == Role.ADMIN.value)
    return int(conn.execute(query).scalar_one())


def earliest_enabled_admin(conn: Connection) -> User | None:
    query = (
        select(users)
        .where(users.c.role == Role.ADMIN.value, users.c.disabled.is_(False))
        .order_by(users.c.id)
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return _user(row) if row else None


def insert_session(
    conn: Connection,
    *,
    id_hash: str,
    user_id: int,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    conn.execute(
        insert(sessions).values(
            id_hash=id_hash,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
        )
    )


def get_session(conn: Connection, id_hash: str, now: datetime) -> tuple[User, str] | None:
    """The session's user and CSRF token, if it exists, has not expired and its user is enabled."""
    row = (
        conn.execute(
            select(users, sessions.c.csrf_token)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(
                sessions.c.id_hash == id_hash,
                sessions.c.expires_at > now,
                users.c.disabled.is_(False),
            )
        )
        .mappings()
        .first()
    )
    return (_user(row), row["csrf_token"]) if row else None


def delete_session(conn: Connection, id_hash: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))


def delete_sessions_of(conn: Connection, user_id: int) -> None:
    conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


def mail_preferences(conn: Connection, user_id: int) -> tuple[bool, bool]:
    """Whether the account wants mail about (contributions waiting, comments reported)."""
    row = conn.execute(
        select(users.c.notify_contributions, users.c.notify_reports).where(users.c.id == user_id)
    ).one()
    return bool(row.notify_contributions), bool(row.notify_reports)


def set_mail_preferences(
    conn: Connection, user_id: int, *, contributions: bool, reports: bool
) -> None:
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(notify_contributions=contributions, notify_reports=reports)
    )


def set_language(conn: Connection, user_id: int, language: str | None) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(language=language))
