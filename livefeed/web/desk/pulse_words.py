"""The newsroom's pulse as its editors' pages show it: each number with its line worded by the
server in the page's language, so the script only places them."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from livefeed.domain import pulse as rules
from livefeed.domain.moderation_queue import Tab
from livefeed.domain.presence import composing_line
from livefeed.languages import catalogs
from livefeed.languages.catalogs import _, ngettext, plural, translate
from livefeed.newsroom.pulse import Counts
from livefeed.web.discussion.moderation import queue_url


def described(
    slug: str,
    counts: Counts,
    editor_id: int,
    readers: int,
    points: list[int],
    summary: rules.Summary | None,
) -> dict[str, Any]:
    """The numbers, and each line as the page shows it, in the language spoken."""
    composing = counts.composing(editor_id)
    return {
        "slug": slug,
        "readers": readers,
        "readers_html": ngettext(
            "<strong>%(num)d</strong> reader on this feed now",
            "<strong>%(num)d</strong> readers on this feed now",
            readers,
        )
        % {"num": readers},
        "trail": points,
        "waiting": counts.waiting,
        "waiting_text": (
            plural(
                "Contributions (%(num)d waiting)", "Contributions (%(num)d waiting)", counts.waiting
            )
            if counts.waiting
            else _("Contributions")
        ),
        "reported": counts.reported,
        "reported_text": plural(
            "%(num)d reported comment", "%(num)d reported comments", counts.reported
        ),
        "reported_url": queue_url(slug, Tab.REPORTED),
        "composing": composing,
        "composing_text": translate(composing_line(composing)),
    } | latency_words(summary)


def latency_words(summary: rules.Summary | None) -> dict[str, Any]:
    """The last hour's median and 95th percentile from publish to screen, when measured."""
    if summary is None:
        return {"latency": None, "latency_text": ""}
    median, high = summary.median, summary.high
    locale = catalogs.locale_of()
    return {
        "latency": {"p50": median, "p95": high, "count": summary.count},
        "latency_text": _(
            "From publishing to readers’ screens in the last hour: %(median)s s for half of "
            "them, %(high)s s for 95 in 100",
            median=format_decimal(round(median, 1), "0.0", locale=locale),
            high=format_decimal(round(high, 1), "0.0", locale=locale),
        ),
    }
