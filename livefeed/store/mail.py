"""The mail outbox: messages written with what they tell of, sent by whoever claims them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from livefeed.store import outbox_rows
from livefeed.store.mail_schema import mail_outbox

LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Mail:
    id: int
    recipient: str
    subject: str
    body: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def _mail(row: RowMapping) -> Mail:
    return Mail(**{name: row[name] for name in Mail.__dataclass_fields__})


def enqueue(conn: Connection, *, recipient: str, subject: str, body: str, now: datetime) -> int:
    """One message to send; in the caller's transaction, so it goes if, and only if, that does."""
    mail_id: int = conn.execute(
        insert(mail_outbox)
        .values(
            recipient=recipient,
            subject=subject,
            body=body,
            state="pending",
            attempts=0,
            next_attempt_at=now,
            last_error="",
            created_at=now,
            sent_at=None,
        )
        .returning(mail_outbox.c.id)
    ).scalar_one()
    return mail_id


def due(conn: Connection, now: datetime, *, limit: int = 50) -> list[Mail]:
    query = (
        select(mail_outbox)
        .where(mail_outbox.c.state == "pending", mail_outbox.c.next_attempt_at <= now)
        .order_by(mail_outbox.c.next_attempt_at, mail_outbox.c.id)
        .limit(limit)
    )
    return [_mail(row) for row in conn.execute(query).mappings()]


def claim(conn: Connection, mail: Mail, lease_until: datetime) -> bool:
    """Take ``mail`` for sending unless another sender took it since: the database decides."""
    return outbox_rows.claim(
        conn, mail_outbox, mail.id, attempts=mail.attempts,
        next_attempt_at=mail.next_attempt_at, lease_until=lease_until,
    )  # fmt: skip


def settle(
    conn: Connection,
    mail_id: int,
    *,
    state: str,
    error: str,
    next_attempt_at: datetime,
    sent_at: datetime | None,
) -> None:
    conn.execute(
        update(mail_outbox)
        .where(mail_outbox.c.id == mail_id)
        .values(state=state, last_error=error, next_attempt_at=next_attempt_at, sent_at=sent_at)
    )


def get_mail(conn: Connection, mail_id: int) -> Mail | None:
    row = conn.execute(select(mail_outbox).where(mail_outbox.c.id == mail_id)).mappings().first()
    return None if row is None else _mail(row)


def pending_count(conn: Connection) -> int:
    query = select(func.count()).select_from(mail_outbox).where(mail_outbox.c.state == "pending")
    return int(conn.execute(query).scalar_one())
