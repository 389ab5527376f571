"""The newsroom's pulse on its editors' pages: ``/feeds/{slug}/pulse`` and ``/desk/pulse``.

An editor's feed page follows its feed's pulse, and the desk's list of feeds the pulse of each
feed the person edits, over a stream (``pulse_stream.py``). ``/feeds/{slug}/pulse`` answers one
look as JSON to whoever does not ask for the stream, with an ETag so an unchanged pulse is a 304.
``POST /feeds/{slug}/composing`` is the compose form's heartbeat ("Anna is composing").
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.domain.errors import LivefeedError, Message, Unauthorized
from livefeed.newsroom import pulse
from livefeed.web import security
from livefeed.web.desk.pulse_stream import Page, PulseWatch, streamed
from livefeed.web.errors import problem_for
from livefeed.web.forms import PRIVATE, checked_form, see_other
from livefeed.web.security import services
from livefeed.web.views import spoken_to


def wants_stream(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "")


async def pulse_now(request: Request) -> Response:
    """The feed's pulse for one of its editors, streamed or as JSON; 403 problem+json for
    anyone else."""
    user = await security.viewer(request)
    svc = services(request)
    try:
        watcher = await run_in_threadpool(pulse.watch, svc, user, request.path_params["slug"])
    except LivefeedError as error:
        return problem_for(error)
    feed = watcher.feed
    watch: PulseWatch = request.app.state.pulse_watch
    if wants_stream(request):
        return streamed(watch, [watcher], Page(watcher.editor_id, feed.language))
    reading = await watch.read(feed.id)
    return answered(request, reading.words(feed.slug, watcher.editor_id, feed.language))


async def desk_pulse(request: Request) -> Response:
    """The pulse of each feed the person edits that has not ended, for the desk's list, in the
    person's language: streamed, or as JSON (``{"feeds": [...]}``)."""
    user = await security.viewer(request)
    if user is None:
        return problem_for(Unauthorized(Message("sign in to follow your feeds")))
    watchers = await run_in_threadpool(pulse.watch_desk, services(request), user)
    language = user.language or spoken_to(request)
    watch: PulseWatch = request.app.state.pulse_watch
    if wants_stream(request):
        return streamed(watch, watchers, Page(user.id, language))
    feeds = [
        (await watch.read(each.feed.id)).words(each.feed.slug, user.id, language)
        for each in watchers
    ]
    return answered(request, {"feeds": feeds})


def answered(request: Request, body: dict[str, Any]) -> Response:
    """The body as JSON, with an ETag so an unchanged pulse is a 304."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    tag = f'"{hashlib.sha256(text).hexdigest()[:16]}"'
    headers = {**PRIVATE, "ETag": tag}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(text, media_type="application/json", headers=headers)


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
    feed_id = await run_in_threadpool(
        lambda: pulse.composing(services(request), user, slug, stopped=stopped)
    )
    watch: PulseWatch = request.app.state.pulse_watch
    watch.nudge(feed_id)
    return Response(status_code=204, headers=PRIVATE)


routes = [
    Route("/feeds/{slug}/pulse", pulse_now, methods=["GET"]),
    Route("/desk/pulse", desk_pulse, methods=["GET"]),
    Route("/feeds/{slug}/composing", composing, methods=["POST"]),
]
