"""Mail: what the site tells people by email, from a durable outbox.

A message is written to the outbox in the transaction of what it tells of (a reset link, an
invitation, a contribution waiting), so a request never waits for the mail server and a
message is never sent for something that was rolled back. A sender (:func:`deliver_due`,
every few seconds in each instance) claims each due message with a conditional UPDATE before
sending it, so several instances send it once; a failed attempt is retried with exponential
backoff (30 s doubling, at most an hour apart) for a day, then marked failed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from sqlalchemy import Connection

from livefeed.domain import outbox
from livefeed.domain.users import User
from livefeed.languages import catalogs
from livefeed.outside.smtp import MailRefused, SmtpServer
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import mail as store
from livefeed.store.mail import Mail

# What hands one message to the mail server; raises MailRefused when it could not.
Send = Callable[[EmailMessage], None]


def site_name(svc: Services) -> str:
    """The name the site signs its mail with."""
    return "Livefeed"


def speaking_to(recipient: User | None) -> AbstractContextManager[str]:
    """Write a message in its recipient's language, not the one of whoever caused it: their
    account's choice where it has one, else the site's own language."""
    chosen = getattr(recipient, "language", None)
    return catalogs.speaking(chosen if isinstance(chosen, str) and chosen else catalogs.SOURCE)


def mail_enabled(svc: Services) -> bool:
    return svc.settings.smtp_url is not None


def queue(svc: Services, conn: Connection, recipient: str, subject: str, body: str) -> None:
    """Write a message to the outbox in the caller's transaction (nothing if mail is off)."""
    if not mail_enabled(svc):
        return
    signed = f"{body.rstrip()}\n\n-- \n{site_name(svc)}\n{svc.urls.origin}/\n"
    store.enqueue(conn, recipient=recipient, subject=subject[:300], body=signed, now=svc.clock())


def sender(settings: Settings) -> Send | None:
    """The production sender for ``LIVEFEED_SMTP_URL``; ``None`` when no mail server is set."""
    if settings.smtp_url is None:
        return None
    return SmtpServer.from_url(settings.smtp_url).send


def message(svc: Services, mail: Mail, now: datetime) -> EmailMessage:
    sender_address = svc.settings.mail_sender
    built = EmailMessage()
    built["From"] = formataddr((site_name(svc), sender_address))
    built["To"] = mail.recipient
    built["Subject"] = mail.subject
    built["Date"] = format_datetime(now)
    # The same id on every attempt, so a receiving server can drop a repeat.
    built["Message-ID"] = make_msgid(f"mail{mail.id}", sender_address.rpartition("@")[2])
    built["Auto-Submitted"] = "auto-generated"
    built.set_content(mail.body)
    return built


def deliver_due(svc: Services, now: datetime, send: Send) -> int:
    """Send every message due at ``now`` that this caller claims first; how many were tried."""
    with svc.db.read() as conn:
        due = store.due(conn, now)
    tried = 0
    for mail in due:
        with svc.db.write() as conn:
            if not store.claim(conn, mail, now + store.LEASE):
                continue  # another instance has it
        _attempt(svc, now, send, mail)
        tried += 1
    return tried


def _attempt(svc: Services, now: datetime, send: Send, mail: Mail) -> None:
    try:
        send(message(svc, mail, now))
    except MailRefused as refused:
        error = str(refused)
    else:
        with svc.db.write() as conn:
            store.settle(conn, mail.id, state="sent", error="", next_attempt_at=now, sent_at=now)
        return
    attempts = mail.attempts + 1
    state, retry_at = outbox.after_failure(mail.created_at, attempts, now)
    with svc.db.write() as conn:
        store.settle(
            conn, mail.id, state=state, error=error, next_attempt_at=retry_at, sent_at=None
        )
