"""The JSON API under ``/api/v1``: the same use cases as the desk, for scripts.

Reads are public; writes need a bearer token. Bodies are nested JSON (``quote: {text, …}``)
that is flattened into the field names the use cases check, so an error names
``quote.text`` whichever face it came through.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from livefeed import __version__
from livefeed.distribution import reading
from livefeed.distribution.resources import feed_json, post_json
from livefeed.domain import idempotency
from livefeed.domain.comments import Discussion, Moderation
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.feeds import ENDED_ORDERS, Feed, FeedStatus, check_transition, parse_moment
from livefeed.domain.verification import SETTABLE
from livefeed.newsroom import publishing, workflow
from livefeed.web.api import revisions as revision_views
from livefeed.web.api import workflow as api_workflow
from livefeed.web.api.openapi.document import spec
from livefeed.web.desk.linkcards import api_link_card
from livefeed.web.desk.media import api_upload
from livefeed.web.forms import PRIVATE, json_object, query_param
from livefeed.web.reader.caching import ARCHIVE, cache_control
from livefeed.web.reader.page_cache import PageCache
from livefeed.web.security import bearer_user, services
from livefeed.web.views import post_id_param

_FEED_FIELDS = frozenset(
    {"slug", "title", "lead", "notes", "tags", "timezone", "coverage_start", "audio_stream_url"}
    | {"discussion", "moderation", "default_verification", "ended_order", "language"}
    | {"show_readers", "recording_url"}
)
_NESTED = {
    "quote": ("text", "attribution"),
    "image": ("url", "caption", "credit", "alt", "source_type"),
    "read_more": ("url", "title", "summary", "image_url"),
    "video": ("url", "alt"),
    "embed": ("url",),
    "audio": ("url", "transcript", "start"),
}
_POST_FIELDS = frozenset(
    {"headline", "body", "tags", "key_event", "pinned", *_NESTED}
    | {"verification", "source_type", "sourcing"}
)
# Null removes a part of a post or its source type, and says a post has no publish time.
_POST_NULLS = frozenset({*_NESTED, "publish_at", "source_type"})
# Settings a desk form sends blank for their default; a script leaves the key out for that.
_CHOICES: dict[str, tuple[str, ...]] = {
    "discussion": tuple(choice.value for choice in Discussion),
    "moderation": tuple(choice.value for choice in Moderation),
    "default_verification": tuple(state.value for state in SETTABLE),
    "ended_order": ENDED_ORDERS,
}


def _feed_body(body: dict[str, Any]) -> dict[str, Any]:
    """``body``, once no setting in it is blank."""
    for key, choices in _CHOICES.items():
        if body.get(key) == "":
            raise Invalid.field(
                key, "must be %(some)s or %(last)s", some=", ".join(choices[:-1]), last=choices[-1]
            )
    return body


def _status(body: Mapping[str, Any], allowed: tuple[FeedStatus, ...]) -> FeedStatus | None:
    """The ``status`` asked for, if any, checked before anything is written."""
    if "status" not in body:
        return None
    wanted = body["status"]
    names = [status.value for status in allowed]
    if not isinstance(wanted, str) or wanted not in names:
        raise Invalid.field(
            "status", "must be %(some)s or %(last)s", some=", ".join(names[:-1]), last=names[-1]
        )
    return FeedStatus(wanted)


def _flatten_post(body: Mapping[str, Any], base: Mapping[str, object]) -> dict[str, object]:
    """A JSON post body as flat form names, over ``base`` (the current post for a PATCH)."""
    fields = dict(base)
    for key, value in body.items():
        if key in _NESTED:
            if value is None:
                fields.update({f"{key}.{part}": "" for part in _NESTED[key]})
                continue
            if not isinstance(value, dict):
                raise Invalid.field(key, "must be an object or null")
            for part, inner in value.items():
                if part not in _NESTED[key]:
                    where = f"{key}.{part}"
                    raise Invalid.field(where, "is not a field this resource has")
                fields[f"{key}.{part}"] = inner
        elif key in _POST_FIELDS:
            fields[key] = value
    return fields


def _created(data: dict[str, Any], location: str) -> JSONResponse:
    return JSONResponse(data, status_code=201, headers={"Location": location})


async def list_feeds(request: Request) -> Response:
    svc = services(request)
    feeds = await run_in_threadpool(reading.all_feeds, svc)
    return JSONResponse({"feeds": [feed_json(feed, svc.urls) for feed in feeds]})


async def create_feed(request: Request) -> Response:
    user = await bearer_user(request)
    svc = services(request)
    body = _feed_body(await json_object(request, _FEED_FIELDS | {"status"}, allow_empty=False))
    live = _status(body, (FeedStatus.SCHEDULED, FeedStatus.LIVE)) is not FeedStatus.SCHEDULED
    feed = await run_in_threadpool(lambda: publishing.create_feed(svc, user, body, live=live))
    return _created(feed_json(feed, svc.urls), f"/api/v1/feeds/{feed.slug}")


async def get_feed(request: Request) -> Response:
    svc = services(request)
    feed = await run_in_threadpool(reading.get_feed, svc, request.path_params["slug"])
    return _about(request, feed, "feed", feed_json(feed, svc.urls))


async def update_feed(request: Request) -> Response:
    """Change a feed's fields and, with ``status``, start, end or reopen it."""
    user = await bearer_user(request)
    svc = services(request)
    slug = request.path_params["slug"]
    body = _feed_body(await json_object(request, _FEED_FIELDS | {"status"}, allow_empty=False))
    wanted = _status(body, tuple(FeedStatus))
    feed = await run_in_threadpool(reading.get_feed, svc, slug)
    if wanted is not None:
        # Refuse an impossible status before the other changes are written, not after.
        check_transition(feed.status, wanted)
    changes = {key: value for key, value in body.items() if key in _FEED_FIELDS}
    if changes:
        feed = await run_in_threadpool(
            publishing.update_feed, svc, user, slug, feed.as_input() | changes
        )
    if wanted is not None:
        feed = await run_in_threadpool(publishing.set_feed_status, svc, user, feed.slug, wanted)
    return JSONResponse(feed_json(feed, svc.urls))


async def list_posts(request: Request) -> Response:
    """Newest first by cursor; or, with ``since``, every change after that event in order.

    A listing depends only on the feed's state, so it is validated, and kept in the page
    cache, by the feed's last event number.
    """
    svc = services(request)
    slug = request.path_params["slug"]
    params = request.query_params
    limit = reading.parse_limit(query_param(request, "limit"))
    since, cursor = params.get("since"), params.get("cursor")
    if params.get("state", "published") != "published":
        # Drafts, contributions, scheduled posts: the caller's to see, never cached; one page.
        if since is not None or cursor is not None:
            unpaged = "since" if since is not None else "cursor"
            raise Invalid.field(unpaged, "a listing by state is one page: leave it out")
        return await api_workflow.listing(request, slug, params["state"], limit)
    if since is not None and cursor:
        raise Invalid.field("cursor", "give either since or cursor, not both")
    seq = reading.parse_seq(since) if since is not None else None
    cache: PageCache[bytes] = request.app.state.page_cache
    current = await run_in_threadpool(reading.get_feed, svc, slug)
    validator = _listing_validator(current, limit, cursor, seq)
    if validator in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=_listing_headers(current, validator))
    cached = cache.get(validator)
    if cached is not None:
        headers = _listing_headers(current, validator)
        return Response(cached, media_type="application/json", headers=headers)
    body: dict[str, Any]
    if seq is not None:
        feed, changed = await run_in_threadpool(
            lambda: reading.changes_since(svc, slug, seq, limit=limit)
        )
        body = {"posts": [post_json(p, slug, svc.urls) for p in changed], "last_seq": feed.last_seq}
    else:
        feed, posts, next_cursor = await run_in_threadpool(
            lambda: reading.list_posts(svc, slug, limit=limit, cursor=cursor)
        )
        body = {
            "posts": [post_json(p, slug, svc.urls) for p in posts],
            "next_cursor": next_cursor,
            "last_seq": feed.last_seq,
        }
    validator = _listing_validator(feed, limit, cursor, seq)
    response = JSONResponse(body, headers=_listing_headers(feed, validator))
    cache.put(validator, bytes(response.body))
    return response


def _listing_validator(feed: Feed, limit: int, cursor: str | None, since: int | None) -> str:
    key = f"api|{__version__}|{feed.id}|{feed.last_seq}|{limit}|{cursor}|{since}"
    return f'W/"{feed.id}-{feed.last_seq}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"'


def _listing_headers(feed: Feed, validator: str) -> dict[str, str]:
    return {"ETag": validator, "Cache-Control": cache_control(feed, 2)}


def _about(request: Request, feed: Feed, what: str, data: dict[str, Any]) -> Response:
    """JSON about ``feed``; once it has ended, cacheable and validated by its last event."""
    if feed.status is not FeedStatus.ENDED:
        return JSONResponse(data)
    key = f"api|{__version__}|{feed.id}|{feed.last_seq}|{what}"
    validator = f'W/"{feed.id}-{feed.last_seq}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"'
    headers = {"ETag": validator, "Cache-Control": ARCHIVE}
    if validator in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return JSONResponse(data, headers=headers)


async def create_post(request: Request) -> Response:
    user = await bearer_user(request)
    svc = services(request)
    slug = request.path_params["slug"]
    body = await json_object(
        request,
        _POST_FIELDS | api_workflow.NEW_KEYS | {"published_at"},
        allow_empty=False,
        nullable=_POST_NULLS,
    )
    fields = _flatten_post(body, {})
    state, when = api_workflow.start_of(body)
    # Only an admin moving a feed in may say when a post went out (checked by the use case).
    published_at = parse_moment(body.get("published_at"), "published_at")
    key = request.headers.get(idempotency.HEADER)
    once = (
        idempotency.once(key, request.method, request.url.path, await request.body())
        if key is not None
        else None
    )
    post = await run_in_threadpool(
        lambda: workflow.start_post(
            svc,
            user,
            slug,
            fields,
            state=state,
            publish_at=when,
            once=once,
            published_at=published_at,
        )
    )
    return _created(post_json(post, slug, svc.urls), f"/api/v1/feeds/{slug}/posts/{post.id}")


async def get_post(request: Request) -> Response:
    svc = services(request)
    slug = request.path_params["slug"]
    feed, post, public = await api_workflow.readable(request, slug, post_id_param(request))
    if not public:
        return api_workflow.private(post_json(post, slug, svc.urls))
    return _about(request, feed, f"post-{post.id}", post_json(post, slug, svc.urls))


async def update_post(request: Request) -> Response:
    """A partial update based on ``version`` (required): if the post has changed since, 409
    with the post as it is now in ``current``. ``correction_note`` makes the edit a public
    correction; ``retracted: true`` with a ``retraction_reason`` retracts the post."""
    user = await bearer_user(request)
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    also = frozenset({"version"}) | api_workflow.CHANGE_KEYS | revision_views.CHANGE_KEYS
    body = await json_object(
        request, _POST_FIELDS | also, allow_empty=False, nullable=_POST_NULLS | {"correction_note"}
    )
    _, current = await run_in_threadpool(workflow.visible_post, svc, user, slug, post_id)
    seen = revision_views.required_version(body)
    fields = _flatten_post(body, current.as_fields())
    # A post not out yet, or one asked to move along: the workflow's (see api_workflow.py).
    words = fields if any(key in _POST_FIELDS for key in body) else None
    moved = await api_workflow.change(request, user, slug, current, body, words, seen)
    if moved is not None:
        return JSONResponse(post_json(moved, slug, svc.urls), headers=PRIVATE)
    try:
        post = await revision_views.edit_or_retract(
            request, user, slug, post_id, body, fields, seen
        )
    except Conflict as error:
        return await revision_views.stale(request, slug, post_id, error)
    return JSONResponse(post_json(post, slug, svc.urls))


async def delete_post(request: Request) -> Response:
    user = await bearer_user(request)
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    await run_in_threadpool(lambda: workflow.delete_post(svc, user, slug, post_id))
    return Response(status_code=204)


async def openapi(request: Request) -> Response:
    return JSONResponse(spec(services(request).settings.public_url))


routes = [
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/v1/feeds", list_feeds, methods=["GET"]),
    Route("/v1/feeds", create_feed, methods=["POST"]),
    Route("/v1/feeds/{slug}", get_feed, methods=["GET"]),
    Route("/v1/feeds/{slug}", update_feed, methods=["PATCH"]),
    Route("/v1/feeds/{slug}/posts", list_posts, methods=["GET"]),
    Route("/v1/feeds/{slug}/posts", create_post, methods=["POST"]),
    Route("/v1/feeds/{slug}/posts/{post_id}", get_post, methods=["GET"]),
    Route("/v1/feeds/{slug}/posts/{post_id}", update_post, methods=["PATCH"]),
    Route("/v1/feeds/{slug}/posts/{post_id}", delete_post, methods=["DELETE"]),
    Route("/v1/link-cards", api_link_card, methods=["POST"]),
    Route("/v1/media", api_upload, methods=["POST"]),
]
