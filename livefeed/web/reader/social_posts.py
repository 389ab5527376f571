"""``/embeds/{id}/original``: a social post as its own site shows it, framed only on request.

Feed pages show the snapshot kept here and load nothing from the site. This page is the one
place the site's embed runs: it is framed by "Show the original" (social-post.js) after a
reader's click, and its Content-Security-Policy names that site's hosts and nothing else. The
site's markup is served as it came, so the page is sandboxed by its own policy as well as by
the frame: it runs as an opaque origin, never as ours, even when opened on its own.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from livefeed.domain.embeds import Embed
from livefeed.domain.errors import NotFound
from livefeed.languages.catalogs import _, current
from livefeed.newsroom import embeds
from livefeed.web.security import services


def policy(embed: Embed) -> str:
    """What the site's embed may load: from its own hosts only, sandboxed away from our origin."""
    hosts = " ".join(embed.hosts) or "'none'"
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {hosts}",
            f"frame-src {hosts}",
            f"img-src {hosts} data:",
            f"media-src {hosts}",
            f"font-src {hosts}",
            f"connect-src {hosts}",
            # Widgets style what they draw from their scripts; no other host gets in by it.
            f"style-src {hosts} 'unsafe-inline'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
            "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox",
        )
    )


async def original(request: Request) -> Response:
    svc = services(request)
    embed = await run_in_threadpool(embeds.original, svc, request.path_params["embed_id"])
    if embed.gone:
        raise NotFound("the original of this post is no longer available")
    title = escape(_("Post on %(provider)s", provider=embed.provider))
    page = (
        f'<!doctype html><html lang="{escape(current())}"><head><meta charset="utf-8">'
        f'<meta name="referrer" content="no-referrer"><title>{title}</title></head>'
        f"<body>{embed.original_html}</body></html>"
    )
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": policy(embed),
            "X-Frame-Options": "SAMEORIGIN",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "public, max-age=300",
        },
    )


routes = [Route("/embeds/{embed_id:int}/original", original, methods=["GET"])]
