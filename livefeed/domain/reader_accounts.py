"""Readers' accounts: what a display name may be, and what signing up asks for.

A display name is shown beside everything a reader writes, to everyone, so it is held to
more than one clean line: it must have something readable in it, and it may not carry the
invisible characters that make one name look like another or turn the text around it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from livefeed.domain.errors import Checks, Invalid
from livefeed.domain.text import clean_flag, clean_line
from livefeed.domain.users import check_password, clean_email

DISPLAY_NAME_LENGTH = 50
STANDARDS_FIELD = "accept_standards"
MUST_ACCEPT = "accept the community standards first"


@dataclass(frozen=True)
class SignUp:
    """A checked sign-up form; the password is still in the clear, to be hashed at once."""

    display_name: str
    email: str
    password: str


def clean_display_name(value: object, field: str = "display_name") -> str:
    name = clean_line(value, field, max_length=DISPLAY_NAME_LENGTH, required=True)
    # "Cf" holds the bidirectional overrides and zero-width joiners and spaces.
    if any(unicodedata.category(ch) == "Cf" for ch in name):
        raise Invalid.field(field, "must not contain invisible formatting characters")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in name):
        raise Invalid.field(field, "must contain at least one letter or digit")
    return name


def parse_signup(fields: Mapping[str, object]) -> SignUp:
    """Every field of the sign-up form at once; :class:`Invalid` names each one at fault."""
    checks = Checks()
    name = checks.run(lambda: clean_display_name(fields.get("display_name")), "")
    email = checks.run(lambda: clean_email(fields.get("email")), "")
    password = fields.get("password")
    if not isinstance(password, str):
        checks.fail("password", "is required")
    else:
        checks.run(lambda: check_password(password), "")
    accepted = checks.run(lambda: clean_flag(fields.get(STANDARDS_FIELD), STANDARDS_FIELD), False)
    if not accepted:
        checks.fail(STANDARDS_FIELD, "accept the community standards to make an account")
    checks.done()
    assert isinstance(password, str)
    return SignUp(name, email, password)
