"""An upload refused while its body is still coming in: past the size limit, a declared
length over every limit, or from someone who may not upload, before the rest is read."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.applications import Starlette
from starlette.types import Message

from livefeed.access import accounts
from livefeed.services import Services
from tests import media_files as files
from tests.factories import make_user
from tests.web.conftest import bearer
from tests.web.desk.media_uploads import UPLOAD, nothing_stored


def call(
    app: Starlette, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, dict[str, Any], int]:
    """Drive the ASGI app as a server would, body chunk by chunk: the answer, and how many
    chunks the app had asked for when it answered."""
    asked = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal asked
        if asked < len(chunks):
            asked += 1
            return {
                "type": "http.request",
                "body": chunks[asked - 1],
                "more_body": asked < len(chunks),
            }
        await asyncio.sleep(3600)  # the client has nothing more to say
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": UPLOAD,
        "raw_path": UPLOAD.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("livefeed.test", 80),
        "state": {},
    }

    async def run() -> None:
        async with asyncio.timeout(30):
            await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), asked


def multipart(data: bytes, boundary: str = "lf-boundary") -> tuple[bytes, bytes]:
    """(everything up to the file's bytes, the end of the body)."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nA hall\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head + data, f"\r\n--{boundary}--\r\n".encode()


def test_a_file_over_the_limit_is_refused_as_soon_as_it_passes_it(
    app: Starlette, svc: Services, summit: None, token: str
) -> None:
    megabyte = 1024 * 1024
    start, end = multipart(files.png(40, 30)[:64])
    chunks = [start] + [bytes(megabyte)] * 30 + [end]  # a 30 MB picture, sent in 1 MB chunks
    headers = {"Content-Type": "multipart/form-data; boundary=lf-boundary"} | bearer(token)

    status, body, asked = call(app, headers, chunks)

    assert status == 413
    assert body["field"] == "file"
    assert body["errors"] == [
        {"field": "file", "message": "the picture is over 20 MB, the most this site takes"}
    ]
    # The first chunk holds the picture's first 64 bytes: 20 MB more is over, and the
    # remaining 10 MB are never asked for.
    assert asked == 21
    assert nothing_stored(svc)


def test_a_declared_length_over_every_limit_is_refused_before_reading(
    app: Starlette, svc: Services, summit: None, token: str
) -> None:
    headers = {
        "Content-Type": "multipart/form-data; boundary=lf-boundary",
        "Content-Length": str(300 * 1024 * 1024),
    } | bearer(token)

    status, body, asked = call(app, headers, [b"never read"])

    assert (status, body["field"], asked) == (413, "file", 0)
    assert body["detail"] == "file: the upload is over 200 MB, the most this site takes"


def test_someone_who_may_not_upload_is_refused_before_reading(
    app: Starlette, svc: Services, summit: None
) -> None:
    outsider = make_user(svc, "olga@newsroom.test", name="Olga Outsider")
    headers = {"Content-Type": "multipart/form-data; boundary=lf-boundary"} | bearer(
        accounts.create_token(svc, outsider.email, "t")
    )

    status, _, asked = call(app, headers, [b"x" * 1024] * 5)

    assert (status, asked) == (403, 0)
