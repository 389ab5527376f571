"""Accounts: who someone is, and the site role that makes them an administrator or not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from livefeed.domain.access import TokenScope
from livefeed.domain.errors import N_, Forbidden, Invalid
from livefeed.domain.text import clean_line

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_LENGTH = (10, 200)


class Role(StrEnum):
    """A site role. Everything else a person may do is given per feed (see ``access``)."""

    ADMIN = "admin"
    MEMBER = "member"


# The desk shows a site role by its value, translated: these put each value in the catalogs.
ROLE_NAMES = {Role.ADMIN: N_("admin"), Role.MEMBER: N_("member")}


@dataclass(frozen=True)
class User:
    id: int
    email: str
    display_name: str
    role: Role
    disabled: bool
    created_at: datetime
    # Set when the user acts through an API token: the token's reach, which narrows theirs.
    scope: TokenScope | None = None
    # The BCP 47 tag of the language they chose for the pages they read; "" for none.
    language: str = ""

    @property
    def is_admin(self) -> bool:
        """Site administration: users, every feed, settings; never through a scoped token."""
        return (
            self.role is Role.ADMIN
            and not self.disabled
            and (self.scope is None or self.scope.unrestricted)
        )


def require_admin(user: User | None) -> User:
    if user is None or not user.is_admin:
        raise Forbidden("only an administrator can do this")
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
        raise Invalid.field("password", "must be at least %(least)d characters", least=low)
    if len(password) > high:
        raise Invalid.field("password", "must be at most %(most)d characters", most=high)
    return password
