"""Dates and times as each language writes them, from CLDR through Babel, in a feed's zone.

``date_text`` is the one place a date is put into words; the machine-readable forms
(``datetime`` attributes, JSON) stay ISO 8601 (``domain/times.iso_utc``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, get_datetime_format

from livefeed.domain import times
from livefeed.languages.catalogs import _, locale_of

# A style's CLDR skeleton: the fields to show, which each language orders and spells its way.
_SKELETONS = {
    "day": "MMMMEEEEd",  # Saturday 16 January · суббота, 16 января
    "short": "MMMEd",  # Sat 16 Jan · сб, 16 янв.
}


def clock(moment: datetime, zone: ZoneInfo, language: str | None = None) -> str:
    """``18:21``: a post's time in its feed's zone, on the 24-hour clock news is written in."""
    return format_skeleton("Hm", times.local(moment, zone), locale=locale_of(language))


def date_text(
    moment: datetime, zone: ZoneInfo, style: str = "date", language: str | None = None
) -> str:
    """A day as readers see it, in the feed's zone and language.

    ``date``: 16 January 2021 · 16 января 2021 г.; ``day``: a day separator; ``short``: a key
    event's day; ``key``: 2021-01-16 (to compare days, not shown).
    """
    here = times.local(moment, zone)
    if style == "key":
        return times.date_text(moment, zone, "key")
    locale = locale_of(language)
    if style in _SKELETONS:
        return format_skeleton(_SKELETONS[style], here, locale=locale)
    return format_date(here.date(), "long", locale=locale)


def stamp(moment: datetime, zone: ZoneInfo, language: str | None = None) -> str:
    """``18:21 GMT, 16 January 2021``: the feed's "Last updated" line."""
    return _(
        "%(time)s %(zone)s, %(date)s",
        time=clock(moment, zone, language),
        zone=times.zone_label(moment, zone),
        date=date_text(moment, zone, "date", language),
    )


def in_utc(moment: datetime, *, seconds: bool = False, language: str | None = None) -> str:
    """``6 Dec 2026, 18:00``: a moment on the desk (a token's expiry, an audit line), in UTC,
    which the page names beside it, written as the language writes a short date and time."""
    locale = locale_of(language)
    utc = moment.astimezone(UTC)
    date = format_date(utc.date(), "medium", locale=locale)
    time = format_skeleton("Hms" if seconds else "Hm", utc, locale=locale)
    pattern = str(get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", date).replace("{0}", time)


def day_text(moment: datetime, language: str | None = None) -> str:
    """``6 December 2026``: a day in a person's own records (when they joined), in UTC."""
    return format_date(moment.astimezone(UTC).date(), "long", locale=locale_of(language))
