"""The portable format through the API, for administrators: a feed's ``.zip`` out, and in.

The zip travels as the body itself (``application/zip``), not inside JSON or a form, so a
script can pipe ``livefeed export``'s file straight in. Both stream through a temporary file:
a feed with its videos can be far larger than memory should hold.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import IO

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from livefeed.domain.media import TooLarge
from livefeed.portability import exporting, importing
from livefeed.web.forms import query_param
from livefeed.web.security import bearer_user, services

IMPORT_PATH = "/api/v1/imports"
# An import streams in under this limit of its own (the 4 MB of other requests would refuse a
# feed with a picture or two): a feed's posts and every picture and video it shows.
IMPORT_MAX_BYTES = 2 * 1024 * 1024 * 1024
CHUNK = 1024 * 1024


async def export_feed(request: Request) -> Response:
    user = await bearer_user(request)
    svc = services(request)
    slug = request.path_params["slug"]
    file = tempfile.TemporaryFile()  # noqa: SIM115 (closed once streamed)
    try:
        await run_in_threadpool(exporting.export_feed, svc, user, slug, file)
    except BaseException:
        file.close()
        raise
    size = file.tell()
    file.seek(0)
    return StreamingResponse(
        _chunks(file),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{slug}.zip"',
            "Content-Length": str(size),
            "Cache-Control": "no-store",
        },
    )


async def _chunks(file: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := await run_in_threadpool(file.read, CHUNK):
            yield chunk
    finally:
        file.close()


async def import_feed(request: Request) -> Response:
    """201 with the new feed; 200 when the document's feed is here already (nothing written)."""
    user = await bearer_user(request)
    svc = services(request)
    # Who may import is settled before a byte of a large body is read.
    await run_in_threadpool(exporting.require_admin_now, svc, user)
    slug = query_param(request, "slug")
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as file:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > IMPORT_MAX_BYTES:
                raise TooLarge({"file": f"is over {IMPORT_MAX_BYTES // CHUNK} MB"})
            file.write(chunk)
        file.seek(0)
        result = await run_in_threadpool(lambda: importing.import_feed(svc, user, file, slug=slug))
    url = svc.urls.feed(result.slug)
    return JSONResponse(
        {
            "slug": result.slug,
            "created": result.created,
            "posts": result.posts,
            "comments": result.comments,
            "url": url,
        },
        status_code=201 if result.created else 200,
        headers={"Location": f"/api/v1/feeds/{result.slug}", "Cache-Control": "no-store"},
    )


routes = [
    Route("/v1/feeds/{slug}/export", export_feed, methods=["GET"]),
    Route("/v1/imports", import_feed, methods=["POST"]),
]
