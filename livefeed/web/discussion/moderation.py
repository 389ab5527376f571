"""The moderation queue page: three tabs of comments and a decision on each, from the keyboard.

Every decision is a plain form with its CSRF token, so the page works without JavaScript; the
page's script (``static/moderation.js``) sends the same forms with ``Accept: application/json``
and gets JSON back instead of a redirect.

The page keeps itself current by polling ``/moderation/queue.json`` every few seconds with
``If-None-Match``; an unchanged queue costs a 304. The feeds' event streams cannot serve here:
what a moderator waits for (a comment held for review, a reader's report) is never in a
feed's public log, which holds only what readers may see, and a moderator of twenty feeds
would need twenty streams. A decision taken elsewhere takes the item off within one poll;
acting on it before then is refused by the decision's own conditional update (409, "already
approved by …"), which the page shows in place of the item.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from livefeed.discussion import moderation, moderation_queue
from livefeed.discussion.comment_resources import comment_json
from livefeed.discussion.moderation_queue import Queue
from livefeed.distribution.resources import Urls
from livefeed.domain.comments import Comment, parse_reason
from livefeed.domain.errors import N_, LivefeedError, NotFound
from livefeed.domain.moderation_queue import TAB_LABELS, QueueItem, Tab
from livefeed.domain.times import iso_utc
from livefeed.domain.users import User
from livefeed.languages.catalogs import _, translate
from livefeed.web import security
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, query_param, text
from livefeed.web.security import services
from livefeed.web.views import render

# The poll's answer may be kept, but must be checked again each time.
REVALIDATE = {"Cache-Control": "private, no-cache"}
# How often the page asks whether the queue changed, in milliseconds.
POLL_INTERVAL_MS = 5_000
_MAX_ID = 2**31 - 1

# What a decision says when it is done, by action (never text from the request).
DONE = {
    "approve": N_("Approved."),
    "reject": N_("Rejected."),
    "hide": N_("Hidden from readers."),
    "restore": N_("Restored: readers see it again."),
}


def id_param(request: Request, name: str) -> int:
    """A numeric ``{name}`` of the path; anything else is a page that does not exist."""
    raw = request.path_params[name]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or int(raw) > _MAX_ID:
        raise NotFound("there is no such page")
    return int(raw)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def queue_url(feed: str | None, tab: Tab | str | None, **more: str) -> str:
    """The queue's address for a feed and tab, built here (never a ``next=`` from a form)."""
    params = {"feed": feed or None, "tab": str(tab) if tab and tab != Tab.PENDING else None}
    query = urlencode({k: v for k, v in (params | more).items() if v})
    return "/moderation" + (f"?{query}" if query else "")


def _where(form: FormData) -> tuple[str | None, str | None]:
    """The feed and tab the form was sent from, to go back to (unknown values are dropped)."""
    tab = text(form, "tab")
    return text(form, "feed") or None, tab if tab in {t.value for t in Tab} else None


async def _queue(request: Request, user: User, feed: str | None, tab: object) -> Queue:
    return await run_in_threadpool(
        lambda: moderation_queue.queue(services(request), user, feed_slug=feed, tab=tab)
    )


def _context(queue: Queue) -> dict[str, Any]:
    slug = queue.feed.slug if queue.feed else None
    return {
        "queue": queue,
        "tab_urls": {tab: queue_url(slug, tab) for tab in Tab},
        "tab_labels": TAB_LABELS,
        "feed_slug": queue.feed.slug if queue.feed else "",
        "poll_ms": POLL_INTERVAL_MS,
    }


async def _page(
    request: Request,
    user: User,
    feed: str | None,
    tab: object,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    queue = await _queue(request, user, feed, tab)
    values = _context(queue) | {"notice": notice, "error": error}
    return await render(request, "moderation.html", values, status=status, headers=PRIVATE)


@signed_in
async def queue_page(request: Request, user: User) -> Response:
    params = request.query_params
    done = params.get("done", "")
    return await _page(
        request,
        user,
        params.get("feed") or None,
        params.get("tab"),
        notice=_(DONE[done]) if done in DONE else "",
    )


async def feed_queue(request: Request) -> Response:
    """``/feeds/{slug}/moderation``: the same queue, for that one feed."""
    return RedirectResponse(queue_url(request.path_params["slug"], None), status_code=303)


@signed_in
async def queue_json(request: Request, user: User) -> Response:
    """One tab's items as the page shows them, for the page's script to swap in."""
    params = request.query_params
    queue = await _queue(request, user, params.get("feed") or None, params.get("tab"))
    etag = f'"{queue.etag}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=REVALIDATE | {"ETag": etag})
    found = await security.session(request)
    context = _context(queue) | {
        "viewer": user,
        "csrf_token": found.csrf_token if found else "",
        "urls": services(request).urls,
    }
    html = request.app.state.templates.get_template("_moderation_items.html").render(context)
    body = {
        "etag": queue.etag,
        "tab": queue.tab.value,
        "counts": {tab.value: count for tab, count in queue.counts.items()},
        "ids": [item.comment.id for item in queue.items],
        "html": html,
    }
    return JSONResponse(body, headers=REVALIDATE | {"ETag": etag})


# Decisions ---------------------------------------------------------------------------------------


def _decide(action: str, user: User, comment_id: int, form: FormData, request: Request) -> Comment:
    svc = services(request)
    if action == "approve":
        return moderation.approve(svc, user, comment_id)
    if action == "reject":
        return moderation.reject(svc, user, comment_id, parse_reason(text(form, "reason")))
    if action == "hide":
        return moderation.hide(svc, user, comment_id)
    return moderation.restore(svc, user, comment_id)


def _decision(action: str) -> Any:
    @signed_in
    async def endpoint(request: Request, user: User) -> Response:
        form = await checked_form(request)
        comment_id = id_param(request, "comment_id")
        feed, tab = _where(form)
        try:
            comment = await run_in_threadpool(_decide, action, user, comment_id, form, request)
        except LivefeedError as error:
            message = _sentence(translate(message_of(error)))
            if wants_json(request):
                return JSONResponse(
                    {"status": error.status, "detail": message},
                    status_code=error.status,
                    headers=PRIVATE,
                )
            return await _page(request, user, feed, tab, error=message, status=error.status)
        if wants_json(request):
            body = {"id": comment.id, "state": comment.state.value, "message": _(DONE[action])}
            return JSONResponse(body, headers=PRIVATE)
        return RedirectResponse(queue_url(feed, tab, done=action), status_code=303)

    endpoint.__name__ = f"{action}_from_queue"
    return endpoint


def _sentence(text: str) -> str:
    """A use case's message as a sentence on the page: "This comment was already …"."""
    return text[:1].upper() + text[1:] if text else text


# The API -----------------------------------------------------------------------------------------


def item_json(item: QueueItem, urls: Urls) -> dict[str, Any]:
    """A queue item for scripts: the comment as moderators see it, and what goes with it."""
    data = comment_json(item.comment, item.feed.slug, urls, moderator=True)
    if item.author_email:
        data["author"] = data["author"] | {"email": item.author_email}
    return data | {
        "reports_since_decision": [
            {"reason": r.reason, "note": r.note, "created_at": iso_utc(r.created_at)}
            for r in item.reports
        ],
        "featured_post_id": item.featured_post_id,
        "actions": list(item.actions),
    }


async def api_queue(request: Request) -> Response:
    """``GET /api/v1/moderation/queue?feed=&tab=``: one tab of the queue, as on the page."""
    user = await security.bearer_user(request)
    feed = request.query_params.get("feed") or None
    queue = await _queue(request, user, feed, query_param(request, "tab"))
    urls = services(request).urls
    body = {
        "tab": queue.tab.value,
        "feed": queue.feed.slug if queue.feed else None,
        "counts": {tab.value: count for tab, count in queue.counts.items()},
        "items": [item_json(item, urls) for item in queue.items],
    }
    etag = f'"{queue.etag}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=REVALIDATE | {"ETag": etag})
    return JSONResponse(body, headers=REVALIDATE | {"ETag": etag})


routes = [
    Route("/api/v1/moderation/queue", api_queue, methods=["GET"]),
    Route("/moderation", queue_page, methods=["GET"]),
    Route("/moderation/queue.json", queue_json, methods=["GET"]),
    Route("/feeds/{slug}/moderation", feed_queue, methods=["GET"]),
    *(
        Route(f"/moderation/comments/{{comment_id}}/{action}", _decision(action), methods=["POST"])
        for action in DONE
    ),
]
