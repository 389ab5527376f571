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
    here = local(moment, zone)
    return f"{here:%H:%M} {zone_label(moment, zone)}, {here.day} {here:%B %Y}"


def iso_utc(moment: datetime) -> str:
    """The machine-readable form for ``<time datetime>`` and JSON: UTC, ``Z``, whole seconds."""
    utc = moment.astimezone(UTC)
    # ``%Y`` writes year 275 as "275", which is no ISO 8601 date.
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"
