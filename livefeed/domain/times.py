"""How moments are shown to readers: in the feed's own zone, with the zone's short name."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def zone_label(moment: datetime, zone: ZoneInfo) -> str:
    """``GMT``, ``CET``, ``EDT`` … or ``UTC+03`` where the zone has no abbreviation."""
    label = local(moment, zone).strftime("%Z")
    if label and label[0] in "+-":
        return f"UTC{label}"
    return label


def clock(moment: datetime, zone: ZoneInfo) -> str:
    """``18:21``: the time of a post in its feed's zone."""
    return local(moment, zone).strftime("%H:%M")


def stamp(moment: datetime, zone: ZoneInfo) -> str:
    """``18:21 GMT, 16 January 2021``: the feed's "Last updated" line."""
    return f"{clock(moment, zone)} {zone_label(moment, zone)}, {date_text(moment, zone)}"


def date_text(moment: datetime, zone: ZoneInfo, style: str = "date") -> str:
    """A day as readers see it, in the feed's zone: the one place dates are worded, so that
    wording them in the feed's language changes this function and nothing else.

    ``date``: 16 January 2021; ``day``: Saturday 16 January (a day separator);
    ``short``: Sat 16 Jan (a key event); ``key``: 2021-01-16 (to compare days, not shown).
    """
    here = local(moment, zone)
    if style == "day":
        return f"{here:%A} {here.day} {here:%B}"
    if style == "short":
        return f"{here:%a} {here.day} {here:%b}"
    if style == "key":
        return f"{here.year:04d}-{here:%m-%d}"
    return f"{here.day} {here:%B} {here.year:04d}"


def same_day(moment: datetime, other: datetime, zone: ZoneInfo) -> bool:
    """Whether two moments fall on the same day in the feed's zone."""
    return local(moment, zone).date() == local(other, zone).date()


def iso_utc(moment: datetime) -> str:
    """The machine-readable form for ``<time datetime>`` and JSON: UTC, ``Z``, whole seconds."""
    utc = moment.astimezone(UTC)
    # ``%Y`` writes year 275 as "275", which is no ISO 8601 date.
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"
