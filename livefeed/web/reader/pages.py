"""What readers see: the home page, a feed, a post, a tag."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed import __version__
from livefeed.access import permissions
from livefeed.discussion.comments import preview as discussion_preview
from livefeed.distribution import reading
from livefeed.domain import times
from livefeed.domain.access import Right
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post, PostState
from livefeed.domain.pulse import READER_SAMPLE_ONE_IN
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.services import Services
from livefeed.web.desk import compose
from livefeed.web.desk.editing import editing_on_feed
from livefeed.web.desk.editing import post_page as editors_post_page
from livefeed.web.forms import PRIVATE
from livefeed.web.reader import stream
from livefeed.web.reader.caching import cache_control, unchanged
from livefeed.web.reader.page_cache import PageCache
from livefeed.web.security import services, viewer
from livefeed.web.views import post_id_param, render

# What a signed-in editor sees (tools, the compose form) is theirs alone.


async def home(request: Request) -> Response:
    page = await run_in_threadpool(reading.home, services(request))
    return await render(request, "home.html", {"home": page})


async def feed(request: Request) -> Response:
    """The live page; for readers it is cacheable, its validator the feed's last event."""
    svc = services(request)
    slug = request.path_params["slug"]
    cursor = request.query_params.get("cursor")
    # The order, the view, the tag and the search are the page's own: each its own copy.
    asked = request.url.query
    user = await viewer(request)
    cache: PageCache[bytes] = request.app.state.page_cache
    if user is None:
        current = await stream.current_feed(request, slug)
        headers = await reader_headers(request.app, current, asked)
        if unchanged(request.headers, headers):
            return Response(status_code=304, headers=headers)
        body = cache.get(headers["ETag"])
        if body is not None:
            return Response(body, media_type="text/html; charset=utf-8", headers=headers)
    page = await run_in_threadpool(reading.feed_page, svc, slug, cursor, dict(request.query_params))
    rights = await run_in_threadpool(permissions.rights_for, svc, user, page.feed.id)
    # Contributors write here too (drafts and submissions); the readers count is the editors'.
    can_compose = Right.CONTRIBUTE in rights and page.is_first_page
    is_editor = Right.PUBLISH in rights and page.is_first_page
    reading_now = await shown_readers(request.app, page.feed)
    values = {
        "page": page,
        "feed": page.feed,
        "rights": rights,
        # The newest comments stand under the first page's posts (for readers: approved ones,
        # so the cached page stays right: each approval or removal moves the feed's last seq).
        "discussion": (
            await run_in_threadpool(discussion_preview, svc, slug, user)
            if page.is_first_page
            else None
        ),
        "compose": compose.blank() if can_compose else None,
        "readers": await stream.reader_total(request.app, page.feed.id) if is_editor else None,
        "reading_now": reading_now,
        "waiting": await run_in_threadpool(workflow.waiting, svc, page.feed.id) if is_editor else 0,
        # Every editor's page measures publish-to-screen; one reader's in a hundred does.
        "screen_sample": 1 if Right.PUBLISH in rights else READER_SAMPLE_ONE_IN,
    }
    if user is not None:
        if Right.PUBLISH in rights:
            values["editing_now"] = await editing_on_feed(request, user, page.feed.id)
        if can_compose:
            # The team's list of posts going out later: only on this private page, never cached.
            values["scheduled"] = await scheduled_posts(svc, user, slug)
        return await render(
            request, "feed.html", values, headers=PRIVATE, language=page.feed.language
        )
    validator = page_validator(page.feed, asked, reading_now)
    response = await render(
        request,
        "feed.html",
        values,
        headers=reader_cache_headers(page.feed, validator),
        language=page.feed.language,
    )
    if response.status_code == 200 and "set-cookie" not in response.headers:
        cache.put(validator, bytes(response.body))
    return response


async def scheduled_posts(svc: Services, user: User, slug: str) -> list[Post]:
    """The feed's scheduled posts, soonest first, as far as this member of the team may read
    them (the Contributions page's listing)."""
    _, posts = await run_in_threadpool(
        lambda: workflow.list_in_state(
            svc, user, slug, PostState.SCHEDULED, limit=workflow.QUEUE_LIMIT
        )
    )
    return posts


async def reader_headers(app: Starlette, feed: Feed, asked: str) -> dict[str, str]:
    """A reader's feed page's ``ETag`` and ``Cache-Control`` as the feed stands (``asked``: the
    query string): the one answer to a revalidation, here and in ``early_answers.py``."""
    validator = page_validator(feed, asked, await shown_readers(app, feed))
    return reader_cache_headers(feed, validator)


async def shown_readers(app: Starlette, feed: Feed) -> int | None:
    """How many read the feed now, for a live feed whose editors chose to say so to readers."""
    if not feed.show_readers or feed.status is not FeedStatus.LIVE:
        return None
    return await stream.reader_total(app, feed.id)


def page_validator(feed: Feed, asked: str | None, readers: int | None = None) -> str:
    """Changes whenever the page can: a new event or words erased from earlier ones, another
    page or view of the posts (what the query string ``asked``), a new release, a new day
    (dates show on older posts), and the readers' count where the page shows it."""
    day = times.date_text(datetime.now(UTC), feed.zone, "key")
    state = f"{__version__}|{feed.last_seq}|{feed.log_rewrites}|{asked}|{day}|{readers}"
    digest = hashlib.sha256(state.encode()).hexdigest()
    return f'W/"{feed.id}-{feed.last_seq}-{digest[:12]}"'


def reader_cache_headers(feed: Feed, validator: str) -> dict[str, str]:
    return {"ETag": validator, "Cache-Control": cache_control(feed, 5)}


async def post(request: Request) -> Response:
    """One post; for readers it is cacheable like the feed page, by the feed's last event."""
    slug = request.path_params["slug"]
    post_id = post_id_param(request)
    page = await run_in_threadpool(reading.post_page, services(request), slug, post_id)
    values: dict[str, object] = {"page": page, "feed": page.feed}
    user = await viewer(request)
    if user is not None:
        values["rights"] = rights = await run_in_threadpool(
            permissions.rights_for, services(request), user, page.feed.id
        )
        if Right.PUBLISH in rights:
            values |= await editors_post_page(request, user, page.feed, page.post)
        return await render(
            request, "post.html", values, headers=PRIVATE, language=page.feed.language
        )
    headers = reader_cache_headers(page.feed, page_validator(page.feed, f"post-{post_id}"))
    if unchanged(request.headers, headers):
        return Response(status_code=304, headers=headers)
    return await render(request, "post.html", values, headers=headers, language=page.feed.language)


async def tag(request: Request) -> Response:
    page = await run_in_threadpool(
        reading.tag_page,
        services(request),
        request.path_params["tag"],
        request.query_params.get("cursor"),
    )
    return await render(request, "tag.html", {"page": page}, language=page.language)


async def tags(request: Request) -> Response:
    """Every tag on a published post, with how many posts carry it."""
    counts = await run_in_threadpool(reading.tag_counts, services(request))
    return await render(request, "tags.html", {"tags": counts})


routes = [
    Route("/", home, name="home"),
    Route("/feeds/{slug}", feed, name="feed"),
    Route("/feeds/{slug}/posts/{post_id}", post, name="post"),
    Route("/tags", tags, name="tags"),
    Route("/tags/{tag}", tag, name="tag"),
]
