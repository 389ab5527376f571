"""Plain factory functions and personas: a test says only what matters to it."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher

from livefeed.access import accounts
from livefeed.access.passwords import Passwords
from livefeed.domain.access import FeedRole
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.domain.users import Role, User
from livefeed.newsroom import publishing, team
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import feeds as feed_store
from livefeed.store import members

PASSWORD = "correct horse battery staple"
# argon2id at its lowest cost: production's cost is tested once (test_accounts), and paying it in
# every test that makes an account would be most of the suite's time.
CHEAP_PASSWORDS = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def make_user(
    svc: Services, email: str = "anna@newsroom.test", role: Role = Role.MEMBER, name: str = "Anna"
) -> User:
    return accounts.add_user(svc, email, PASSWORD, role=role, display_name=name)


def make_editor(svc: Services, email: str = "anna@newsroom.test") -> User:
    """Anna, who becomes the editor of each feed that ``make_feed`` opens for her."""
    return make_user(svc, email, Role.MEMBER, "Anna Editor")


def make_contributor(
    svc: Services, slug: str | None = "summit", email: str = "carl@newsroom.test"
) -> User:
    """Carl, a contributor on ``slug`` if that feed exists (on no team otherwise)."""
    carl = make_user(svc, email, Role.MEMBER, "Carl Contributor")
    join(svc, carl, slug, FeedRole.CONTRIBUTOR)
    return carl


def make_moderator(
    svc: Services, slug: str | None = "summit", email: str = "mo@newsroom.test"
) -> User:
    """Mo, a moderator on ``slug`` if that feed exists (on no team otherwise)."""
    mo = make_user(svc, email, Role.MEMBER, "Mo Moderator")
    join(svc, mo, slug, FeedRole.MODERATOR)
    return mo


def join(svc: Services, user: User, slug: str | None, role: FeedRole) -> None:
    """Put ``user`` on the team of ``slug`` with ``role``, as its first editor would."""
    if slug is None:
        return
    with svc.db.read() as conn:
        feed = feed_store.get_by_slug(conn, slug)
        editors = (
            [m for m in members.team(conn, feed.id) if m.role is FeedRole.EDITOR] if feed else []
        )
    if feed is None or not editors:
        return
    with svc.db.read() as conn:
        editor = account_store.get_user(conn, editors[0].user_id)
    team.set_member(svc, editor, slug, user.email, role)


def make_admin(svc: Services) -> User:
    return make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada Admin")


def make_feed(svc: Services, editor: User, **overrides: Any) -> Feed:
    fields: dict[str, Any] = {
        "slug": "summit",
        "title": "Summit in Geneva: live",
        "lead": "Leaders meet for a **second** day.",
        "notes": "Times are local.",
        "tags": "politics, world",
        "timezone": "Europe/London",
    }
    fields.update(overrides)
    if editor.is_admin:
        return publishing.create_feed(svc, editor, fields)
    # Whoever first opened a feed on this site: the factory sets the newsroom up for the test.
    return publishing.seed_feed(svc, editor, fields)


def make_post(svc: Services, editor: User, slug: str = "summit", **overrides: Any) -> Post:
    fields: dict[str, Any] = {"headline": "Talks resume", "body": "Delegates are back."}
    fields.update(overrides)
    return publishing.publish_post(svc, editor, slug, fields)
