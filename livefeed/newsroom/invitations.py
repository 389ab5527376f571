"""Invitations: a feed's editor (or an admin) brings someone in with a one-time link.

The link is shown to whoever invites, once, and they pass it on; on a site with a mail server
they may have it emailed as well, from the outbox in the invitation's own transaction. It
holds a random secret of which the site keeps only the hash; it works once, for seven days, and
only while its sender could still invite (an editor who has since left the team, or an account
since disabled, sends nobody in). Opening it, a newcomer picks a name and a password and lands on
the desk as a member of the team; someone who already has an account signs in and accepts.
Whoever could send it may withdraw it until it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from livefeed.access import accounts, audit, permissions
from livefeed.access.accounts import Session
from livefeed.access.permissions import require_right
from livefeed.distribution import mail
from livefeed.domain.access import FeedRole, Right, parse_feed_role
from livefeed.domain.errors import Checks, Conflict, Forbidden, Message, NotFound
from livefeed.domain.feeds import Feed
from livefeed.domain.invitations import LIFETIME, Invitation, InvitationState
from livefeed.domain.text import clean_line
from livefeed.domain.tokens import digest, new_secret
from livefeed.domain.users import Role, User, check_password, clean_email, require_admin
from livefeed.languages import dates
from livefeed.languages.catalogs import _
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import feeds as feed_store
from livefeed.store import invitations as store
from livefeed.store import members

UNKNOWN = "this invitation link is not valid: check that it was copied whole, or ask for a new one"
USED = "this invitation has already been used: sign in instead, or ask for a new one"
EXPIRED = "this invitation has expired: ask whoever invited you for a new one"
WITHDRAWN = "whoever sent this invitation can no longer invite: ask an editor for a new one"
TAKEN_BACK = "this invitation was withdrawn: ask whoever invited you if you should have a new one"
NO_MAIL = "this site sends no email: copy the link and send it yourself"


class InvitationUnusable(NotFound):
    """The link cannot be used (unknown, used, expired, or its sender may no longer invite)."""


@dataclass(frozen=True)
class NewInvitation:
    """An invitation just made: ``url`` holds the secret and is never shown again."""

    url: str
    invitation: Invitation
    feed: Feed | None
    emailed: bool = False


@dataclass(frozen=True)
class InvitationView:
    """What the link's page shows before anything is done."""

    invitation: Invitation
    feed: Feed | None
    inviter: str
    has_account: bool


def invite(
    svc: Services,
    actor: User | None,
    email: object,
    *,
    feed_slug: str | None = None,
    role: object = None,
    admin: bool = False,
    send_email: bool = False,
) -> NewInvitation:
    """Invite ``email`` to a feed's team (its editors may) or, for admins only, to the site
    with no team yet, or as an administrator; ``send_email`` mails the link to them too."""
    checks = Checks()
    address = checks.run(lambda: clean_email(email), "")
    wanted: FeedRole | None = None
    if feed_slug:
        wanted = checks.run(lambda: parse_feed_role(role), None)
    elif role not in (None, ""):
        checks.fail("feed", "give the feed whose team the role is on")
    if send_email and not mail.mail_enabled(svc):
        checks.fail("send_email", NO_MAIL)
    checks.done()
    now = svc.clock()
    with svc.db.write() as conn:
        feed = None
        if feed_slug:
            feed = feed_store.require_feed(conn, feed_slug)
        # An admin holds every right on every feed; only they invite admins, or to no feed.
        if admin or feed is None:
            inviter = require_admin(actor)
        else:
            inviter = require_right(conn, actor, feed.id, Right.MANAGE_TEAM)
        _check_address(conn, address, feed, admin=admin)
        secret = new_secret()
        invitation = store.insert_invitation(
            conn,
            token_hash=digest(secret),
            email=address,
            feed_id=feed.id if feed else None,
            feed_role=wanted,
            site_role=Role.ADMIN if admin else Role.MEMBER,
            invited_by=inviter.id,
            now=now,
            expires_at=now + LIFETIME,
        )
        url = f"{svc.urls.origin}/invitations/{secret}"
        if send_email:
            _mail_link(svc, conn, inviter, invitation, feed, url)
        audit.record(
            svc, conn, inviter, "invitation.created", address,
            feed_id=feed.id if feed else None, invitation_id=invitation.id,
            role=wanted.value if wanted else None, admin=admin or None,
            emailed=send_email or None,
        )  # fmt: skip
    return NewInvitation(url, invitation, feed, emailed=send_email)


def _mail_link(
    svc: Services,
    conn: Connection,
    inviter: User,
    invitation: Invitation,
    feed: Feed | None,
    url: str,
) -> None:
    site = mail.site_name(svc)
    name = inviter.display_name
    with mail.speaking_to(None):
        if feed is not None and invitation.feed_role is not None:
            invites = _(
                "%(name)s invites you to join the team of “%(feed)s” as its %(role)s.",
                name=name, feed=feed.title, role=_(invitation.feed_role.value),
            )  # fmt: skip
        elif invitation.site_role is Role.ADMIN:
            invites = _(
                "%(name)s invites you to run %(site)s as an administrator.", name=name, site=site
            )
        else:
            invites = _("%(name)s invites you to join %(site)s.", name=name, site=site)
        body = "\n\n".join((
            invites,
            _("Open this link to choose your name and password:"),
            url,
            _(
                "It works once, until %(until)s UTC. "
                "If you did not expect it, ignore this message.",
                until=dates.in_utc(invitation.expires_at),
            ),
        ))  # fmt: skip
        subject = _("%(name)s invites you to %(site)s", name=name, site=site)
    mail.queue(svc, conn, invitation.email, subject, body)


def withdraw(
    svc: Services, actor: User | None, invitation_id: int, *, feed_slug: str | None = None
) -> Invitation:
    """Take back an invitation not yet used: its link stops working. Those who could send it
    (the feed's editors, or admins) may; ``feed_slug`` is the feed it must be for, if given."""
    now = svc.clock()
    with svc.db.write() as conn:
        invitation = store.get_invitation(conn, invitation_id)
        feed_id = feed_store.require_feed(conn, feed_slug).id if feed_slug else None
        if invitation is None or (feed_slug and invitation.feed_id != feed_id):
            raise NotFound(
                Message("there is no invitation %(invitation)s", invitation=invitation_id)
            )
        if invitation.site_role is Role.ADMIN or invitation.feed_id is None:
            who = require_admin(actor)
        else:
            who = require_right(conn, actor, invitation.feed_id, Right.MANAGE_TEAM)
        if not store.withdraw(conn, invitation.id, now):
            raise Conflict(
                Message(
                    "the invitation for %(email)s was already used or withdrawn",
                    email=invitation.email,
                )
            )
        audit.record(
            svc, conn, who, "invitation.withdrawn", invitation.email,
            feed_id=invitation.feed_id, invitation_id=invitation.id,
        )  # fmt: skip
        found = store.get_invitation(conn, invitation.id)
        assert found is not None
        return found


def _check_address(conn: Connection, address: str, feed: Feed | None, *, admin: bool) -> None:
    """An address that has an account joins a team through the invitation, signed in; it
    cannot be invited to be an admin, nor to nothing."""
    found = account_store.get_with_hash(conn, address)
    if found is None:
        return
    user = found[0]
    if admin:
        raise Conflict(
            Message(
                "%(email)s already has an account: make them an admin on the users page",
                email=address,
            ),
            field="email",
        )
    if feed is None:
        raise Conflict(Message("%(email)s already has an account", email=address), field="email")
    if members.role_of(conn, feed.id, user.id) is not None:
        raise Conflict(
            Message(
                "%(email)s is already on the team of “%(feed)s”: change their role instead",
                email=address,
                feed=feed.slug,
            ),
            field="email",
        )


def pending(svc: Services, actor: User | None, slug: str) -> list[Invitation]:
    """The feed's invitations not yet used nor expired, for its team page."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        require_right(conn, actor, feed.id, Right.MANAGE_TEAM)
        return store.pending_for_feed(conn, feed.id, svc.clock())


def look_up(svc: Services, secret: str) -> InvitationView:
    with svc.db.read() as conn:
        invitation = _usable(conn, svc, secret)
        feed = feed_store.get_by_id(conn, invitation.feed_id) if invitation.feed_id else None
        inviter = account_store.get_user(conn, invitation.invited_by or 0)
        has_account = account_store.email_taken(conn, invitation.email)
    return InvitationView(invitation, feed, inviter.display_name if inviter else "", has_account)


def accept_new(svc: Services, secret: str, *, display_name: object, password: str) -> Session:
    """Make the invited account, put it on the team, and sign it in."""
    checks = Checks()
    name = checks.run(
        lambda: clean_line(display_name, "display_name", max_length=200, required=True), ""
    )
    checks.run(lambda: check_password(password), "")
    checks.done()
    password_hash = accounts.hash_password(svc, password)
    now = svc.clock()
    with svc.db.write() as conn:
        invitation = _usable(conn, svc, secret)
        if account_store.email_taken(conn, invitation.email):
            raise Conflict(
                Message(
                    "there is already an account for %(email)s: sign in, then open this link again",
                    email=invitation.email,
                ),
                field="email",
            )
        if not store.use(conn, invitation.id, now):
            raise InvitationUnusable(USED)
        user_id = account_store.insert_user(
            conn,
            email=invitation.email,
            display_name=name,
            password_hash=password_hash,
            role=invitation.site_role,
            now=now,
        )
        user = account_store.require_user(conn, user_id)
        _join(svc, conn, user, invitation)
    return accounts.open_session(svc, user)


def accept_signed_in(svc: Services, viewer: User | None, secret: str) -> User:
    """The invited address already has an account, and its owner is signed in: join."""
    if viewer is None:
        raise Forbidden("sign in first, then open this link again")
    now = svc.clock()
    with svc.db.write() as conn:
        invitation = _usable(conn, svc, secret)
        if viewer.email != invitation.email:
            raise Forbidden(
                Message(
                    "this invitation is for %(email)s: sign in with that address to accept it",
                    email=invitation.email,
                )
            )
        if not store.use(conn, invitation.id, now):
            raise InvitationUnusable(USED)
        if invitation.site_role is Role.ADMIN and viewer.role is not Role.ADMIN:
            account_store.set_role(conn, viewer.id, Role.ADMIN)
        _join(svc, conn, viewer, invitation)
        return account_store.require_user(conn, viewer.id)


def _join(svc: Services, conn: Connection, user: User, invitation: Invitation) -> None:
    if invitation.feed_id is not None and invitation.feed_role is not None:
        members.put(conn, invitation.feed_id, user.id, invitation.feed_role, svc.clock())
    audit.record(
        svc, conn, user, "invitation.accepted", user.email,
        feed_id=invitation.feed_id, invitation_id=invitation.id,
        role=invitation.feed_role.value if invitation.feed_role else None,
        admin=invitation.site_role is Role.ADMIN or None,
    )  # fmt: skip


def _usable(conn: Connection, svc: Services, secret: str) -> Invitation:
    if not secret or len(secret) > 100:
        raise InvitationUnusable(UNKNOWN)
    invitation = store.by_hash(conn, digest(secret))
    if invitation is None:
        raise InvitationUnusable(UNKNOWN)
    state = invitation.state(svc.clock())
    if state is InvitationState.WITHDRAWN:
        raise InvitationUnusable(TAKEN_BACK)
    if state is InvitationState.ACCEPTED:
        raise InvitationUnusable(USED)
    if state is InvitationState.EXPIRED:
        raise InvitationUnusable(EXPIRED)
    inviter = account_store.get_user(conn, invitation.invited_by or 0)
    if not _may_still_invite(conn, inviter, invitation):
        raise InvitationUnusable(WITHDRAWN)
    return invitation


def _may_still_invite(conn: Connection, inviter: User | None, invitation: Invitation) -> bool:
    if inviter is None or inviter.disabled:
        return False
    if invitation.site_role is Role.ADMIN or invitation.feed_id is None:
        return inviter.is_admin
    return Right.MANAGE_TEAM in permissions.rights(conn, inviter, invitation.feed_id)
