"""What readers see: the home page, a feed, a post, a tag."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed import reading
from livefeed.web import compose
from livefeed.web.security import services, viewer
from livefeed.web.views import post_id_param, render


async def home(request: Request) -> Response:
    page = await run_in_threadpool(reading.home, services(request))
    return await render(request, "home.html", {"home": page})


async def feed(request: Request) -> Response:
    svc = services(request)
    slug = request.path_params["slug"]
    page = await run_in_threadpool(reading.feed_page, svc, slug, request.query_params.get("cursor"))
    user = await viewer(request)
    can_compose = user is not None and user.can_publish and page.is_first_page
    values = {"page": page, "feed": page.feed, "compose": compose.blank() if can_compose else None}
    return await render(request, "feed.html", values)


async def post(request: Request) -> Response:
    slug = request.path_params["slug"]
    post_id = post_id_param(request)
    page = await run_in_threadpool(reading.post_page, services(request), slug, post_id)
    return await render(request, "post.html", {"page": page, "feed": page.feed})


async def tag(request: Request) -> Response:
    page = await run_in_threadpool(
        reading.tag_page,
        services(request),
        request.path_params["tag"],
        request.query_params.get("cursor"),
    )
    return await render(request, "tag.html", {"page": page})


routes = [
    Route("/", home, name="home"),
    Route("/feeds/{slug}", feed, name="feed"),
    Route("/feeds/{slug}/posts/{post_id}", post, name="post"),
    Route("/tags/{tag}", tag, name="tag"),
]
