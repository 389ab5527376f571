"""Live updates over HTTP: the Server-Sent Events stream and the polling fallback.

Both read the feed's event log, the one source of truth: a stream replays what the reader
missed (``Last-Event-ID``), then goes on with what the hub fans out, and nothing is skipped or
sent twice because every frame carries its ``seq`` and readers only move forward.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from livefeed import reading
from livefeed.domain.events import Event, EventType
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post
from livefeed.realtime import sse
from livefeed.realtime.hub import Frame, Hub
from livefeed.services import Services
from livefeed.web.security import services

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000
POLL_LIMIT = 500


class Encoder:
    """Turns logged events into the JSON readers get, with the post's HTML fragment."""

    def __init__(self, svc: Services, templates: Jinja2Templates) -> None:
        self.svc = svc
        self.template = templates.env.get_template("_post.html")

    def payload(self, feed: Feed, event: Event, post: Post | None) -> dict[str, Any]:
        html = None
        if post is not None and event.type in (EventType.POST_PUBLISHED, EventType.POST_UPDATED):
            html = self.template.render(
                feed=feed, post=post, viewer=None, csrf_token="", urls=self.svc.urls
            )
        return {"seq": event.seq, "type": event.type.value, "data": event.data, "html": html}

    def frame(self, feed: Feed, event: Event, post: Post | None) -> Frame:
        text = json.dumps(
            self.payload(feed, event, post), ensure_ascii=False, separators=(",", ":")
        )
        return Frame(
            seq=event.seq,
            data=sse.encode(text, event=event.type.value, event_id=event.seq),
            ends_stream=event.type is EventType.FEED_ENDED,
        )

    async def fetch(self, feed_id: int, seq: int) -> list[Frame]:
        feed, logged = await run_in_threadpool(reading.events_after, self.svc, feed_id, seq)
        return [self.frame(feed, event, post) for event, post in logged]


def install(app: Starlette, svc: Services) -> None:
    """Give the app its hub, and have every commit in this process wake it at once."""
    encoder = Encoder(svc, app.state.templates)
    hub = Hub(encoder.fetch)
    app.state.encoder = encoder
    app.state.hub = hub
    app.state.loop = None

    def committed(feed_id: int) -> None:
        # Called from the worker thread that ran the use case; the hub lives on the loop.
        loop: asyncio.AbstractEventLoop | None = app.state.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(hub.notify, feed_id)

    svc.listeners.append(committed)


async def start(app: Starlette) -> None:
    app.state.loop = asyncio.get_running_loop()


async def stop(app: Starlette) -> None:
    await app.state.hub.close()


def _resume_point(raw: str | None, feed: Feed, delivered: int) -> int | None:
    """Where to replay from: ``None`` means the reader must be told to reset."""
    if raw is None:
        return delivered
    text = raw.strip()
    if not text.isdigit() or len(text) > 18:
        return None
    seq = int(text)
    return seq if seq <= max(feed.last_seq, delivered) else None


async def events(request: Request) -> Response:
    svc = services(request)
    hub: Hub = request.app.state.hub
    encoder: Encoder = request.app.state.encoder
    feed = await run_in_threadpool(reading.get_feed, svc, request.path_params["slug"])
    if feed.status is FeedStatus.ENDED:
        return Response(status_code=204)
    raw = request.headers.get("last-event-id")
    if raw is None:
        raw = request.query_params.get("last_event_id")
    reader = hub.join(feed.id, feed.last_seq)
    upto = reader.last_seq
    start = _resume_point(raw, feed, upto)
    if start is not None and start > upto:
        reader.last_seq = start

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield sse.retry(RETRY_MS)
            if start is None:
                reset = json.dumps({"seq": upto, "type": "reset"})
                yield sse.encode(reset, event="reset")
            else:
                seq = start
                while seq < upto:
                    frames = [f for f in await encoder.fetch(feed.id, seq) if f.seq <= upto]
                    if not frames:
                        break
                    yield b"".join(f.data for f in frames)
                    if any(f.ends_stream for f in frames):
                        return
                    seq = frames[-1].seq
            while not reader.dropped:
                if reader.chunks:
                    ended = reader.ended
                    yield reader.take()
                    if ended:
                        return
                    continue
                try:
                    await asyncio.wait_for(reader.wake.wait(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield sse.HEARTBEAT
        finally:
            hub.leave(feed.id, reader)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def updates(request: Request) -> Response:
    """The polling fallback: events after ``since`` as JSON, cacheable by URL and ``ETag``."""
    svc = services(request)
    encoder: Encoder = request.app.state.encoder
    since = reading.parse_seq(request.query_params.get("since", "0"))
    feed = await run_in_threadpool(reading.get_feed, svc, request.path_params["slug"])
    etag = f'"{feed.last_seq}"'
    lifetime = 86_400 if feed.status is FeedStatus.ENDED else 2
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={lifetime}"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    feed, logged = await run_in_threadpool(
        lambda: reading.events_after(svc, feed.id, since, limit=POLL_LIMIT)
    )
    body = {
        "events": [encoder.payload(feed, event, post) for event, post in logged],
        "last_seq": feed.last_seq,
        "status": feed.status.value,
        "more": bool(logged) and logged[-1][0].seq < feed.last_seq,
    }
    return JSONResponse(body, headers=headers)


routes = [
    Route("/feeds/{slug}/events", events, methods=["GET"]),
    Route("/feeds/{slug}/updates", updates, methods=["GET"]),
]
