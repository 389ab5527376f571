"""The moderators' rules without a database: bans, the word list's form, the queue's items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from livefeed.domain.bans import (
    Ban,
    BanLength,
    BanScope,
    check_not_banned,
    parse_ban,
    parse_comment_id,
    until_text,
)
from livefeed.domain.blocked_words import normal_word, parse_word_list
from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.moderation_queue import FeedRef, QueueItem, Tab, fingerprint, parse_tab

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def ban(**overrides: object) -> Ban:
    fields: dict[str, object] = {
        "id": 1, "user_id": 7, "user_name": "Rita", "feed_id": 3, "feed_title": "Summit",
        "reason": "Spam", "banned_by": "Mo", "created_at": NOW,
        "expires_at": NOW + timedelta(days=1),
    }  # fmt: skip
    fields.update(overrides)
    return Ban(**fields)  # type: ignore[arg-type]


def comment(state: CommentState, **overrides: object) -> Comment:
    fields: dict[str, object] = {
        "id": 5, "feed_id": 3, "parent_id": None, "author_id": 7, "author_name": "Rita",
        "guest": False, "body": "Hello", "state": state, "hold_reason": "", "reports": 0,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    fields.update(overrides)
    return Comment(**fields)  # type: ignore[arg-type]


def item(c: Comment) -> QueueItem:
    return QueueItem(c, FeedRef(3, "summit", "Summit"), None, (), "", None)


# Bans --------------------------------------------------------------------------------------------


def test_a_ban_says_until_when_in_utc() -> None:
    assert until_text(datetime(2026, 12, 2, 9, 5, tzinfo=UTC)) == "until 2 December 2026, 09:05 UTC"
    in_paris = datetime(2026, 12, 2, 10, 5, tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))
    assert until_text(in_paris) == "until 2 December 2026, 10:05 UTC"
    assert until_text(None) == "for good"


def test_only_bans_in_force_refuse_and_the_longest_is_told() -> None:
    check_not_banned([ban(expires_at=NOW)], NOW)
    check_not_banned([ban(lifted_at=NOW - timedelta(minutes=1))], NOW)
    week = ban(id=2, expires_at=NOW + timedelta(days=7), reason="A week")
    with pytest.raises(Forbidden, match="until 2 December 2026, 18:00 UTC; reason: A week"):
        check_not_banned([ban(), week], NOW)
    with pytest.raises(Forbidden, match="every discussion on this site for good"):
        check_not_banned([week, ban(id=3, feed_id=None, expires_at=None)], NOW)


@pytest.mark.parametrize(
    ("length", "span"),
    [("1d", timedelta(days=1)), ("7d", timedelta(days=7)), ("30d", timedelta(days=30))],
)
def test_ban_lengths(length: str, span: timedelta) -> None:
    data = parse_ban({"length": length, "reason": "Spam"})
    assert (data.scope, data.expires_at(NOW)) == (BanScope.FEED, NOW + span)


def test_a_ban_for_good_has_no_end_and_a_site_scope_is_kept() -> None:
    data = parse_ban({"length": " Forever ", "reason": " Bot ", "scope": "SITE"})
    assert (data.length, data.scope, data.reason) == (BanLength.FOREVER, BanScope.SITE, "Bot")
    assert data.expires_at(NOW) is None


@pytest.mark.parametrize("value", [None, "", "0", "-1", "x", True, 1.5, 2**31, "12345678901"])
def test_a_comment_id_must_name_a_comment(value: object) -> None:
    with pytest.raises(Invalid):
        parse_comment_id(value)


def test_a_comment_id_may_come_as_text() -> None:
    assert parse_comment_id("42") == 42


# The word list -----------------------------------------------------------------------------------


def test_words_are_kept_in_the_form_they_are_matched() -> None:
    assert normal_word("  ＩＤＩＯＴ  ") == "idiot"
    assert normal_word("Rotten\t\tEGG") == "rotten egg"
    assert normal_word("Straße") == "strasse"
    assert parse_word_list("b\r\nA\n\n a \n") == ["a", "b"]
    assert parse_word_list(None) == []


@pytest.mark.parametrize("value", [["idiot"], 3])
def test_a_word_list_is_text(value: object) -> None:
    with pytest.raises(Invalid, match="must be text"):
        parse_word_list(value)


# The queue ---------------------------------------------------------------------------------------


def test_what_a_moderator_can_do_with_each_comment() -> None:
    assert item(comment(CommentState.PENDING)).actions == ("approve", "reject")
    assert item(comment(CommentState.HIDDEN)).actions == ("approve", "reject")
    # Shown by the feed's post-moderation, with no moderator's decision yet.
    assert item(comment(CommentState.APPROVED)).actions == ("approve", "reject", "hide")
    decided = {"decided_at": NOW, "decided_by": "Mo"}
    assert item(comment(CommentState.APPROVED, **decided)).actions == ("hide",)
    assert item(comment(CommentState.REJECTED, **decided)).actions == ("restore",)
    assert item(comment(CommentState.REMOVED)).actions == ()


def test_the_validator_follows_what_the_tab_shows() -> None:
    counts = {Tab.PENDING: 1, Tab.REPORTED: 0, Tab.DECIDED: 0}
    one = [item(comment(CommentState.PENDING))]
    same = fingerprint(Tab.PENDING, one, counts)
    assert fingerprint(Tab.PENDING, one, dict(counts)) == same
    assert fingerprint(Tab.REPORTED, one, counts) != same
    assert (
        fingerprint(Tab.PENDING, [item(comment(CommentState.PENDING, reports=1))], counts) != same
    )
    assert fingerprint(Tab.PENDING, one, counts | {Tab.REPORTED: 1}) != same
    later = [item(comment(CommentState.PENDING, updated_at=NOW + timedelta(seconds=1)))]
    assert fingerprint(Tab.PENDING, later, counts) != same


def test_tabs() -> None:
    assert parse_tab(None) is Tab.PENDING
    assert parse_tab("decided") is Tab.DECIDED
    with pytest.raises(Invalid):
        parse_tab("Decided")
