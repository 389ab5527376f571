"""The desk page where administrators keep the site's blocked word list."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from livefeed.discussion import blocked_words as word_list
from livefeed.domain.blocked_words import MAX_WORDS, WORD_LENGTH
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import User, require_admin
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, text
from livefeed.web.security import services
from livefeed.web.views import render

FIELD = "words"


async def _page(
    request: Request, text: str, errors: dict[str, str], *, saved: bool, status: int = 200
) -> Response:
    values = {
        "text": text,
        "errors": errors,
        "saved": saved,
        "word_length": WORD_LENGTH,
        "max_words": MAX_WORDS,
    }
    return await render(request, "desk_blocked_words.html", values, status=status, headers=PRIVATE)


@signed_in
async def words_page(request: Request, user: User) -> Response:
    require_admin(user)
    found = await run_in_threadpool(word_list.blocked_words, services(request), user)
    return await _page(request, "\n".join(found), {}, saved="saved" in request.query_params)


@signed_in
async def save_words(request: Request, user: User) -> Response:
    form = await checked_form(request)
    words = text(form, FIELD)
    try:
        await run_in_threadpool(word_list.set_blocked_words, services(request), user, words)
    except (Invalid, Conflict) as error:
        errors = error.errors if isinstance(error, Invalid) else {FIELD: message_of(error)}
        return await _page(request, words, errors, saved=False, status=error.status)
    return RedirectResponse("/desk/blocked-words?saved", status_code=303)


routes = [
    Route("/desk/blocked-words", words_page, methods=["GET"]),
    Route("/desk/blocked-words", save_words, methods=["POST"]),
]
