"""Uploads and the files they leave: one use case, two doors, the files served, the library.

``POST /api/v1/media`` takes ``file``, ``alt`` and optionally ``feed`` (the slug of the feed it
is for) as multipart/form-data with a bearer token, for scripts; ``POST /desk/media`` takes the
same from the compose form's script, with the desk session and the form's CSRF token in an
``X-CSRF-Token`` header. Both answer 201 with the upload, and problem+json naming the field for
every refusal. Who may upload, and the form token, are checked before the body is read: a
forged request costs no upload.

``GET /media/{name}`` serves what was stored: only names this site gives, only from its media
folder, with the type its name says, no sniffing, and cached for good (a name is its content).
With uploads in object storage, it sends the reader to the file's address there instead.

``GET /desk/media`` is the media library: the uploads one may see, where each is used, and a
way to delete those no post uses (a page asks first, like deleting a post). It works without
JavaScript.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from livefeed.domain.credentials import MANIFEST_TYPE, manifest_name, parse_manifest_name
from livefeed.domain.errors import Conflict, Invalid, LivefeedError, NotFound
from livefeed.domain.media import ALT, FEED, parse_media_name, size_text
from livefeed.domain.users import User
from livefeed.newsroom import media, media_library
from livefeed.outside.object_storage import SIGNED_FOR, ObjectStorage
from livefeed.outside.storage import LocalStorage
from livefeed.services import Services
from livefeed.web import security
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of, problem
from livefeed.web.forms import PRIVATE, checked_form, see_other
from livefeed.web.uploads import Received, receive_upload
from livefeed.web.views import render

# Bodies these paths stream themselves, each under its own limits (see web/uploads.py).
UPLOAD_PATHS = frozenset({"/api/v1/media", "/desk/media"})
UPLOAD_FIELDS = frozenset({ALT, FEED})
CSRF_HEADER = security.CSRF_HEADER
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
        fields = received.fields
        uploaded = await run_in_threadpool(
            media.upload, svc, user, incoming, fields.get(ALT), fields.get(FEED)
        )
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
    return await _store(svc, user, await _receive(request, svc, UPLOAD_FIELDS))


async def desk_upload(request: Request) -> Response:
    """For the compose form's script: JSON, and problem+json for every failure.

    Like every desk form, it sends someone signed out to log in, and back to the page they
    were on; the script sees the redirect and says so.
    """
    user = await security.viewer(request)
    if user is None:
        return security.log_in_from_referer(request)
    svc = security.services(request)
    try:
        token = FormData({security.CSRF_FIELD: request.headers.get(CSRF_HEADER, "")})
        await security.check_csrf(request, token)
        await run_in_threadpool(media.check_uploader, svc, user)
        return await _store(svc, user, await _receive(request, svc, UPLOAD_FIELDS))
    except LivefeedError as error:
        errors = error.errors if isinstance(error, Invalid) else None
        return problem(error.status, error.title, message_of(error), errors=errors)


async def serve_media(request: Request) -> Response:
    """A rendition of a picture whose original carried Content Credentials links to the
    manifest store kept beside it (``Link: <…>; rel="c2pa-manifest"``): the rendition lost it
    when it was re-encoded."""
    name = request.path_params["name"]
    found = parse_media_name(name)
    manifest_of = parse_manifest_name(name)
    storage = security.services(request).storage
    if (found is not None or manifest_of is not None) and isinstance(storage, ObjectStorage):
        return _sent_to_bucket(storage, name)
    if (found is None and manifest_of is None) or not isinstance(storage, LocalStorage):
        raise NotFound("there is no such file")
    path = _stored(storage, name)
    if found is None:
        return FileResponse(path, media_type=MANIFEST_TYPE, headers=FILE_HEADERS)
    headers = dict(FILE_HEADERS)
    manifest = manifest_name(found.hash)
    if found.format.is_picture and storage.exists(manifest):
        headers["Link"] = f'<{storage.url(manifest)}>; rel="c2pa-manifest"'
    return FileResponse(path, media_type=found.format.content_type, headers=headers)


def _stored(storage: LocalStorage, name: str) -> Path:
    try:
        path = storage.path(name)
    except ValueError:
        raise NotFound("there is no such file") from None
    if not path.is_file():
        raise NotFound("there is no such file")
    return path


def _sent_to_bucket(storage: ObjectStorage, name: str) -> Response:
    """To where the bytes are; a signed address is handed out only while it has long to run."""
    if storage.signed:
        seconds = int(SIGNED_FOR.total_seconds()) // 2
        cache = f"public, max-age={seconds}"
    else:
        cache = "public, max-age=86400"
    return RedirectResponse(
        storage.location(name), status_code=302, headers={"Cache-Control": cache}
    )


# The media library ---------------------------------------------------------------------------


def _number(raw: str | None) -> int | None:
    """A row's number from the address; anything else is no number (ids are 32-bit)."""
    return int(raw) if raw and raw.isdigit() and len(raw) <= 9 else None


def _media_id(request: Request) -> int:
    found = _number(request.path_params["media_id"])
    if found is None:
        raise NotFound(media_library.NO_SUCH_UPLOAD)
    return found


@signed_in
async def library_page(request: Request, user: User) -> Response:
    svc = security.services(request)
    before = _number(request.query_params.get("before"))
    shelf = await run_in_threadpool(media_library.library, svc, user, before)
    values = {
        "library": shelf,
        "size_text": size_text,
        "deleted": request.query_params.get("deleted") == "1",
        "paged": before is not None,
    }
    return await render(request, "media_library.html", values, headers=PRIVATE)


async def _confirm(request: Request, user: User, *, error: str = "", status: int = 200) -> Response:
    svc = security.services(request)
    found = await run_in_threadpool(media_library.entry, svc, user, _media_id(request))
    values = {"entry": found, "size_text": size_text, "error": error}
    return await render(request, "media_delete.html", values, status=status, headers=PRIVATE)


@signed_in
async def delete_page(request: Request, user: User) -> Response:
    return await _confirm(request, user)


@signed_in
async def delete_upload(request: Request, user: User) -> Response:
    await checked_form(request)
    svc = security.services(request)
    try:
        await run_in_threadpool(media_library.delete_upload, svc, user, _media_id(request))
    except Conflict as error:
        return await _confirm(request, user, error=message_of(error), status=409)
    return see_other("/desk/media?deleted=1")


routes = [
    Route("/media/{name}", serve_media, methods=["GET", "HEAD"]),
    Route("/desk/media", library_page, methods=["GET"]),
    Route("/desk/media", desk_upload, methods=["POST"]),
    Route("/desk/media/{media_id}/delete", delete_page, methods=["GET"]),
    Route("/desk/media/{media_id}/delete", delete_upload, methods=["POST"]),
]
