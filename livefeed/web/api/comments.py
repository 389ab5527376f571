"""The discussion in the JSON API: list and post comments, report them, and moderate them.

The listing is public (approved comments only) and, like the posts' listing, cached and
validated by the feed's last event: every change readers can see logs one. Writes take a
bearer token; a refusal is problem+json naming the field at fault.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from livefeed import __version__
from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.discussion.comment_resources import comment_json
from livefeed.distribution import reading
from livefeed.domain.comments import Comment, parse_reject_reason, parse_sort
from livefeed.domain.cursors import Cursor
from livefeed.domain.feeds import Feed
from livefeed.domain.reader_accounts import STANDARDS_FIELD
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.discussion.comments import comment_id_param
from livefeed.web.forms import json_object, query_param
from livefeed.web.reader.caching import cache_control
from livefeed.web.reader.page_cache import PageCache
from livefeed.web.security import bearer_user, client_address, services

# A reader's first comment carries their acceptance of the community standards (standards.py).
_COMMENT_FIELDS = frozenset({"body", "parent_id", STANDARDS_FIELD})
_REPORT_FIELDS = frozenset({"reason", "note"})
_REJECT_FIELDS = frozenset({"reason"})


def thread_json(thread: discussion.Thread, slug: str, svc: Services) -> dict[str, Any]:
    return comment_json(thread.comment, slug, svc.urls) | {
        "replies": [comment_json(reply, slug, svc.urls) for reply in thread.replies]
    }


async def list_comments(request: Request) -> Response:
    """Approved threads, newest (or oldest) first by cursor, each with its replies."""
    svc = services(request)
    slug = request.path_params["slug"]
    params = request.query_params
    # Checked before the cache is asked, so a bad option is refused the same way every time.
    sort = parse_sort(query_param(request, "sort"))
    limit = discussion.parse_limit(query_param(request, "limit"))
    cursor = params.get("cursor") or None
    if cursor:
        Cursor.decode(cursor)
    cache: PageCache[bytes] = request.app.state.page_cache
    current = await run_in_threadpool(reading.get_feed, svc, slug)
    validator = _validator(current, sort.value, limit, cursor)
    if validator in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=_headers(current, validator))
    cached = cache.get(validator)
    if cached is not None:
        return Response(cached, media_type="application/json", headers=_headers(current, validator))
    page = await run_in_threadpool(
        lambda: discussion.discussion_page(
            svc, slug, sort=sort.value, cursor=cursor, limit=limit, public=True
        )
    )
    body = {
        "comments": [thread_json(thread, slug, svc) for thread in page.threads],
        "next_cursor": page.next_cursor,
        "total": page.total,
        "last_seq": page.feed.last_seq,
    }
    validator = _validator(page.feed, sort.value, limit, cursor)
    response = JSONResponse(body, headers=_headers(page.feed, validator))
    cache.put(validator, bytes(response.body))
    return response


def _validator(feed: Feed, sort: str, limit: int, cursor: str | None) -> str:
    key = f"api|{__version__}|{feed.id}|{feed.last_seq}|comments|{sort}|{limit}|{cursor}"
    return f'W/"{feed.id}-{feed.last_seq}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"'


def _headers(feed: Feed, validator: str) -> dict[str, str]:
    return {"ETag": validator, "Cache-Control": cache_control(feed, 2)}


async def create_comment(request: Request) -> Response:
    """A comment or, with ``parent_id``, a reply; 201 with it, ``pending`` until approved."""
    user = await bearer_user(request)
    svc = services(request)
    slug = request.path_params["slug"]
    body = await json_object(request, _COMMENT_FIELDS, nullable=frozenset({"parent_id"}))
    address = client_address(request)
    comment = await run_in_threadpool(
        lambda: discussion.post_comment(svc, user, slug, body, address=address)
    )
    return JSONResponse(comment_json(comment, slug, svc.urls), status_code=201)


async def report_comment(request: Request) -> Response:
    user = await bearer_user(request)
    svc = services(request)
    comment_id = comment_id_param(request)
    body = await json_object(request, _REPORT_FIELDS)
    address = client_address(request)
    await run_in_threadpool(
        lambda: discussion.report_comment(svc, user, comment_id, body, address=address)
    )
    return Response(status_code=204)


async def delete_comment(request: Request) -> Response:
    """Its author takes a comment back."""
    user = await bearer_user(request)
    svc = services(request)
    comment_id = comment_id_param(request)
    await run_in_threadpool(discussion.delete_own_comment, svc, user, comment_id)
    return Response(status_code=204)


Decide = Callable[[Services, User, int, dict[str, Any]], Comment]


async def _moderate(request: Request, known: frozenset[str], decide: Decide) -> Response:
    user = await bearer_user(request)
    svc = services(request)
    comment_id = comment_id_param(request)
    body = await json_object(request, known)
    comment = await run_in_threadpool(lambda: decide(svc, user, comment_id, body))
    _, feed = await run_in_threadpool(discussion.find_comment, svc, comment.id)
    return JSONResponse(comment_json(comment, feed.slug, svc.urls, moderator=True))


async def approve(request: Request) -> Response:
    return await _moderate(
        request, frozenset(), lambda svc, user, cid, body: moderation.approve(svc, user, cid)
    )


async def reject(request: Request) -> Response:
    def decide(svc: Services, user: User, cid: int, body: dict[str, Any]) -> Comment:
        return moderation.reject(svc, user, cid, parse_reject_reason(body.get("reason")))

    return await _moderate(request, _REJECT_FIELDS, decide)


async def hide(request: Request) -> Response:
    return await _moderate(
        request, frozenset(), lambda svc, user, cid, body: moderation.hide(svc, user, cid)
    )


async def restore(request: Request) -> Response:
    return await _moderate(
        request, frozenset(), lambda svc, user, cid, body: moderation.restore(svc, user, cid)
    )


routes = [
    Route("/v1/feeds/{slug}/comments", list_comments, methods=["GET"]),
    Route("/v1/feeds/{slug}/comments", create_comment, methods=["POST"]),
    Route("/v1/comments/{comment_id}", delete_comment, methods=["DELETE"]),
    Route("/v1/comments/{comment_id}/report", report_comment, methods=["POST"]),
    Route("/v1/comments/{comment_id}/approve", approve, methods=["POST"]),
    Route("/v1/comments/{comment_id}/reject", reject, methods=["POST"]),
    Route("/v1/comments/{comment_id}/hide", hide, methods=["POST"]),
    Route("/v1/comments/{comment_id}/restore", restore, methods=["POST"]),
]
