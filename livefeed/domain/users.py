"""Who may do what on the desk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.text import clean_line

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_LENGTH = (10, 200)


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    CONTRIBUTOR = "contributor"
    MODERATOR = "moderator"


_PUBLISHERS = frozenset({Role.ADMIN, Role.EDITOR})


@dataclass(frozen=True)
class User:
    id: int
    email: str
    display_name: str
    role: Role
    disabled: bool
    created_at: datetime

    @property
    def can_publish(self) -> bool:
        return self.role in _PUBLISHERS and not self.disabled

    @property
    def can_manage_feeds(self) -> bool:
        return self.role in _PUBLISHERS and not self.disabled


def require_publisher(user: User | None) -> User:
    """Publishing, editing posts and running feeds: editors and admins."""
    if user is None or not user.can_publish:
        raise Forbidden("only editors can publish to a feed")
    return user


def clean_email(value: object) -> str:
    email = clean_line(value, "email", max_length=254, required=True).lower()
    if not _EMAIL.match(email):
        raise Invalid.field("email", "must be an email address like anna@example.org")
    return email


def check_password(password: str) -> str:
    """Length is the rule that matters; composition rules only make passwords worse."""
    low, high = PASSWORD_LENGTH
    if len(password) < low:
        raise Invalid.field("password", f"must be at least {low} characters")
    if len(password) > high:
        raise Invalid.field("password", f"must be at most {high} characters")
    return password
