"""Reading a multipart upload as it streams in, and refusing it the moment it is too large.

Starlette's form parser reads a file whole, however large, before anyone may look at it. This
one feeds the body to python-multipart chunk by chunk: the file's first bytes say which limit
applies (a picture's or a video's), and the request is refused as soon as the file passes it,
without reading the rest. The file goes to an anonymous temporary file; the small text fields
beside it are capped too, and every part must be one the endpoint takes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from livefeed.domain.containers import sniff
from livefeed.domain.errors import Invalid
from livefeed.domain.media import FILE, SNIFF_BYTES, too_large

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FIELD_BYTES = 16 * 1024
# Boundaries, part headers and the small fields around the file.
OVERHEAD = 64 * 1024


@dataclass
class Received:
    """What was sent: the text fields, and the file in a temporary file (close it when done)."""

    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    file: IO[bytes] = field(default_factory=tempfile.TemporaryFile)
    size: int = 0

    def close(self) -> None:
        self.file.close()


class _Parts:
    """The parser's callbacks: each part checked as its headers and bytes arrive."""

    def __init__(self, accepted: frozenset[str], limit_for: Callable[[bytes], int]) -> None:
        self.accepted = accepted
        self.limit_for = limit_for
        self.received = Received()
        self.pending: list[bytes] = []
        self.ended = False
        self._head = b""
        self._limit: int | None = None
        self._header = [b"", b""]
        self._disposition = b""
        self._name = ""
        self._is_file = False
        self._value = bytearray()

    def on_part_begin(self) -> None:
        self._disposition, self._name, self._is_file = b"", "", False
        self._value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header[0] += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header[1] += data[start:end]

    def on_header_end(self) -> None:
        if self._header[0].lower() == b"content-disposition":
            self._disposition = self._header[1]
        self._header = [b"", b""]

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if self._name not in self.accepted:
            raise Invalid.field(self._name or "body", "is not a field this resource has")
        if b"filename" in options:
            if self._name != FILE:
                raise Invalid.field(self._name, "must be text, not a file")
            if self.received.filename is not None:
                raise Invalid.field(FILE, "send one file at a time")
            self.received.filename = options[b"filename"].decode("utf-8", "replace")
            self._is_file = True
        elif self._name == FILE:
            raise Invalid.field(FILE, "send the file itself (a file part, with its name)")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not self._is_file:
            self._value += chunk
            if len(self._value) > FIELD_BYTES:
                raise Invalid.field(self._name, "is too long")
            return
        self.received.size += len(chunk)
        if len(self._head) < SNIFF_BYTES:
            self._head += chunk[: SNIFF_BYTES - len(self._head)]
            if len(self._head) == SNIFF_BYTES:
                self._limit = self.limit_for(self._head)
        self._check_size()
        self.pending.append(chunk)

    def on_part_end(self) -> None:
        if self._is_file:
            if self._limit is None:
                self._limit = self.limit_for(self._head)
            self._check_size()
        else:
            self.received.fields[self._name] = self._value.decode("utf-8", "replace")

    def on_end(self) -> None:
        self.ended = True

    def _check_size(self) -> None:
        if self._limit is not None and self.received.size > self._limit:
            raise too_large(sniff(self._head), self._limit)

    def write_pending(self) -> None:
        for chunk in self.pending:
            self.received.file.write(chunk)
        self.pending.clear()


async def receive_upload(
    request: Request,
    *,
    accepted: frozenset[str],
    limit_for: Callable[[bytes], int],
    most: int,
) -> Received:
    """The upload in ``request``; :class:`Invalid` (or :class:`TooLarge`) naming the field.

    ``limit_for`` gives the limit for a file starting with the given bytes; ``most`` is the
    largest of them, against which a declared ``Content-Length`` is refused before reading.
    """
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise Invalid.field(FILE, "send the file as multipart/form-data, in a field named file")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > most + OVERHEAD:
        raise too_large(None, most)
    parts = _Parts(accepted | {FILE}, limit_for)
    try:
        parser = MultipartParser(options[b"boundary"], callbacks=_callbacks(parts))
        async for chunk in request.stream():
            parser.write(chunk)
            if parts.pending:
                await run_in_threadpool(parts.write_pending)
        parser.finalize()
        if not parts.ended:
            raise Invalid.field(FILE, "the upload was cut short before its end")
        if parts.received.filename is None:
            raise Invalid.field(FILE, "send a file in the field named file")
    except FormParserError:
        parts.received.close()
        raise Invalid.field(FILE, "the upload is not well-formed multipart/form-data") from None
    except BaseException:
        parts.received.close()
        raise
    parts.received.file.seek(0)
    return parts.received


def _callbacks(parts: _Parts) -> MultipartCallbacks:
    return {
        "on_part_begin": parts.on_part_begin,
        "on_part_data": parts.on_part_data,
        "on_part_end": parts.on_part_end,
        "on_header_field": parts.on_header_field,
        "on_header_value": parts.on_header_value,
        "on_header_end": parts.on_header_end,
        "on_headers_finished": parts.on_headers_finished,
        "on_end": parts.on_end,
    }
