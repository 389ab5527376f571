"""Live updates over HTTP: the Server-Sent Events stream and the polling fallback.

Both read the feed's event log, the one source of truth. A stream first replays what the
reader missed (``Last-Event-ID``, or ``?last_event_id=`` on a first connect), then goes on
with what the hub fans out; every frame carries its ``seq`` and readers only move forward, so
nothing is skipped or sent twice. Streams are normally answered by :mod:`livefeed.web.front`
straight on the socket; the ASGI endpoint here serves the same bytes under any ASGI server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from livefeed.discussion.comment_resources import comment_from_json
from livefeed.distribution import reading
from livefeed.domain.errors import Message, NotFound
from livefeed.domain.events import Event, EventType
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post
from livefeed.languages import catalogs
from livefeed.realtime import sse
from livefeed.realtime.broker import Broker, OnNotice
from livefeed.realtime.connections import BufferedReader
from livefeed.realtime.frames import Batch, Frame
from livefeed.realtime.hub import REPLAY_BATCH, Hub, OnBatch, Subscriber
from livefeed.realtime.site_brokers import serving_broker
from livefeed.realtime.ticks import Ticks
from livefeed.services import Services
from livefeed.web.reader.caching import unchanged, updates_headers
from livefeed.web.reader.live_posts import LivePosts
from livefeed.web.security import services

RETRY_MS = 3000
READER_REPORT_SECONDS = 5.0
# Unchanged counts are reported again on the second look, well before the brokers forget them.
READER_REFRESH_SECONDS = 2 * READER_REPORT_SECONDS - 1
POLL_LIMIT = 500
STREAM_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",
}


# The events that are news to readers (they move "Last updated").
_NEWS = (EventType.POST_PUBLISHED, EventType.POST_UPDATED, EventType.POST_DELETED)
PAGE_FIELDS = ("id", "state", "headline", "title", "tags", "key_event", "verification")


class Encoder:
    """Turns logged events into the JSON readers get, with the post's HTML fragment."""

    def __init__(self, svc: Services, templates: Jinja2Templates) -> None:
        self.svc = svc
        self.posts = LivePosts(svc, templates.env)
        self.comment_template = templates.env.get_template("_comment.html")

    def payload(self, feed: Feed, event: Event, post: Post | None) -> dict[str, Any]:
        """Worded in the feed's language, whoever's request the event is encoded for."""
        with catalogs.speaking(feed.language):
            return self._payload(feed, event, post)

    def _payload(self, feed: Feed, event: Event, post: Post | None) -> dict[str, Any]:
        data = event.data
        message: dict[str, Any] = {"seq": event.seq, "type": event.type.value}
        if post is not None and event.type in (EventType.POST_PUBLISHED, EventType.POST_UPDATED):
            # What the post says, and what its page builds the rest from (live_posts.py); of
            # its fields, only what the page decides with travels (every byte goes to every
            # reader).
            data = {k: data[k] for k in PAGE_FIELDS if k in data}
            if data.get("title") == data.get("headline"):
                del data["title"]
            message["data"] = data
            message["post"] = self.posts.particulars(feed, post)
            message["html"] = self.posts.content_html(feed, post)
        elif event.type is EventType.COMMENT_APPROVED:
            html = self.comment_html(feed, event)
            if html is not None:
                data = {k: v for k, v in data.items() if k not in ("body", "body_html")}
            message["data"] = data
            message["html"] = html
        else:
            message["data"] = data
            message["html"] = None
        if event.type in _NEWS:
            # The commit's moment (Unix seconds): the page's "Last updated" says it, and a
            # sampled page measures publish-to-screen by it.
            message["created"] = round(event.created_at.timestamp(), 3)
        return message

    def comment_html(self, feed: Feed, event: Event) -> str | None:
        """The comment an approval shows, as every reader's page inserts it: no one's tools.

        ``None`` once a moderator or its author took it down (the log then keeps no words)."""
        comment = comment_from_json(event.data, feed.id)
        if comment is None:
            return None
        html: str = self.comment_template.render(
            feed=feed, comment=comment, viewer=None, csrf_token="", urls=self.svc.urls
        )
        return html

    def frame(self, feed: Feed, event: Event, post: Post | None) -> Frame:
        text = json.dumps(
            self.payload(feed, event, post), ensure_ascii=False, separators=(",", ":")
        )
        return Frame.of(
            event.seq,
            sse.encode(text, event=event.type.value, event_id=event.seq),
            ends_stream=event.type is EventType.FEED_ENDED,
            takes_down=event.type in (EventType.POST_DELETED, EventType.COMMENT_REMOVED),
            created=event.created_at.timestamp(),
        )

    async def fetch(self, feed_id: int, seq: int, limit: int) -> list[Frame]:
        feed, logged = await run_in_threadpool(
            lambda: reading.events_after(self.svc, feed_id, seq, limit=limit)
        )
        return [self.frame(feed, event, post) for event, post in logged]

    async def lookup(self, slug: str) -> Feed | None:
        return await run_in_threadpool(reading.find_feed, self.svc, slug)


def install(
    app: Starlette,
    svc: Services,
    siblings: Path | None = None,
    *,
    on_batch: OnBatch | None = None,
    ticks: Ticks | None = None,
) -> None:
    """Give the app its hub and broker; every commit announces itself through the broker.

    The broker wakes this process's hub at once and every other instance's: through Redis if
    configured, else through PostgreSQL's NOTIFY on a PostgreSQL site, else through
    ``siblings``, the SQLite site's wake directory (``realtime/site_brokers.py``).
    ``on_batch`` is told of each batch the hub fans out (the metrics count them); ``ticks`` are
    the app's shared timers, the hub's among them.
    """
    encoder = Encoder(svc, app.state.templates)
    app.state.encoder = encoder
    settings = svc.settings
    broker, hears_every_writer = serving_broker(
        settings.database_url, settings.redis_url, instance_id(), siblings
    )

    def hears_every_commit() -> bool:
        return hears_every_writer and broker.healthy

    app.state.hub = Hub(
        encoder.fetch,
        encoder.lookup,
        must_poll=lambda: not hears_every_commit(),
        recent_bytes=svc.settings.stream_memory,
        on_batch=on_batch,
        ticks=ticks,
    )
    app.state.broker = broker
    # Whether every commit to the site, from any process, is told to this one now.
    app.state.hears_every_commit = hears_every_commit
    app.state.background = []
    svc.listeners.append(broker.announce)


def instance_id() -> str:
    """Unique among the instances running at once: host, process and a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


async def start(app: Starlette, *also: OnNotice) -> None:
    """Start the hub and the broker's wake-ups, which go to the hub and to each of ``also``."""
    hub: Hub = app.state.hub
    broker: Broker = app.state.broker
    hub.start()
    loop = asyncio.get_running_loop()
    # From the use cases' threads: the hub is only ever touched on the loop.
    svc: Services = app.state.services

    def forget(feed_id: int) -> None:
        loop.call_soon_threadsafe(hub.forget_recent, feed_id)

    svc.forgetters.append(forget)
    app.state.background = [
        loop.create_task(broker.run(_to_each(hub.notify, *also))),
        loop.create_task(_report_readers(hub.reader_counts, broker)),
    ]


def _to_each(*listeners: OnNotice) -> OnNotice:
    def notice(feed_id: int) -> None:
        for listener in listeners:
            listener(feed_id)

    return notice


async def _report_readers(
    counts: Callable[[], Mapping[int, int]],
    broker: Broker,
    *,
    every: float = READER_REPORT_SECONDS,
    refresh: float = READER_REFRESH_SECONDS,
) -> None:
    """Tell the broker this instance's readers when they change, and unchanged ones again
    ``refresh`` seconds after: the brokers forget an instance's counts 15 s after it last
    reported them (so a stopped instance drops out of the totals). Having no readers is said
    once: an instance forgotten counts none all the same."""
    reported: dict[int, int] | None = None
    reported_at = -math.inf
    while True:
        now = {feed_id: count for feed_id, count in counts().items() if count}
        if now != reported or (now and time.monotonic() - reported_at >= refresh):
            broker.report_readers(now)
            reported, reported_at = now, time.monotonic()
        await asyncio.sleep(every)


async def stop(app: Starlette) -> None:
    for task in app.state.background:
        task.cancel()
    for task in app.state.background:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await app.state.broker.close()
    await app.state.hub.close()


async def current_feed(request: Request, slug: str) -> Feed:
    """The feed's record as the hub keeps it (trusted until its next event while it has
    readers here, for a second otherwise): what a reader's validator is made from, so a
    revalidation is answered before any database or template work."""
    hub: Hub = request.app.state.hub
    feed = await hub.feed(slug)
    if feed is None:
        raise NotFound(Message("there is no feed called “%(slug)s”", slug=slug))
    return feed


async def reader_total(app: Starlette, feed_id: int) -> int:
    """Readers of the feed right now, over every instance."""
    broker: Broker = app.state.broker
    return await broker.reader_total(feed_id)


def resume_point(raw: str | None, feed: Feed, delivered: int) -> int | None:
    """Where to replay from; ``None`` means the reader must be told to reset."""
    if raw is None:
        return max(delivered, feed.last_seq)
    text = raw.strip()
    if not text.isdigit() or len(text) > 18:
        return None
    seq = int(text)
    return seq if seq <= max(feed.last_seq, delivered) else None


@dataclass(frozen=True)
class Opening:
    """How a new stream starts: its first bytes, and what to replay (``start`` < seq ≤ ``upto``;
    ``start`` is ``None`` when the reader is told to reset instead).
    """

    data: bytes
    start: int | None
    upto: int


async def open_stream(hub: Hub, feed: Feed, raw: str | None, reader: Subscriber) -> Opening:
    """Join the feed's channel, then replay up to where the channel was: no gap.

    Nothing is awaited once the reader has joined: a live batch it were handed meanwhile would
    be counted from the channel's position, not from the reader's own."""
    known = resume_point(raw, feed, hub.delivered(feed.id))
    beyond = known is None and raw is not None and raw.strip().isdigit()
    if not hub.has_channel(feed.id) or beyond:
        # A new channel starts where the log is now, not where a cached look-up last saw it;
        # and a position beyond what this process has seen may still be real, committed a
        # moment ago by another process: the database is asked before calling it unknown.
        feed = await hub.feed(feed.slug, fresh=True) or feed
    upto = hub.join(feed.id, feed.last_seq, reader)
    start = resume_point(raw, feed, upto)
    if start is None:
        reset = sse.encode(json.dumps({"seq": upto, "type": "reset"}), event="reset")
        return Opening(sse.retry(RETRY_MS) + reset, None, upto)
    if start > upto:
        reader.last_seq = start
    return Opening(sse.retry(RETRY_MS), start, upto)


async def missed(hub: Hub, feed_id: int, opening: Opening) -> AsyncIterator[Batch]:
    """The replay of what the reader missed, in bounded batches."""
    if opening.start is not None:
        async for batch in hub.replay(feed_id, opening.start, opening.upto):
            yield batch


def last_event_id(header: str | None, query: str | None) -> str | None:
    """The header wins; the query serves a first connect, where a browser cannot set it."""
    return header if header is not None else query


async def events(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    slug = request.path_params["slug"]
    feed = await hub.feed(slug)
    if feed is None:
        raise NotFound(Message("there is no feed called “%(slug)s”", slug=slug))
    if feed.status is FeedStatus.ENDED:
        return Response(status_code=204)
    reader = BufferedReader(last_seq=0)
    raw = last_event_id(
        request.headers.get("last-event-id"), request.query_params.get("last_event_id")
    )
    opening = await open_stream(hub, feed, raw, reader)

    async def body() -> AsyncIterator[bytes]:
        try:
            yield opening.data
            seq = opening.start or 0
            async for batch in missed(hub, feed.id, opening):
                yield batch.data_after(seq)
                seq = batch.last_seq
                if batch.ends_stream:
                    return
            while not reader.dropped:
                await reader.wake.wait()
                ended = reader.ended
                data = reader.take()
                if data:
                    yield data
                if ended:
                    return
        finally:
            hub.leave(feed.id, reader)

    return StreamingResponse(body(), headers=STREAM_HEADERS)


async def updates(request: Request) -> Response:
    """The polling fallback: events after ``since`` as JSON, cacheable by URL and ``ETag``.

    Answered from memory when it can be: the feed's record as the hub keeps it (so a crowd of
    pollers asking "anything new?" costs no query), and the events as already encoded for the
    streams."""
    svc = services(request)
    encoder: Encoder = request.app.state.encoder
    hub: Hub = request.app.state.hub
    since = reading.parse_seq(request.query_params.get("since", "0"))
    feed = await current_feed(request, request.path_params["slug"])
    headers = updates_headers(feed)
    if unchanged(request.headers, headers):
        return Response(status_code=304, headers=headers)
    upto = max(since, feed.last_seq)
    kept = hub.kept(feed.id, since, upto) if upto - since <= POLL_LIMIT else None
    if kept is None and upto - since <= REPLAY_BATCH:
        await hub.read(feed.id, since)  # once for every poller at this position
        kept = hub.kept(feed.id, since, upto)
    if kept is not None:
        tail = {"last_seq": feed.last_seq, "status": feed.status.value, "more": False}
        body = b'{"events":[%b],%b' % (
            b",".join(frame.payload() for frame in kept),
            json.dumps(tail, separators=(",", ":")).encode()[1:],
        )
        return Response(body, media_type="application/json", headers=headers)
    feed, logged = await run_in_threadpool(
        lambda: reading.events_after(svc, feed.id, since, limit=POLL_LIMIT)
    )
    body_json = {
        "events": [encoder.payload(feed, event, post) for event, post in logged],
        "last_seq": feed.last_seq,
        "status": feed.status.value,
        "more": bool(logged) and logged[-1][0].seq < feed.last_seq,
    }
    return JSONResponse(body_json, headers=headers)


routes = [
    Route("/feeds/{slug}/events", events, methods=["GET"]),
    Route("/feeds/{slug}/updates", updates, methods=["GET"]),
]
