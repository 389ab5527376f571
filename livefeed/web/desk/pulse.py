"""The newsroom's pulse on an editor's feed page, kept live by polling.

``GET /feeds/{slug}/pulse`` answers the feed's editors with its counts as JSON, every few
seconds from the page's script (``pulse.js``), with an ETag so an unchanged pulse costs a 304.
Polling rather than a stream of their own: a handful of editors asking every few seconds costs
less than a connection each held open, and the readers' stream carries nothing more for them.

The reader count is summed over the instances by the broker; the sparkline's points are kept
in this instance's memory, one per minute, taken when an editor's page asks (so a feed no
editor watches keeps none). ``POST /feeds/{slug}/composing`` is the compose form's heartbeat
("Anna is composing").
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any
from urllib.parse import quote

from babel.numbers import format_decimal
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.domain import pulse as rules
from livefeed.domain.errors import LivefeedError
from livefeed.domain.moderation_queue import Tab
from livefeed.domain.presence import composing_line
from livefeed.languages import catalogs
from livefeed.languages.catalogs import _, ngettext, plural, translate
from livefeed.newsroom import pulse
from livefeed.web import security
from livefeed.web.discussion.moderation import queue_url
from livefeed.web.errors import problem_for
from livefeed.web.forms import PRIVATE, checked_form, see_other
from livefeed.web.reader import stream
from livefeed.web.security import services

# How often an editor's page asks (the script reads it from the page).
POLL_SECONDS = 5


async def pulse_now(request: Request) -> Response:
    """The feed's pulse as JSON for one of its editors; 403 problem+json for anyone else."""
    user = await security.viewer(request)
    slug = request.path_params["slug"]
    try:
        found = await run_in_threadpool(pulse.pulse, services(request), user, slug)
    except LivefeedError as error:
        return problem_for(error)
    readers = await stream.reader_total(request.app, found.feed_id)
    now = time.time()
    trail: rules.ReaderTrail = request.app.state.reader_trail
    trail.record(found.feed_id, now, readers)
    latencies: rules.Latencies = request.app.state.latencies
    with catalogs.speaking(found.language):
        body = described(slug, found, readers, trail.of(found.feed_id, now))
        body |= latency_words(latencies.summary(found.feed_id, now))
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    tag = f'"{hashlib.sha256(text).hexdigest()[:16]}"'
    headers = {**PRIVATE, "ETag": tag}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(text, media_type="application/json", headers=headers)


def described(slug: str, found: pulse.Pulse, readers: int, points: list[int]) -> dict[str, Any]:
    """The numbers, and each line as the page shows it, in the feed's language."""
    return {
        "readers": readers,
        "readers_html": ngettext(
            "<strong>%(num)d</strong> reader on this feed now",
            "<strong>%(num)d</strong> readers on this feed now",
            readers,
        )
        % {"num": readers},
        "trail": points,
        "waiting": found.waiting,
        "waiting_text": (
            plural(
                "Contributions (%(num)d waiting)", "Contributions (%(num)d waiting)", found.waiting
            )
            if found.waiting
            else _("Contributions")
        ),
        "reported": found.reported,
        "reported_text": plural(
            "%(num)d reported comment", "%(num)d reported comments", found.reported
        ),
        "reported_url": queue_url(slug, Tab.REPORTED),
        "composing": found.composing,
        "composing_text": translate(composing_line(found.composing)),
    }


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


async def composing(request: Request) -> Response:
    """The compose form holds words (or, with ``left``, no longer does): form-encoded with the
    session's CSRF token, so the page's ``sendBeacon`` on leaving can send it too."""
    user = await security.viewer(request)
    if user is None:
        feed_page = request.url.path.removesuffix("/composing")
        return see_other(f"/login?next={quote(security.safe_next(feed_page), safe='/%')}")
    form = await checked_form(request)
    stopped = bool(form.get("left"))
    slug = request.path_params["slug"]
    await run_in_threadpool(lambda: pulse.composing(services(request), user, slug, stopped=stopped))
    return Response(status_code=204, headers=PRIVATE)


routes = [
    Route("/feeds/{slug}/pulse", pulse_now, methods=["GET"]),
    Route("/feeds/{slug}/composing", composing, methods=["POST"]),
]
