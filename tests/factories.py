"""Plain factory functions and personas: a test says only what matters to it."""

from __future__ import annotations

from typing import Any

from livefeed import accounts, publishing
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.domain.users import Role, User
from livefeed.services import Services

PASSWORD = "correct horse battery staple"


def make_user(
    svc: Services, email: str = "anna@newsroom.test", role: Role = Role.EDITOR, name: str = "Anna"
) -> User:
    return accounts.add_user(svc, email, PASSWORD, role=role, display_name=name)


def make_editor(svc: Services) -> User:
    return make_user(svc, "anna@newsroom.test", Role.EDITOR, "Anna Editor")


def make_contributor(svc: Services) -> User:
    return make_user(svc, "carl@newsroom.test", Role.CONTRIBUTOR, "Carl Contributor")


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
    return publishing.create_feed(svc, editor, fields)


def make_post(svc: Services, editor: User, slug: str = "summit", **overrides: Any) -> Post:
    fields: dict[str, Any] = {"headline": "Talks resume", "body": "Delegates are back."}
    fields.update(overrides)
    return publishing.publish_post(svc, editor, slug, fields)
