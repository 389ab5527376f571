"""Uploads and the files they leave: one use case, two doors, and the files served.

``POST /api/v1/media`` takes ``file`` and ``alt`` as multipart/form-data with a bearer token,
for scripts; ``POST /desk/media`` takes the same from the compose form's script, with the desk
session and the form's CSRF token in an ``X-CSRF-Token`` header. Both answer 201 with the
upload, and problem+json naming the field for every refusal. Who may upload, and the form
token, are checked before the body is read: a forged request costs no upload.

``GET /media/{name}`` serves what was stored: only names this site gives, only from its media
folder, with the type its name says, no sniffing, and cached for good (a name is its content).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from livefeed.domain.errors import Invalid, LivefeedError, NotFound
from livefeed.domain.media import ALT, parse_media_name
from livefeed.domain.users import User
from livefeed.newsroom import media
from livefeed.outside.storage import LocalStorage
from livefeed.services import Services
from livefeed.web import security
from livefeed.web.errors import problem
from livefeed.web.uploads import Received, receive_upload

# Bodies these paths stream themselves, each under its own limits (see web/uploads.py).
UPLOAD_PATHS = frozenset({"/api/v1/media", "/desk/media"})
CSRF_HEADER = "x-csrf-token"
IMMUTABLE = "public, max-age=31536000, immutable"
FILE_HEADERS = {
    "Cache-Control": IMMUTABLE,
    "X-Content-Type-Options": "nosniff",
    # Opened on its own, a file is a document that may run nothing at all.
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def media_json(uploaded: media.Uploaded) -> dict[str, object]:
    record = uploaded.media
    return {
        "id": record.id,
        "url": uploaded.url,
        "type": record.format.content_type,
        "width": record.width,
        "height": record.height,
        "alt": record.alt,
        "renditions": [
            {"width": r.width, "height": r.height, "url": r.url} for r in uploaded.renditions
        ],
    }


async def _receive(request: Request, svc: Services, accepted: frozenset[str]) -> Received:
    settings = svc.settings
    return await receive_upload(
        request,
        accepted=accepted,
        limit_for=partial(media.limit_for, svc),
        most=max(settings.media_max_bytes, settings.media_max_video_bytes),
    )


async def _store(svc: Services, user: User, received: Received) -> JSONResponse:
    try:
        incoming = media.Incoming(received.filename or "", received.file, received.size)
        alt = received.fields.get(ALT)
        uploaded = await run_in_threadpool(media.upload, svc, user, incoming, alt)
    finally:
        received.close()
    return JSONResponse(
        media_json(uploaded),
        status_code=201,
        headers={"Location": uploaded.url, "Cache-Control": "no-store"},
    )


async def api_upload(request: Request) -> Response:
    user = await security.bearer_user(request)
    svc = security.services(request)
    await run_in_threadpool(media.check_uploader, svc, user)
    return await _store(svc, user, await _receive(request, svc, frozenset({ALT})))


async def desk_upload(request: Request) -> Response:
    """For the compose form's script: JSON, and problem+json for every failure.

    Like every desk form, it sends someone signed out to log in, and back to the page they
    were on; the script sees the redirect and says so.
    """
    user = await security.viewer(request)
    if user is None:
        try:
            came_from = urlsplit(request.headers.get("referer", "")).path
        except ValueError:
            came_from = ""
        target = quote(security.safe_next(came_from), safe="/%")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    svc = security.services(request)
    try:
        token = FormData({security.CSRF_FIELD: request.headers.get(CSRF_HEADER, "")})
        await security.check_csrf(request, token)
        await run_in_threadpool(media.check_uploader, svc, user)
        return await _store(svc, user, await _receive(request, svc, frozenset({ALT})))
    except LivefeedError as error:
        errors = error.errors if isinstance(error, Invalid) else None
        return problem(error.status, error.title, str(error), errors=errors)


async def serve_media(request: Request) -> Response:
    name = request.path_params["name"]
    found = parse_media_name(name)
    storage = security.services(request).storage
    if found is None or not isinstance(storage, LocalStorage):
        raise NotFound("there is no such file")
    try:
        path = storage.path(name)
    except ValueError:
        raise NotFound("there is no such file") from None
    if not path.is_file():
        raise NotFound("there is no such file")
    return FileResponse(path, media_type=found.format.content_type, headers=FILE_HEADERS)


routes = [
    Route("/media/{name}", serve_media, methods=["GET", "HEAD"]),
    Route("/desk/media", desk_upload, methods=["POST"]),
]
