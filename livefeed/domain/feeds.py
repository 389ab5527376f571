"""A live feed: one running story, its status and the rules for changing it."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from livefeed.domain.comments import Discussion, Moderation, parse_discussion, parse_moderation
from livefeed.domain.errors import N_, Checks, Invalid
from livefeed.domain.languages import clean_language
from livefeed.domain.text import (
    clean_flag,
    clean_line,
    clean_tags,
    clean_text,
    clean_title,
    clean_web_url,
)
from livefeed.domain.verification import Verification, parse_verification

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = (3, 80)
TITLE_LENGTH = 200
LEAD_LENGTH = 5_000
NOTES_LENGTH = 3_000


class FeedStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


# The desk shows a feed's status by its value, translated: these put each value in the catalogs.
STATUS_NAMES = {
    FeedStatus.SCHEDULED: N_("scheduled"),
    FeedStatus.LIVE: N_("live"),
    FeedStatus.ENDED: N_("ended"),
}


# An ended feed may be reopened when the story flares up again; nothing goes back to scheduled.
_TRANSITIONS: dict[FeedStatus, frozenset[FeedStatus]] = {
    FeedStatus.SCHEDULED: frozenset({FeedStatus.LIVE, FeedStatus.ENDED}),
    FeedStatus.LIVE: frozenset({FeedStatus.ENDED}),
    FeedStatus.ENDED: frozenset({FeedStatus.LIVE}),
}


@dataclass(frozen=True)
class FeedInput:
    """What an editor sets on a feed; everything else about it is kept by Livefeed."""

    slug: str
    title: str
    lead: str
    notes: str
    tags: tuple[str, ...]
    timezone: str
    coverage_start: datetime | None
    audio_stream_url: str
    discussion: Discussion = Discussion.MEMBERS
    moderation: Moderation = Moderation.PRE
    # How the feed reads once ended: "newest" or "oldest" first.
    ended_order: str = "newest"
    # The state a new post takes when its author does not say (see domain/verification.py).
    default_verification: Verification = Verification.CONFIRMED
    # The BCP 47 tag its readers' pages, feeds and tags are written in (domain/languages.py).
    language: str = "en"
    # Whether its readers' pages say how many read it now (its editors always see it).
    show_readers: bool = False
    # The live stream's recording, which a post may point into ("" for none).
    recording_url: str = ""


@dataclass(frozen=True)
class Feed:
    id: int
    slug: str
    title: str
    lead: str
    notes: str
    tags: tuple[str, ...]
    timezone: str
    status: FeedStatus
    coverage_start: datetime | None
    coverage_end: datetime | None
    audio_stream_url: str
    last_seq: int
    version: int
    created_at: datetime
    updated_at: datetime
    # Its short URL's code (see domain/shortcodes.py); "" only for a feed made by an older
    # release while this one was being rolled out.
    short_code: str = ""
    # Who may comment, and whether comments wait for a moderator (see domain/comments.py).
    discussion: Discussion = Discussion.MEMBERS
    moderation: Moderation = Moderation.PRE
    default_verification: Verification = Verification.CONFIRMED
    # When readers last saw a post change (published, edited, deleted); None before any.
    news_at: datetime | None = None
    # How the feed reads once ended: "newest" or "oldest" first.
    ended_order: str = "newest"
    # How many times events already logged were rewritten (words or a name erased): copies
    # of them kept anywhere, and validators of what shows them, go stale when it moves.
    log_rewrites: int = 0
    # The BCP 47 tag its readers' pages, feeds and tags are written in (domain/languages.py).
    language: str = "en"
    show_readers: bool = False
    recording_url: str = ""

    @property
    def last_updated(self) -> datetime:
        """The "Last updated" line: news only. Settings edits (a new audio address, a tag)
        move ``updated_at``, which caches and sitemaps need, but are no news to readers."""
        return self.news_at or self.created_at

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_live(self) -> bool:
        return self.status is FeedStatus.LIVE

    def as_input(self) -> dict[str, object]:
        """The feed's editable fields, shaped like a form or API body (the base of a PATCH)."""
        return {
            "slug": self.slug,
            "title": self.title,
            "lead": self.lead,
            "notes": self.notes,
            "tags": list(self.tags),
            "timezone": self.timezone,
            "coverage_start": self.coverage_start.isoformat() if self.coverage_start else "",
            "audio_stream_url": self.audio_stream_url,
            "discussion": self.discussion.value,
            "moderation": self.moderation.value,
            "default_verification": self.default_verification.value,
            "ended_order": self.ended_order,
            "language": self.language,
            "show_readers": self.show_readers,
            "recording_url": self.recording_url,
        }


def parse_feed_input(fields: Mapping[str, object], *, default_language: str = "en") -> FeedInput:
    """Check every field of a feed at once; raise :class:`Invalid` listing all that are wrong.

    A feed given no language is written in the site's, ``default_language``."""
    checks = Checks()
    given = fields.get("language")
    language = checks.run(
        lambda: clean_language(given) if given not in (None, "") else default_language,
        default_language,
    )
    slug = checks.run(lambda: clean_slug(fields.get("slug")), "")
    title = checks.run(
        lambda: clean_title(fields.get("title"), "title", max_length=TITLE_LENGTH, required=True),
        "",
    )
    lead = checks.run(lambda: clean_text(fields.get("lead"), "lead", max_length=LEAD_LENGTH), "")
    notes = checks.run(
        lambda: clean_text(fields.get("notes"), "notes", max_length=NOTES_LENGTH), ""
    )
    tags: tuple[str, ...] = checks.run(
        lambda: clean_tags(fields.get("tags"), language=language), ()
    )
    timezone = checks.run(lambda: clean_timezone(fields.get("timezone")), "UTC")
    start = checks.run(lambda: parse_moment(fields.get("coverage_start"), "coverage_start"), None)
    audio = checks.run(
        lambda: clean_web_url(fields.get("audio_stream_url"), "audio_stream_url"), ""
    )
    recording = checks.run(lambda: clean_web_url(fields.get("recording_url"), "recording_url"), "")
    discussion = checks.run(lambda: parse_discussion(fields.get("discussion")), Discussion.MEMBERS)
    moderation = checks.run(lambda: parse_moderation(fields.get("moderation")), Moderation.PRE)
    default = checks.run(
        lambda: parse_verification(fields.get("default_verification"), "default_verification"),
        None,
    )
    ended_order = checks.run(lambda: parse_ended_order(fields.get("ended_order")), "newest")
    show_readers = checks.run(lambda: clean_flag(fields.get("show_readers"), "show_readers"), False)
    checks.done()
    return FeedInput(
        slug, title, lead, notes, tags, timezone, start, audio, discussion, moderation,
        ended_order, default_verification=default or Verification.CONFIRMED, language=language,
        show_readers=show_readers,
        recording_url=recording,
    )  # fmt: skip


ENDED_ORDERS = ("newest", "oldest")


def parse_ended_order(value: object) -> str:
    """How a feed reads once ended; nothing given means newest first, as while it is live."""
    if value is None or value == "":
        return "newest"
    if value not in ENDED_ORDERS:
        raise Invalid.field("ended_order", "must be “newest” or “oldest”")
    return str(value)


def clean_slug(value: object) -> str:
    slug = clean_line(value, "slug", max_length=SLUG_LENGTH[1], required=True).lower()
    if not _SLUG.match(slug):
        raise Invalid.field("slug", "use lower-case letters, digits and single hyphens")
    if len(slug) < SLUG_LENGTH[0]:
        raise Invalid.field("slug", "must be at least %(least)d characters", least=SLUG_LENGTH[0])
    return slug


def clean_timezone(value: object) -> str:
    name = clean_line(value, "timezone", max_length=64) or "UTC"
    if name not in _zone_names():
        raise Invalid.field(
            "timezone", "“%(zone)s” is not an IANA time zone such as Europe/London", zone=name
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid.field("timezone", "“%(zone)s” is not a known time zone", zone=name) from None
    return name


@functools.cache
def _zone_names() -> frozenset[str]:
    """Read once: listing the zone database walks the disk."""
    return frozenset(available_timezones()) | {"UTC"}


# Offered first on the feed form: where most live coverage is filed from.
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Moscow",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg", "Asia/Dubai",
    "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip
# The regions of the zone database's own names; the rest are old aliases (US/Eastern, Etc/GMT+5).
_REGIONS = (
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific",
)  # fmt: skip


@functools.cache
def zone_choices() -> tuple[str, ...]:
    """The zones the feed form lists: the common ones, then every region's by name. An alias
    typed in is still taken; listing the hundred or so of them would only bury the real ones."""
    others = sorted(
        name
        for name in _zone_names()
        if name.split("/", 1)[0] in _REGIONS and name not in COMMON_ZONES
    )
    return (*COMMON_ZONES, *others)


# The moments a feed or a post may carry: wide enough for any story worth archiving, narrow
# enough that every one converts to UTC and prints with a four-digit year.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def parse_moment(value: object, field: str) -> datetime | None:
    """An ISO 8601 moment with an offset (a bare local time is ambiguous, so it is refused)."""
    text = clean_line(value, field, max_length=64)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid.field(field, "must be a date and time like 2026-11-25T18:30:00Z") from None
    if moment.tzinfo is None:
        raise Invalid.field(field, "must include a time zone offset, like Z or +01:00")
    # Checked on the year as written: converting year 1 or 9999 to UTC can leave the range
    # Python and the databases hold at all.
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Invalid.field(
            field,
            "must be between the years %(first)d and %(last)d",
            first=EARLIEST_YEAR,
            last=LATEST_YEAR,
        )
    return moment


def check_transition(current: FeedStatus, wanted: FeedStatus) -> None:
    """Refuse a status change that makes no sense (ending an ended feed, unscheduling)."""
    if wanted is current:
        return
    if wanted not in _TRANSITIONS[current]:
        raise Invalid.field(
            "status",
            "a feed that is %(current)s cannot become %(wanted)s",
            current=str(current),
            wanted=str(wanted),
        )
