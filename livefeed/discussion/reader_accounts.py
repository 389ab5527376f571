"""Readers' accounts: signing up, the community standards, one's own data, and leaving.

A reader signs up with a display name (shown to everyone), an email address (shown to no one
but administrators) and a password, and accepts the community standards as they do. Their
account page lets them rename themselves, download everything the site holds about them, and
delete the account for good.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from livefeed.access import accounts, audit
from livefeed.access.accounts import Session
from livefeed.discussion import comments as discussion
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Invalid, Message
from livefeed.domain.languages import clean_language
from livefeed.domain.reader_accounts import clean_display_name, parse_signup
from livefeed.domain.times import iso_utc
from livefeed.domain.users import Role, User
from livefeed.languages import catalogs
from livefeed.newsroom import bylines
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import comments as comment_store
from livefeed.store import members
from livefeed.store import reader_accounts as store

ALREADY_REGISTERED = "there is already an account for this address: log in instead"


@dataclass(frozen=True)
class Account:
    """What the account page shows its owner."""

    user: User
    standards_accepted_at: datetime | None


def sign_up(svc: Services, fields: dict[str, object], *, address: str) -> Session:
    """Make a reader's account and sign them in.

    The form is checked before anything is counted, so a typo costs no attempt; every
    attempt that gets past it counts against the client's address, which also bounds how
    fast anyone can learn which addresses have accounts (an address already registered is
    told so plainly, as most sites do, so that its owner knows to log in instead).
    """
    data = parse_signup(fields)
    svc.limits.hit("signup", address=address)
    try:
        user = accounts.add_user(svc, data.email, data.password, display_name=data.display_name)
    except Conflict:
        raise Conflict(ALREADY_REGISTERED, field="email") from None
    # A second transaction: if it were lost, the account would merely be asked to accept
    # the standards again before its first comment.
    with svc.db.write() as conn:
        store.accept_standards(conn, user.id, svc.clock())
        audit.record(svc, conn, user, "account.created", user.email, address=address)
    return accounts.open_session(svc, user)


def account(svc: Services, user: User) -> Account:
    with svc.db.read() as conn:
        current = account_store.require_user(conn, user.id)
        return Account(current, store.standards_accepted_at(conn, user.id))


def works_on_desk(svc: Services, user: User) -> bool:
    """Administrators, and anyone on a feed's team; everyone else is a reader."""
    if user.is_admin:
        return True
    with svc.db.read() as conn:
        return members.holds_anywhere(conn, user.id, frozenset(FeedRole))


def has_accepted_standards(svc: Services, user: User | None) -> bool:
    """For pages deciding whether a comment form must ask for acceptance first."""
    if user is None:
        return False
    with svc.db.read() as conn:
        return store.standards_accepted_at(conn, user.id) is not None


def accept_standards(svc: Services, user: User) -> None:
    with svc.db.write() as conn:
        store.accept_standards(conn, user.id, svc.clock())


def rename(svc: Services, user: User, display_name: object) -> User:
    name = clean_display_name(display_name)
    with svc.db.write() as conn:
        store.set_display_name(conn, user.id, name)
        audit.record(svc, conn, user, "account.renamed", user.email, previous=user.display_name)
        return account_store.require_user(conn, user.id)


def choose_language(svc: Services, user: User, language: object) -> User:
    """The language the person reads the site's own pages in: one the interface speaks, or
    none (``""``), which leaves it to their browser."""
    chosen = ""
    if language not in (None, ""):
        chosen = clean_language(language)
        if chosen not in catalogs.shipped():
            raise Invalid.field(
                "language", "“%(tag)s” is not a language this site speaks", tag=chosen
            )
    with svc.db.write() as conn:
        account_store.set_language(conn, user.id, chosen or None)
        return account_store.require_user(conn, user.id)


def export_data(svc: Services, user: User) -> dict[str, Any]:
    """Everything the site keeps about the account, as one JSON document for its owner."""
    with svc.db.read() as conn:
        current = account_store.require_user(conn, user.id)
        accepted = store.standards_accepted_at(conn, user.id)
        teams = store.teams_of(conn, user.id)
        written = comment_store.by_author(conn, user.id)
        slugs = store.feed_slugs(conn, {comment.feed_id for comment in written})
        reports = store.reports_by(conn, user.id)
    return {
        "profile": {
            "id": current.id,
            "display_name": current.display_name,
            "email": current.email,
            "role": current.role.value,
            "created_at": iso_utc(current.created_at),
            "standards_accepted_at": iso_utc(accepted) if accepted else None,
        },
        "teams": [{"feed": slug, "role": role.value} for slug, role in teams],
        "comments": [
            {
                "id": comment.id,
                "feed": slugs[comment.feed_id],
                "in_reply_to": comment.parent_id,
                "body": comment.body,
                "state": comment.state.value,
                "decision_reason": comment.decision_reason or None,
                "created_at": iso_utc(comment.created_at),
                "updated_at": iso_utc(comment.updated_at),
            }
            for comment in written
        ],
        "reports": [
            {
                "comment_id": report.comment_id,
                "feed": report.feed_slug,
                "reason": report.reason,
                "note": report.note,
                "created_at": iso_utc(report.created_at),
            }
            for report in reports
        ],
    }


def delete_account(svc: Services, user: User, password: str) -> None:
    """Erase the account: confirmed with its password, refused while the site or a feed
    would be left without anyone to run it.

    Its sessions and API tokens end with it, and its reports go with it. Its posts stay, without
    its name: not on their pages, nor in any event logged for them (see ``newsroom.bylines``).
    Its comments are taken down as their author would (readers' open pages drop the ones they
    show, through ``comment.removed``) and their words erased; what is left of each is an
    empty row with no author, so that the discussion around it stays as readers saw it after
    the take-down.
    The audit log keeps its lines (they record what happened to feeds and posts) with the
    address replaced by a stand-in: the one exception to that log never changing, so that
    nothing naming the person remains.
    """
    accounts.confirm_password(svc, user, password)
    with svc.db.write() as conn:
        current = account_store.require_user(conn, user.id)
        _check_can_leave(conn, current)
        touched = discussion.remove_comments_of(svc, conn, current.id)
        store.erase_comment_texts(conn, current.id)
        published = bylines.forget_author(svc, conn, current.id)
        # Not the id: SQLite gives a deleted row's id to the next account made.
        stand_in = f"deleted account {secrets.token_hex(4)}"
        store.forget_in_audit(conn, current.id, current.email, stand_in)
        audit.record(svc, conn, None, "account.deleted", stand_in)
        store.delete_user(conn, current.id, current.email)
        touched |= bylines.log_without_author(svc, conn, published)
    for feed_id in touched:
        svc.rewrote(feed_id)
        svc.committed(feed_id)


def _check_can_leave(conn: Connection, user: User) -> None:
    if user.role is Role.ADMIN:
        raise Conflict(
            "an administrator's account cannot be deleted: ask another administrator "
            "to make yours a member account first",
            field="password",
        )
    alone = store.feeds_only_edited_by(conn, user.id)
    if alone:
        names = ", ".join(f"“{slug}”" for slug in alone)
        raise Conflict(
            Message(
                "you are the only editor of %(feeds)s: make someone else its editor first",
                feeds=names,
            )
            if len(alone) == 1
            else Message(
                "you are the only editor of %(feeds)s: make someone else their editor first",
                feeds=names,
            ),
            field="password",
        )
