"""Guests banned by keyed hashes of their address and name, nothing readable, for the ban's
duration only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from livefeed.discussion import bans
from livefeed.discussion import comments as discussion
from livefeed.domain.comments import Comment
from livefeed.domain.errors import Forbidden
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store.discussion_schema import comments, guest_bans, site_keys
from tests.conftest import Clock
from tests.factories import make_editor, make_feed

HOME, OFFICE = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna, discussion="guests")
    make_feed(svc, anna, slug="other", title="Other", discussion="guests")
    return anna


def guest_says(svc: Services, name: str, address: str, slug: str = "summit") -> Comment:
    fields = {"body": "Hello from a guest", "name": name, "accept_standards": "on"}
    return discussion.post_comment(svc, None, slug, fields, address=address)


def test_a_banned_guest_is_refused_by_address_or_by_name(
    svc: Services, editor: User, clock: Clock
) -> None:
    said = guest_says(svc, "Gus Guest", HOME)
    bans.ban_author(svc, editor, said.id, {"length": "1d", "reason": "Spam"})
    with pytest.raises(Forbidden, match=r"banned from this discussion until .*Spam"):
        guest_says(svc, "Another Name", HOME)  # a new name, the same network
    with pytest.raises(Forbidden):
        guest_says(svc, "  gus   GUEST ", OFFICE)  # the same name from elsewhere
    guest_says(svc, "Someone Else", OFFICE)
    guest_says(svc, "Gus Guest", HOME, slug="other")  # a ban from one feed's discussion
    clock.advance(24 * 3600)
    guest_says(svc, "Gus Guest", HOME)
    with svc.db.read() as conn:
        assert conn.execute(select(guest_bans)).all() == []  # over, and forgotten


def test_nothing_readable_is_kept_of_the_guest(svc: Services, editor: User) -> None:
    said = guest_says(svc, "Gus Guest", HOME)
    bans.ban_author(svc, editor, said.id, {"length": "forever", "reason": "Spam"})
    with svc.db.read() as conn:
        [ban] = conn.execute(select(guest_bans)).mappings().all()
        kept = conn.execute(select(comments.c.guest_key)).scalar_one()
    stored = " ".join(str(value) for value in ban.values())
    for readable in ("Gus", "gus", HOME, "198.51.100"):
        assert readable not in stored
        assert readable not in kept
    assert len(ban["address_key"]) == 64
    assert ban["address_key"] == kept
    assert ban["name_key"] != ban["address_key"]


def test_the_operators_key_makes_the_hashes(svc: Services, editor: User) -> None:
    said = guest_says(svc, "Gus Guest", HOME)
    with svc.db.read() as conn:
        made_here = conn.execute(select(comments.c.guest_key)).scalar_one()
        assert conn.execute(select(site_keys.c.name)).scalars().all() == ["keyed_hashes"]
    svc.settings = svc.settings.replace(secret_key="an operator's long random key")
    other = guest_says(svc, "Gus Guest", HOME)
    with svc.db.read() as conn:
        keys = dict(conn.execute(select(comments.c.id, comments.c.guest_key)).all())
    assert keys[said.id] == made_here
    assert keys[other.id] != made_here


def test_a_site_wide_guest_ban_is_for_admins(svc: Services, editor: User) -> None:
    said = guest_says(svc, "Gus Guest", HOME)
    with pytest.raises(Forbidden):
        bans.ban_author(svc, editor, said.id, {"length": "1d", "reason": "Spam", "scope": "site"})
