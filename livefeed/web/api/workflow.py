"""The API's side of drafts, contributions and scheduled posts (see ``workflow.py``).

``api.py`` hands over to these helpers: a ``state`` (and ``publish_at``, ``note``) in a post's
JSON, a listing of the posts not yet out, and reading one of them with a bearer token. What
is not out yet is never cached, and answers 404 to whoever may not see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from livefeed.distribution import reading
from livefeed.distribution.resources import post_json
from livefeed.domain.errors import Conflict, Invalid, NotFound
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.domain.workflow import UNPUBLISHED, parse_state
from livefeed.newsroom import workflow
from livefeed.web.forms import PRIVATE
from livefeed.web.security import bearer_user, services

# Keys a new post's JSON may carry besides its words; and a change's, besides ``version``.
NEW_KEYS = frozenset({"state", "publish_at"})
CHANGE_KEYS = frozenset({"state", "publish_at", "note"})
# States a post can be sent to with PATCH (deleting one is DELETE's).
MOVES = (PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED, PostState.PUBLISHED)
LISTED = (PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED)


def start_of(body: Mapping[str, Any]) -> tuple[PostState, workflow.When | None]:
    """The state a new post asks for (published if it says none) and its ``publish_at``."""
    state = parse_state(body["state"]) if "state" in body else PostState.PUBLISHED
    return state, _when(body)


def _when(body: Mapping[str, Any]) -> workflow.When | None:
    """The ``publish_at`` sent, if any. A form sends an empty string for a time left blank;
    JSON says that with null, so an empty string is refused as the time it is not."""
    if "publish_at" not in body:
        return None
    if body["publish_at"] == "":
        raise Invalid.field("publish_at", "give a date and time with its offset, or null")
    return workflow.When(body["publish_at"])


def private(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=PRIVATE)


async def listing(request: Request, slug: str, state: str, limit: int) -> Response:
    """``GET …/posts?state=draft|submitted|scheduled``: what the caller may see of them."""
    wanted = parse_state(state, LISTED)
    user = await bearer_user(request)
    svc = services(request)
    feed, posts = await run_in_threadpool(
        lambda: workflow.list_in_state(svc, user, slug, wanted, limit=limit)
    )
    data = {
        "posts": [post_json(post, slug, svc.urls) for post in posts],
        "next_cursor": None,
        "last_seq": feed.last_seq,
    }
    return private(data)


async def readable(request: Request, slug: str, post_id: int) -> tuple[Feed, Post, bool]:
    """A post as the caller may read it, and whether it is public. One not out yet is found
    only with the bearer token of someone who may see it."""
    svc = services(request)
    try:
        feed, post = await run_in_threadpool(reading.get_post, svc, slug, post_id)
        return feed, post, True
    except NotFound:
        if "authorization" not in request.headers:
            raise
    user = await bearer_user(request)
    feed, post = await run_in_threadpool(workflow.visible_post, svc, user, slug, post_id)
    return feed, post, False


async def change(
    request: Request,
    user: User,
    slug: str,
    current: Post,
    body: Mapping[str, Any],
    fields: dict[str, object] | None,
    seen: int | None,
) -> Post | None:
    """A PATCH that concerns the workflow (a post not out yet, or a ``state``), made; ``None``
    for a plain edit of a published post, which is ``publishing.edit_post``'s."""
    moving = any(key in body for key in CHANGE_KEYS)
    when = _when(body)
    if current.state not in UNPUBLISHED:
        if moving and body.get("state") not in (None, current.state.value):
            raise Conflict("this post is published already", field="state")
        for key in ("publish_at", "note"):
            if body.get(key) not in (None, ""):
                raise Invalid.field(key, "only for a post that is not published yet")
        return None
    svc = services(request)
    state = parse_state(body["state"], MOVES) if "state" in body else None
    if state is None and when is not None and current.state is PostState.SCHEDULED:
        state = PostState.SCHEDULED  # a new time for a scheduled post
    return await run_in_threadpool(
        lambda: workflow.update_post(
            svc, user, slug, current.id, fields=fields, state=state, publish_at=when,
            note=body.get("note"), seen_version=seen,
        )
    )  # fmt: skip
