"""Dates and times as each language writes them, from CLDR through Babel, in a feed's zone.

``date_text`` is the one place a date is put into words; the machine-readable forms
(``datetime`` attributes, JSON) stay ISO 8601 (``domain/times.iso_utc``).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton

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
