"""Banning a guest commenter, who has no account: by keyed hashes of what they come with.

A guest's comment keeps an HMAC (with the site's key) of the client address it came from; a
ban keeps that and an HMAC of the name they wrote under, nothing readable, and only while it
lasts. A guest is refused while either matches: a new name from the same network, or the same
name from elsewhere. The key is ``LIVEFEED_SECRET_KEY``, or one the site makes and keeps in its
database, so that a copy of the hashes alone cannot be tried against guessed addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.rate_limits.limiter import address_key
from livefeed.domain.bans import BanInput, BanScope, until_text
from livefeed.domain.comments import Comment
from livefeed.domain.errors import Conflict, Forbidden, Message
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import guest_bans as store


def _keyed(svc: Services, conn: Connection, purpose: str, value: str) -> str:
    key = svc.settings.secret_key or store.site_key(
        conn, "keyed_hashes", secrets.token_hex(32), svc.clock()
    )
    message = f"{purpose}:{value}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _keys(svc: Services, conn: Connection, name: str, address: str) -> tuple[str, str]:
    return (
        _keyed(svc, conn, "address", address_key(address)),
        _keyed(svc, conn, "name", " ".join(name.casefold().split())),
    )


def remember_guest(svc: Services, conn: Connection, comment_id: int, address: str) -> None:
    """Keep with a guest's comment the keyed hash a ban of its author would need."""
    store.set_comment_key(conn, comment_id, _keyed(svc, conn, "address", address_key(address)))


def check_guest_not_banned(
    svc: Services, conn: Connection, feed_id: int, name: str, address: str, now: datetime
) -> None:
    """Refuse (:class:`Forbidden`, saying until when) a guest banned from the discussion."""
    store.forget_expired(conn, now)
    found = store.in_force(conn, feed_id, _keys(svc, conn, name, address), now)
    if not found:
        return
    far = [expires for expires, _ in found]
    expires_at = None if None in far else max(e for e in far if e is not None)
    reason = next(reason for expires, reason in found if expires == expires_at)
    raise Forbidden(
        Message(
            "you are banned from this discussion %(until)s; reason: %(reason)s",
            until=until_text(expires_at),
            reason=reason,
        )
    )


def ban_guest(
    svc: Services, conn: Connection, banner: User, comment: Comment, data: BanInput, now: datetime
) -> int:
    """Ban the guest who wrote ``comment``: by their address's hash and their name's."""
    if comment.author_id is not None or not comment.guest:
        raise Conflict("this comment is not a guest's")
    feed_id = None if data.scope is BanScope.SITE else comment.feed_id
    address_hash = store.comment_key(conn, comment.id)
    name_hash = _keys(svc, conn, comment.author_name, "")[1]
    if address_hash is None and not comment.author_name:
        raise Forbidden("nothing is known of this guest to ban them by")
    ban_id = store.insert_ban(
        conn, feed_id=feed_id, address_key=address_hash, name_key=name_hash, reason=data.reason,
        banned_by=banner.id, now=now, expires_at=data.expires_at(now),
    )  # fmt: skip
    audit.record(
        svc, conn, banner, "guest.banned", f"the guest of comment {comment.id}",
        feed_id=comment.feed_id, comment_id=comment.id, scope=data.scope.value,
        length=data.length.value, until=until_text(data.expires_at(now)), reason=data.reason,
    )  # fmt: skip
    return ban_id
