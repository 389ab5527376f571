"""The community standards: the site's text, a feed's own, who may rewrite them, and the
check that a reader has accepted them before commenting.

Administrators write the site's text; whoever runs a feed may give it its own, or clear it to
follow the site's again. Both are Markdown, rendered through the same sanitiser as posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.permissions import require_right, rights
from livefeed.domain.access import Right
from livefeed.domain.errors import Invalid
from livefeed.domain.feeds import Feed
from livefeed.domain.reader_accounts import MUST_ACCEPT, STANDARDS_FIELD
from livefeed.domain.standards import DEFAULT_STANDARDS, SITE_STANDARDS, clean_standards
from livefeed.domain.text import clean_flag
from livefeed.domain.users import User, require_admin
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import reader_accounts as reader_store
from livefeed.store import standards as store


@dataclass(frozen=True)
class Standards:
    """The standards as a reader is shown them."""

    text: str
    html: str
    # Whether a feed's own text replaces the site's here.
    own: bool = False
    # When an administrator last wrote the site's text; ``None`` while the default stands.
    updated_at: datetime | None = None


def site_standards(svc: Services) -> Standards:
    with svc.db.read() as conn:
        found = store.site_text(conn, SITE_STANDARDS)
    if found is None:
        return Standards(DEFAULT_STANDARDS, svc.markup.render(DEFAULT_STANDARDS, "standards"))
    return Standards(
        found.body, svc.markup.render(found.body, "standards"), updated_at=found.updated_at
    )


def feed_standards(svc: Services, slug: str) -> tuple[Feed, Standards]:
    """The standards a feed's discussion is held under: its own if it has them."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        own = store.feed_standards(conn, feed.id)
    if own is None:
        return feed, site_standards(svc)
    return feed, Standards(own, svc.markup.render(own, "standards"), own=True)


def feed_standards_for_form(svc: Services, actor: User | None, feed: Feed) -> str | None:
    """For the feed's form: its own text ("" when it follows the site's), or ``None`` when
    the actor may not change it."""
    with svc.db.read() as conn:
        if Right.RUN_FEED not in rights(conn, actor, feed.id):
            return None
        return store.feed_standards(conn, feed.id) or ""


def set_site_standards(svc: Services, actor: User | None, text: object) -> Standards:
    """Administrators only. An empty text brings back the default shipped with Livefeed."""
    admin = require_admin(actor)
    body = clean_standards(text)
    svc.markup.render(body, "community_standards")  # a forbidden link is refused here
    with svc.db.write() as conn:
        if body:
            store.put_site_text(conn, SITE_STANDARDS, body, now=svc.clock(), user_id=admin.id)
        else:
            store.delete_site_text(conn, SITE_STANDARDS)
        audit.record(svc, conn, admin, "standards.changed", "site", default=not body)
    return site_standards(svc)


def set_feed_standards(svc: Services, actor: User | None, slug: str, text: object) -> Standards:
    """Whoever runs the feed; an empty text makes the feed follow the site's standards again."""
    body = clean_standards(text)
    svc.markup.render(body, "community_standards")
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        require_right(conn, actor, feed.id, Right.RUN_FEED)
        store.set_feed_standards(conn, feed.id, body or None)
        audit.record(
            svc, conn, actor, "standards.changed", feed.title, feed_id=feed.id, own=bool(body)
        )
    return feed_standards(svc, slug)[1]


def check_standards(
    conn: Connection, author: User | None, accepting: object, now: datetime | None = None
) -> None:
    """The comment use case's check: a reader must have accepted the community standards,
    once, before their first comment. Refuses with :class:`Invalid` naming
    ``accept_standards``.

    ``accepting`` is the ``accept_standards`` field sent with the comment (the box a first
    comment's form shows): ticked, it counts as accepting. A guest has no account to remember
    it by, so every comment of a guest must carry it. Call it once before counting the comment
    against the rate limits, and again with ``now`` inside the comment's transaction, where a
    ticked box is recorded on the account.
    """
    accepted = clean_flag(accepting, STANDARDS_FIELD)
    if accepted:
        if author is not None and now is not None:
            reader_store.accept_standards(conn, author.id, now)
        return
    if author is None or reader_store.standards_accepted_at(conn, author.id) is None:
        raise Invalid.field(STANDARDS_FIELD, MUST_ACCEPT)
