"""Readers signed up through the use case the sign-up page calls, and the summit's discussion
they comment in: what the tests of readers' accounts share."""

from __future__ import annotations

from sqlalchemy import func, select

from livefeed.access import accounts
from livefeed.discussion import comments as discussion
from livefeed.discussion import reader_accounts as readers
from livefeed.distribution import reading
from livefeed.domain.comments import Comment
from livefeed.domain.reader_accounts import STANDARDS_FIELD
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store.discussion_schema import comments
from livefeed.store.schema import users
from tests.factories import PASSWORD

ADDRESS = "198.51.100.7"
GOOD = {
    "display_name": "Rita Reader",
    "email": "rita@readers.test",
    "password": PASSWORD,
    STANDARDS_FIELD: "on",
}


def sign_up(svc: Services, address: str = ADDRESS, **changes: object) -> accounts.Session:
    return readers.sign_up(svc, {**GOOD, **changes}, address=address)


def user_count(svc: Services) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def open_discussion(svc: Services, editor: User, moderation: str = "post") -> None:
    """The summit's discussion, open to signed-in readers; post-moderated unless told."""
    feed = reading.get_feed(svc, "summit")
    publishing.update_feed(
        svc, editor, "summit", feed.as_input() | {"discussion": "members", "moderation": moderation}
    )


def comment(svc: Services, who: User, body: str, **fields: object) -> Comment:
    return discussion.post_comment(svc, who, "summit", {"body": body, **fields}, address=ADDRESS)


def stored_comments(svc: Services) -> list[dict[str, object]]:
    """Every comment row, in the order written (PostgreSQL promises no order without one)."""
    with svc.db.read() as conn:
        return [
            dict(row) for row in conn.execute(select(comments).order_by(comments.c.id)).mappings()
        ]
