"""Bans: a reader barred from a feed's discussion, or from every feed's, for a time or for good.

A ban is in force from the moment it is made until it expires or a moderator lifts it. While
it is, the reader's comments and reports are refused with a message that says until when,
so they are never left guessing whether the site is broken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from livefeed.domain.errors import N_, Checks, Forbidden, Invalid, Message
from livefeed.domain.text import clean_line

REASON_LENGTH = 500


class BanLength(StrEnum):
    DAY = "1d"
    WEEK = "7d"
    MONTH = "30d"
    FOREVER = "forever"


LENGTH_LABELS: dict[BanLength, str] = {
    BanLength.DAY: N_("1 day"),
    BanLength.WEEK: N_("7 days"),
    BanLength.MONTH: N_("30 days"),
    BanLength.FOREVER: N_("For good"),
}

_DURATIONS: dict[BanLength, timedelta] = {
    BanLength.DAY: timedelta(days=1),
    BanLength.WEEK: timedelta(days=7),
    BanLength.MONTH: timedelta(days=30),
}


class BanScope(StrEnum):
    """Where a ban applies: the feed the comment was written on, or every feed (admins)."""

    FEED = "feed"
    SITE = "site"


@dataclass(frozen=True)
class BanInput:
    length: BanLength
    scope: BanScope
    reason: str

    def expires_at(self, now: datetime) -> datetime | None:
        """When the ban ends; ``None`` for one that never does."""
        span = _DURATIONS.get(self.length)
        return now + span if span is not None else None


@dataclass(frozen=True)
class Ban:
    id: int
    user_id: int
    # The banned reader's display name, as the moderators' list shows it.
    user_name: str
    # ``None`` for a ban from every feed's discussion.
    feed_id: int | None
    feed_title: str
    reason: str
    banned_by: str
    created_at: datetime
    expires_at: datetime | None
    lifted_at: datetime | None = None
    lifted_by: str = ""
    feed_slug: str = ""

    @property
    def site_wide(self) -> bool:
        return self.feed_id is None

    @property
    def forever(self) -> bool:
        return self.expires_at is None

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def reach(self) -> str:
        """Where it applies, in the words its reader is told."""
        if self.site_wide:
            return Message("every discussion on this site")
        return Message("this feed’s discussion")

    @property
    def until(self) -> str:
        return until_text(self.expires_at)


def _choice(value: object, field: str, kinds: list[str]) -> str:
    if isinstance(value, str) and value.strip().lower() in kinds:
        return value.strip().lower()
    raise Invalid.field(
        field, "must be one of %(some)s or %(last)s", some=", ".join(kinds[:-1]), last=kinds[-1]
    )


def parse_ban(fields: Mapping[str, object]) -> BanInput:
    """``length`` (1d, 7d, 30d, forever), ``scope`` (feed or site; feed when left out) and a
    ``reason`` the moderators keep (1 to 500 characters, one line)."""
    checks = Checks()
    length = checks.run(
        lambda: BanLength(_choice(fields.get("length"), "length", [b.value for b in BanLength])),
        None,
    )
    scope_value = fields.get("scope")
    scope = (
        BanScope.FEED
        if scope_value in (None, "")
        else checks.run(
            lambda: BanScope(_choice(scope_value, "scope", [s.value for s in BanScope])), None
        )
    )
    reason = checks.run(
        lambda: clean_line(fields.get("reason"), "reason", max_length=REASON_LENGTH), ""
    )
    if not reason and "reason" not in checks.errors:
        checks.fail("reason", "say why, for the other moderators and for the record")
    checks.done()
    assert length is not None
    assert scope is not None
    return BanInput(length, scope, reason)


def parse_comment_id(value: object, field: str = "comment_id") -> int:
    """The comment whose author is banned: a positive id."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        raise Invalid.field(field, "must be the id of one of the reader's comments")
    return value


def until_text(moment: datetime | None) -> str:
    """When a ban ends, in words: "until 2 December 2026, 18:00 UTC" or "for good"."""
    if moment is None:
        return Message("for good")
    return Message("until %(moment)s UTC", moment=moment)


def refusal(ban: Ban) -> Forbidden:
    """What a banned reader is told when they try to comment or report."""
    if ban.site_wide:
        return Forbidden(
            Message(
                "you are banned from every discussion on this site %(until)s; reason: %(reason)s",
                until=ban.until,
                reason=ban.reason,
            )
        )
    return Forbidden(
        Message(
            "you are banned from this feed’s discussion %(until)s; reason: %(reason)s",
            until=ban.until,
            reason=ban.reason,
        )
    )


def longest_in_force(bans: list[Ban], now: datetime) -> Ban | None:
    """The ban in force that ends last (one for good outlasts any other): the one a reader is
    told of, since lifting any other would not let them back."""
    live = [ban for ban in bans if ban.in_force(now)]
    if not live:
        return None
    far = datetime.max.replace(tzinfo=UTC)
    return max(live, key=lambda ban: ban.expires_at or far)


def check_not_banned(bans: list[Ban], now: datetime) -> None:
    ban = longest_in_force(bans, now)
    if ban is not None:
        raise refusal(ban)
