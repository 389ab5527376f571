"""A post's history and its retraction in the API, and what every change of a post shares.

- ``GET /api/v1/feeds/{slug}/posts/{id}/revisions``: the history, for the feed's team.
- ``POST /api/v1/feeds/{slug}/posts/{id}/retract``: ``{"reason": …, "version": …}``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from livefeed.distribution import reading
from livefeed.distribution.resources import post_json
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.posts import Post
from livefeed.domain.revisions import Revision
from livefeed.domain.times import iso_utc
from livefeed.domain.users import User
from livefeed.newsroom import publishing, revisions
from livefeed.web.errors import message_of, problem
from livefeed.web.forms import PRIVATE, json_object
from livefeed.web.security import bearer_user, services
from livefeed.web.views import post_id_param


def revision_json(revision: Revision) -> dict[str, Any]:
    """A revision: the post as it was before one change, nested as a post's JSON is."""
    nested: dict[str, Any] = {}
    for name, value in revision.fields.items():
        part, _, inner = name.partition(".")
        if inner:
            nested.setdefault(part, {})[inner] = value
        else:
            nested[name] = value
    for part, value in nested.items():
        if isinstance(value, dict) and not any(value.values()):
            nested[part] = None
    return {
        "id": revision.id,
        "version": revision.version,
        "kind": revision.kind.value,
        "note": revision.note or None,
        "editor": revision.editor_name or None,
        "replaced_at": iso_utc(revision.at),
        "post": nested | {"body_html": revision.body_html},
    }


async def api_revisions(request: Request) -> Response:
    user = await bearer_user(request)
    slug = request.path_params["slug"]
    feed, post, kept = await run_in_threadpool(
        revisions.history, services(request), user, slug, post_id_param(request)
    )
    body = {
        "post": post_json(post, feed.slug, services(request).urls),
        "revisions": [revision_json(revision) for revision in kept],
    }
    return JSONResponse(body, headers=PRIVATE)


async def api_retract(request: Request) -> Response:
    user = await bearer_user(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    body = await json_object(request, frozenset({"reason", "version"}), allow_empty=False)
    seen = version_of(body)
    svc = services(request)
    try:
        post = await run_in_threadpool(
            lambda: publishing.retract_post(
                svc, user, slug, post_id, body.get("reason"), seen_version=seen
            )
        )
    except Conflict as error:
        return await stale(request, slug, post_id, error)
    return JSONResponse(post_json(post, slug, svc.urls))


# What a PATCH of a post may carry besides its fields (see web/api.py).
CHANGE_KEYS = frozenset({"correction_note", "retracted", "retraction_reason"})


async def edit_or_retract(
    request: Request,
    user: User,
    slug: str,
    post_id: int,
    body: dict[str, Any],
    fields: dict[str, object],
    seen: int,
) -> Post:
    """A PATCH of a published post: an edit (a public correction, with ``correction_note``),
    or with ``retracted: true`` and a ``retraction_reason`` its retraction."""
    svc = services(request)
    if "retracted" in body or "retraction_reason" in body:
        if body.get("retracted") is not True:
            raise Invalid.field(
                "retracted", "send true, with a retraction_reason (a retraction is for good)"
            )
        others = [key for key in body if key not in ("retracted", "retraction_reason", "version")]
        if others:
            raise Invalid(dict.fromkeys(others, "a retraction changes nothing else: send it alone"))
        try:
            return await run_in_threadpool(
                lambda: publishing.retract_post(
                    svc, user, slug, post_id, body.get("retraction_reason"), seen_version=seen
                )
            )
        except Invalid as error:
            # The use case names the reason "reason"; here it is sent as retraction_reason.
            renamed = {_RENAMED.get(k, k): v for k, v in error.errors.items()}
            raise Invalid(renamed) from None
    note = body.get("correction_note")
    return await run_in_threadpool(
        lambda: publishing.edit_post(
            svc, user, slug, post_id, fields, seen_version=seen,
            correction=note is not None, correction_note=note,
        )
    )  # fmt: skip


_RENAMED = {"reason": "retraction_reason"}


def version_of(body: dict[str, Any]) -> int | None:
    """The ``version`` a change says it was based on, if it says one."""
    seen = body.get("version")
    if seen is None:
        return None
    if not isinstance(seen, int) or isinstance(seen, bool) or seen < 1:
        raise Invalid.field("version", "must be the post's version number")
    return seen


def required_version(body: dict[str, Any]) -> int:
    """An edit must say which version it was based on, so it never overwrites one unseen."""
    seen = version_of(body)
    if seen is None:
        raise Invalid.field(
            "version", "send the version this edit is based on (the post's version when read)"
        )
    return seen


async def stale(request: Request, slug: str, post_id: int, error: Conflict) -> Response:
    """A change refused because the post moved on: 409, with the post as it is now in
    ``current`` so the caller can look again without another request."""
    if error.field != "version":
        raise error
    _, current = await run_in_threadpool(reading.get_post, services(request), slug, post_id)
    return problem(
        error.status,
        error.title,
        message_of(error),
        errors={"version": message_of(error)},
        extra={"current": post_json(current, slug, services(request).urls)},
    )


routes = [
    Route("/api/v1/feeds/{slug}/posts/{post_id}/revisions", api_revisions, methods=["GET"]),
    Route("/api/v1/feeds/{slug}/posts/{post_id}/retract", api_retract, methods=["POST"]),
]
