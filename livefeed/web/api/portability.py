"""The portable format through the API, for administrators: a feed's ``.zip`` out, and in.

The zip travels as the body itself (``application/zip``), not inside JSON or a form, so a
script can pipe ``livefeed export``'s file straight in. Both stream through a temporary file:
a feed with its videos can be far larger than memory should hold.

An import asked for with ``Accept: application/x-ndjson`` answers at once and tells how it goes
as it goes, a JSON line a step (the lines ``livefeed import`` prints), then a last line with the
result or the problem: a large feed takes minutes, and a silent request looks like a hung one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import AsyncIterator
from typing import IO, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from livefeed.domain.errors import LivefeedError
from livefeed.domain.media import TooLarge
from livefeed.portability import exporting, importing
from livefeed.services import Services
from livefeed.web.errors import problem_body
from livefeed.web.forms import query_param
from livefeed.web.security import bearer_user, services

IMPORT_PATH = "/api/v1/imports"
# An import streams in under this limit of its own (the 4 MB of other requests would refuse a
# feed with a picture or two): a feed's posts and every picture and video it shows.
IMPORT_MAX_BYTES = 2 * 1024 * 1024 * 1024
CHUNK = 1024 * 1024
PROGRESS = "application/x-ndjson"
logger = logging.getLogger(__name__)


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
    file = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115 (closed below)
    try:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > IMPORT_MAX_BYTES:
                raise TooLarge({"file": f"is over {IMPORT_MAX_BYTES // CHUNK} MB"})
            file.write(chunk)
        file.seek(0)
        if PROGRESS in request.headers.get("accept", ""):
            # The stream owns the file from here, and closes it when the import is over.
            lines = _with_progress(svc, lambda say: _import(svc, user, file, slug, say), file)
            return StreamingResponse(
                lines, media_type=PROGRESS, headers={"Cache-Control": "no-store"}
            )
        result = await run_in_threadpool(_import, svc, user, file, slug, exporting.quiet)
    except BaseException:
        file.close()
        raise
    file.close()
    return JSONResponse(
        _imported(svc, result),
        status_code=201 if result.created else 200,
        headers={"Location": f"/api/v1/feeds/{result.slug}", "Cache-Control": "no-store"},
    )


def _import(
    svc: Services, user: Any, file: IO[bytes], slug: str | None, say: exporting.Say
) -> importing.Imported:
    return importing.import_feed(svc, user, file, slug=slug, say=say)


def _imported(svc: Services, result: importing.Imported) -> dict[str, Any]:
    return {
        "slug": result.slug,
        "created": result.created,
        "posts": result.posts,
        "comments": result.comments,
        "url": svc.urls.feed(result.slug),
    }


async def _with_progress(svc: Services, work: Any, file: IO[bytes]) -> AsyncIterator[bytes]:
    """The import in a worker thread, its progress lines as they come, then how it ended.

    The import runs to its end even if the client goes: it is one transaction either way.
    """
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[bytes | None] = asyncio.Queue()

    def say(line: str) -> None:
        loop.call_soon_threadsafe(lines.put_nowait, _line({"progress": line}))

    async def run() -> None:
        try:
            result = await run_in_threadpool(work, say)
            status = 201 if result.created else 200
            lines.put_nowait(_line({"status": status, "result": _imported(svc, result)}))
        except LivefeedError as error:
            lines.put_nowait(_line({"status": error.status, "problem": problem_body(error)}))
        except Exception:
            logger.exception("an import failed")
            lines.put_nowait(_line({"status": 500, "problem": problem_body(None)}))
        finally:
            file.close()
            lines.put_nowait(None)

    task = asyncio.create_task(run())
    try:
        while (line := await lines.get()) is not None:
            yield line
    finally:
        await asyncio.shield(task)


def _line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode() + b"\n"


routes = [
    Route("/v1/feeds/{slug}/export", export_feed, methods=["GET"]),
    Route("/v1/imports", import_feed, methods=["POST"]),
]
