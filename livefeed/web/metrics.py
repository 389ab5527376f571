"""Prometheus metrics: what this instance is doing, at ``/metrics`` or on a port of its own.

Counting costs the hot paths one call each: a request is observed once when it ends
(``web/request_log.py``), a batch of events once when the hub has written it to every reader
(not once per reader). Everything else is read when Prometheus asks: the readers from the hub,
the outboxes, the scheduler's lag and the pool from the database, Redis from the broker.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import hmac
import itertools
import logging
import threading
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.domain.errors import NotFound
from livefeed.operations import measures
from livefeed.realtime.frames import Batch
from livefeed.realtime.redis_broker import RedisBroker
from livefeed.services import Services

# From a cached page (a few ms) to a slow upload (seconds).
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# From the commit to the readers' sockets: a wake-up is milliseconds, a missed one the 1 s tick.
DELIVERY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30)
# From a post's commit to a reader's screen: the stream's delivery plus the page's own work,
# up to a page that was asleep (see domain/pulse.py's LATEST_SECONDS).
SCREEN_BUCKETS = (0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30, 60, 120, 600)
PORT_READ_SECONDS = 5.0

log = logging.getLogger(__name__)


class BatchHistogram(Collector):
    """A histogram fed a beacon's values at once: each is counted into its bucket with one
    ``bisect``, where ``Histogram.observe`` costs a lock and a walk of the buckets a value; the
    readers' beacons arrive while the same process fans posts out."""

    def __init__(self, name: str, documentation: str, buckets: tuple[float, ...]) -> None:
        self.name, self.documentation, self.bounds = name, documentation, buckets
        self.counts = [0] * (len(buckets) + 1)  # the last: above every bound (+Inf)
        self.total = 0.0
        self.lock = threading.Lock()

    def observe_all(self, values: list[float]) -> None:
        places = [bisect.bisect_left(self.bounds, value) for value in values]
        with self.lock:
            for place in places:
                self.counts[place] += 1
            self.total += sum(values)

    def collect(self) -> list[HistogramMetricFamily]:
        with self.lock:
            counts, total = list(self.counts), self.total
        cumulative = list(itertools.accumulate(counts))
        buckets = [(_bound(b), float(n)) for b, n in zip(self.bounds, cumulative, strict=False)]
        buckets.append(("+Inf", float(cumulative[-1])))
        family = HistogramMetricFamily(self.name, self.documentation)
        family.add_metric([], buckets, total)
        return [family]


def _bound(value: float) -> str:
    """``0.25``, ``1.0``: a bucket's bound as prometheus-client writes it."""
    return repr(float(value))


class Metrics:
    """One registry per app, so two apps in one process (the tests) never share counts."""

    def __init__(self, svc: Services, token: str | None = None) -> None:
        self.svc = svc
        # Who may read them at /metrics (LIVEFEED_METRICS_TOKEN); None: nobody there.
        self.token = token
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Histogram(
            "livefeed_http_request_duration_seconds",
            "HTTP requests answered by the app, by route template, method and status.",
            ["route", "method", "status"],
            buckets=REQUEST_BUCKETS,
            registry=r,
        )
        self._request_series: dict[tuple[str, str, int], Histogram] = {}
        self.readers = Gauge(
            "livefeed_stream_readers",
            "Readers connected to this instance's event streams, by feed id.",
            ["feed_id"],
            registry=r,
        )
        self.events = Counter(
            "livefeed_events_fanned_out", "Events this instance fanned out live.", registry=r
        )
        self.deliveries = Counter(
            "livefeed_event_deliveries",
            "Events written to readers: each event counted once per reader it went to.",
            registry=r,
        )
        self.publish_to_deliver = Histogram(
            "livefeed_publish_to_deliver_seconds",
            "From an event's commit to its bytes written to this instance's readers.",
            buckets=DELIVERY_BUCKETS,
            registry=r,
        )
        self.publish_to_screen = BatchHistogram(
            "livefeed_publish_to_screen_seconds",
            "From a post's commit to its arrival on a sampled reader's or editor's page.",
            SCREEN_BUCKETS,
        )
        r.register(self.publish_to_screen)
        self.outbox = Gauge(
            "livefeed_outbox_depth",
            "Deliveries waiting in an outbox, by outbox.",
            ["outbox"],
            registry=r,
        )
        self.scheduler_lag = Gauge(
            "livefeed_scheduler_lag_seconds",
            "How late the most overdue scheduled post is (0: none is overdue).",
            registry=r,
        )
        self.pool = Gauge(
            "livefeed_db_pool_connections",
            "Database connections: lent out now (in_use) and kept by the pool (size).",
            ["state"],
            registry=r,
        )
        # Made at the first scrape that finds Redis configured: without one it is absent,
        # rather than a Redis shown as down.
        self.redis: Gauge | None = None

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        # The labelled series are few (routes × methods × statuses) and asked for on every
        # request: kept here, each is found with one dictionary look-up.
        key = (route, method, status)
        series = self._request_series.get(key)
        if series is None:
            series = self._request_series[key] = self.requests.labels(route, method, str(status))
        series.observe(seconds)

    def batch_sent(self, batch: Batch, readers: int) -> None:
        """The hub wrote ``batch`` to ``readers`` readers (its ``on_batch``)."""
        frames = batch.frames
        self.events.inc(len(frames))
        self.deliveries.inc(len(frames) * readers)
        now = time.time()
        for frame in frames:
            if frame.created:
                self.publish_to_deliver.observe(max(0.0, now - frame.created))

    def screen_latencies(self, seconds: list[float]) -> None:
        """A page's beacon said how long posts took to reach it (values already bounded)."""
        self.publish_to_screen.observe_all(seconds)

    async def render(self, state: Any) -> bytes:
        """The exposition text, the live readings taken now (``state``: the app's state)."""
        self.readers.clear()
        for feed_id, count in state.hub.reader_counts().items():
            self.readers.labels(str(feed_id)).set(count)
        broker = state.broker
        if isinstance(broker, RedisBroker):
            if self.redis is None:
                self.redis = Gauge(
                    "livefeed_redis_up",
                    "1 while Redis carries wake-ups between instances, 0 while it does not.",
                    registry=self.registry,
                )
            self.redis.set(1 if broker.healthy else 0)
        try:
            sample = await asyncio.to_thread(measures.sample, self.svc)
        except Exception:
            # The database is away: what this process knows is still worth a scrape, and
            # /readyz says what is wrong.
            log.warning("metrics: the database readings could not be taken", exc_info=True)
        else:
            for outbox, depth in sample.outboxes.items():
                self.outbox.labels(outbox).set(depth)
            self.scheduler_lag.set(sample.scheduler_lag)
            self.pool.labels("in_use").set(sample.pool_in_use)
            self.pool.labels("size").set(sample.pool_size)
        return generate_latest(self.registry)


async def metrics(request: Request) -> Response:
    """``/metrics`` for a bearer of ``LIVEFEED_METRICS_TOKEN``; without one set, not there."""
    measured: Metrics = request.app.state.metrics
    expected = measured.token
    if expected is None:
        raise NotFound("there is no such page")
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return Response(
            "a bearer token is needed\n",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"},
            media_type="text/plain",
        )
    body = await measured.render(request.app.state)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


routes = [Route("/metrics", metrics, methods=["GET"])]


async def serve_port(state: Any, host: str, port: int) -> asyncio.Server:
    """The metrics alone on a port of their own (``LIVEFEED_METRICS_PORT``), for a scraper on
    the private network: every request gets the metrics, one per connection."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), PORT_READ_SECONDS)
            wanted = head.split(b" ", 2)[:2] == [b"GET", b"/metrics"]
            body = await state.metrics.render(state) if wanted else b"not found\n"
            status = b"200 OK" if wanted else b"404 Not Found"
            kind = CONTENT_TYPE_LATEST.encode() if wanted else b"text/plain"
            writer.write(
                b"HTTP/1.1 %b\r\nContent-Type: %b\r\nContent-Length: %d\r\n"
                b"Connection: close\r\n\r\n%b" % (status, kind, len(body), body)
            )
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    return await asyncio.start_server(answer, host, port)
