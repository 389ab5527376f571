"""The community standards: the site's and a feed's for readers; the desk's forms to write them."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from livefeed.discussion import reader_accounts, standards
from livefeed.distribution import reading
from livefeed.domain.errors import Invalid
from livefeed.domain.users import User, require_admin
from livefeed.web.desk.feeds import signed_in
from livefeed.web.forms import PRIVATE, checked_form, text
from livefeed.web.security import services, viewer
from livefeed.web.views import render

# The standards change rarely, and a reader who has just been shown new ones can wait a minute.
READER_CACHE = {"Cache-Control": "public, max-age=60"}
FIELD = "community_standards"


async def _reader_page(request: Request, values: dict[str, Any]) -> Response:
    """Readers get a cacheable page; a signed-in reader also the button to accept them."""
    user = await viewer(request)
    feed = values.get("feed")
    # A feed's standards are read in its language; the site's in the reader's.
    language = feed.language if feed is not None else None
    if user is None:
        return await render(
            request, "standards.html", values, headers=READER_CACHE, language=language
        )
    accepted = await run_in_threadpool(
        reader_accounts.has_accepted_standards, services(request), user
    )
    values = {**values, "accepted": accepted, "next": request.url.path}
    return await render(request, "standards.html", values, headers=PRIVATE, language=language)


async def site_page(request: Request) -> Response:
    found = await run_in_threadpool(standards.site_standards, services(request))
    return await _reader_page(request, {"standards": found, "feed": None})


async def feed_page(request: Request) -> Response:
    feed, found = await run_in_threadpool(
        standards.feed_standards, services(request), request.path_params["slug"]
    )
    return await _reader_page(request, {"standards": found, "feed": feed})


@signed_in
async def desk_page(request: Request, user: User) -> Response:
    require_admin(user)
    found = await run_in_threadpool(standards.site_standards, services(request))
    values = {"text": found.text, "errors": {}, "saved": "saved" in request.query_params}
    return await render(request, "desk_standards.html", values, headers=PRIVATE)


@signed_in
async def save_site(request: Request, user: User) -> Response:
    form = await checked_form(request)
    written = text(form, FIELD)
    try:
        await run_in_threadpool(standards.set_site_standards, services(request), user, written)
    except Invalid as error:
        values = {"text": written, "errors": error.errors, "saved": False}
        return await render(request, "desk_standards.html", values, status=422, headers=PRIVATE)
    return RedirectResponse("/desk/standards?saved", status_code=303)


@signed_in
async def save_feed(request: Request, user: User) -> Response:
    """The standards section of a feed's form; an empty text follows the site's again."""
    form = await checked_form(request)
    slug = request.path_params["slug"]
    written = text(form, FIELD)
    try:
        await run_in_threadpool(
            standards.set_feed_standards, services(request), user, slug, written
        )
    except Invalid as error:
        feed = await run_in_threadpool(reading.get_feed, services(request), slug)
        values: dict[str, Any] = feed.as_input()
        values["tags"] = ", ".join(feed.tags)
        context = {
            "values": values,
            "errors": {},
            "feed": feed,
            "standards_form": {"text": written, "errors": error.errors},
        }
        return await render(request, "feed_form.html", context, status=422, headers=PRIVATE)
    return RedirectResponse(f"/desk/feeds/{slug}/edit?saved=standards", status_code=303)


routes = [
    Route("/community-standards", site_page, methods=["GET"]),
    Route("/feeds/{slug}/community-standards", feed_page, methods=["GET"]),
    Route("/desk/standards", desk_page, methods=["GET"]),
    Route("/desk/standards", save_site, methods=["POST"]),
    Route("/desk/feeds/{slug}/standards", save_feed, methods=["POST"]),
]
