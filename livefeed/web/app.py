"""The application factory: everything the web face needs is built here, nothing at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount

from livefeed.domain.pulse import Latencies, ReaderTrail
from livefeed.realtime.ticks import Ticks
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web import health, metrics, outbox_senders, script_words, static_files
from livefeed.web.api import comments as api_comments
from livefeed.web.api import portability as api_portability
from livefeed.web.api import posts as api_posts
from livefeed.web.api import revisions as api_revisions
from livefeed.web.api import verification as api_verification
from livefeed.web.api import wire as api_wire
from livefeed.web.desk import (
    admin,
    blocked_words,
    contributions,
    featuring,
    feeds,
    invitations,
    media,
    password_resets,
    presence,
    pulse,
    revisions,
    standards,
    team,
    tokens,
    verification,
    webhooks,
)
from livefeed.web.desk.pulse_stream import PulseWatch
from livefeed.web.discussion import bans, moderation, reader_accounts
from livefeed.web.discussion import comments as discussion
from livefeed.web.errors import EXCEPTION_HANDLERS
from livefeed.web.middleware import BodyLimit, CrashGuard, SecurityHeaders, Speaking
from livefeed.web.reader import (
    alerts,
    corrections,
    embed,
    latency,
    pages,
    seo,
    short_urls,
    social_posts,
    stream,
    syndication,
)
from livefeed.web.reader.early_answers import EarlyAnswers
from livefeed.web.reader.page_cache import PageCache
from livefeed.web.rendering import make_templates
from livefeed.web.request_log import RequestLog
from livefeed.web.scheduler import Scheduler
from livefeed.web.static_files import Static

HERE = Path(__file__).parent


def create_app(
    settings: Settings, services: Services | None = None, *, siblings: Path | None = None
) -> Starlette:
    """The ASGI app; ``services`` lets tests share the clock and database with the app;
    ``siblings`` is the directory the workers of one ``livefeed serve`` share."""
    svc = services or Services.build(settings)
    measured = metrics.Metrics(svc, token=settings.metrics_token)
    static = Static(HERE / "static")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        scheduler = Scheduler(
            svc, hears_every_commit=app.state.hears_every_commit, ticks=app.state.ticks
        )
        senders = await outbox_senders.start(svc, app.state.hears_every_commit)
        await stream.start(app, scheduler.notify, senders.notify)
        scheduler.start()
        port = settings.metrics_port
        metrics_server = await metrics.serve_port(app.state, settings.host, port) if port else None
        yield
        if metrics_server is not None:
            metrics_server.close()
            await metrics_server.wait_closed()
        await scheduler.stop()
        await outbox_senders.stop(senders)
        await app.state.pulse_watch.close()
        await stream.stop(app)
        if services is None:
            svc.close()

    app = Starlette(
        routes=[
            *health.routes,
            *metrics.routes,
            *stream.routes,
            *seo.routes,
            *embed.routes,
            *syndication.routes,
            *short_urls.routes,
            *social_posts.routes,
            *pages.routes,
            *alerts.routes,
            *corrections.routes,
            *feeds.routes,
            *revisions.routes,
            *presence.routes,
            *pulse.routes,
            *latency.routes,
            *api_revisions.routes,
            *api_verification.routes,
            *verification.routes,
            *discussion.routes,
            *team.routes,
            *invitations.routes,
            *password_resets.routes,
            *tokens.routes,
            *admin.routes,
            *webhooks.routes,
            *contributions.routes,
            *reader_accounts.routes,
            *standards.routes,
            *media.routes,
            *moderation.routes,
            *bans.routes,
            *featuring.routes,
            *blocked_words.routes,
            Mount(
                "/api",
                routes=[
                    *api_posts.routes,
                    *api_comments.routes,
                    *api_portability.routes,
                    *api_wire.routes,
                ],
            ),
            *static_files.routes,
            *script_words.routes,
            Mount("/static", app=static, name="static"),
        ],
        middleware=[
            Middleware(RequestLog, metrics=measured),
            # Inside the access log and the metrics, before everything else.
            Middleware(EarlyAnswers, https=settings.secure_cookies),
            Middleware(Speaking, default=settings.language),
            # Pages, JSON, scripts and styles; never the event stream, pictures or video.
            Middleware(GZipMiddleware, minimum_size=500),
            Middleware(SecurityHeaders, https=settings.secure_cookies),
            Middleware(CrashGuard),
            Middleware(BodyLimit, exempt=media.UPLOAD_PATHS | {api_portability.IMPORT_PATH}),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.services = svc
    app.state.metrics = measured
    app.state.templates = make_templates(svc, static.url)
    app.state.page_cache = PageCache[bytes]()
    app.state.latencies = Latencies()
    app.state.reader_trail = ReaderTrail()
    # The once-a-second duties of the process (the hub, the scheduler, uvicorn's) on one timer.
    app.state.ticks = Ticks()
    stream.install(app, svc, siblings, on_batch=measured.batch_sent, ticks=app.state.ticks)
    app.state.pulse_watch = PulseWatch(
        svc, app.state.broker.reader_total, app.state.reader_trail, app.state.latencies
    )
    return app
