"""A forgotten password, reset through a one-time link sent by email.

Asking for a link answers the same whether or not the address has an account, so the form
tells nobody who is registered; the asking is rate-limited per address typed and per client
address. The link holds a random secret of which only the hash is kept; it works once, for an
hour, and setting the new password ends every session of the account and spends its other
links, so whoever had the old password is out.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.distribution import mail
from livefeed.domain.errors import Conflict, NotFound
from livefeed.domain.tokens import digest, new_secret
from livefeed.domain.users import User, check_password, clean_email
from livefeed.languages.catalogs import _
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import password_resets as store

LIFETIME = timedelta(hours=1)
UNUSABLE = (
    "this reset link cannot be used: it was used already, has expired (links last an hour), "
    "or was not copied whole. Ask for a new one."
)
NO_MAIL = "this site sends no email, so passwords cannot be reset here: ask an administrator"


class ResetUnusable(NotFound):
    """The link is unknown, used or expired, or its account is gone or disabled."""


def request_reset(svc: Services, email: object, *, address: str) -> None:
    """Queue a reset link for ``email`` if it has an enabled account; say nothing either way."""
    if not mail.mail_enabled(svc):
        raise Conflict(NO_MAIL, field="email")
    account = clean_email(email)
    svc.limits.hit("password_reset", account=account, address=address)
    now = svc.clock()
    with svc.db.write() as conn:
        found = account_store.get_with_hash(conn, account)
        if found is None or found[0].disabled:
            return
        user = found[0]
        secret = new_secret()
        store.insert_reset(
            conn, token_hash=digest(secret), user_id=user.id, now=now, expires_at=now + LIFETIME
        )
        link = f"{svc.urls.origin}/password-reset/{secret}"
        site = mail.site_name(svc)
        with mail.speaking_to(user):
            body = "\n\n".join((
                _("Hello %(name)s,", name=user.display_name),
                _(
                    "Someone, probably you, asked to reset the password of your account on "
                    "%(site)s. To choose a new one, open this link within the hour:",
                    site=site,
                ),
                link,
                _(
                    "It works once. If you did not ask, ignore this message: your password "
                    "stays as it is."
                ),
            ))  # fmt: skip
            subject = _("Reset your %(site)s password", site=site)
        mail.queue(svc, conn, user.email, subject, body)
        audit.record(svc, conn, user, "password.reset_requested", user.email, address=address)


def account_of(svc: Services, secret: str) -> User:
    """Whose password the link resets, or :class:`ResetUnusable`."""
    with svc.db.read() as conn:
        return _usable(svc, conn, secret)


def reset_password(svc: Services, secret: str, password: str) -> User:
    """Set the new password, end every session of the account and spend its links."""
    check_password(password)
    password_hash = svc.passwords.hash(password)
    now = svc.clock()
    with svc.db.write() as conn:
        user = _usable(svc, conn, secret)
        if not store.use(conn, digest(secret), now):
            raise ResetUnusable(UNUSABLE)
        store.use_all_of(conn, user.id, now)
        account_store.set_password_hash(conn, user.id, password_hash)
        account_store.delete_sessions_of(conn, user.id)
        audit.record(svc, conn, user, "password.reset", user.email)
    return user


def _usable(svc: Services, conn: Connection, secret: str) -> User:
    if not secret or len(secret) > 100:
        raise ResetUnusable(UNUSABLE)
    found = store.get_reset(conn, digest(secret))
    if found is None or found.used_at is not None or found.expires_at <= svc.clock():
        raise ResetUnusable(UNUSABLE)
    user = account_store.get_user(conn, found.user_id)
    if user is None or user.disabled:
        raise ResetUnusable(UNUSABLE)
    return user
