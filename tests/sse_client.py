"""A reader of an event-stream response fed bytes as they come off a raw socket.

Written from the HTTP/1.1 and Server-Sent Events specs, independent of our encoder, and pushed
rather than pulled: a caller that owns the socket (a thread, an asyncio task, a test that must
stop reading at an exact frame) hands over whatever it received and gets back the events that
are now complete. A frame cut in two by a disconnect is simply never returned.
"""

from __future__ import annotations

from dataclasses import dataclass


class WireError(ValueError):
    """The bytes are not a well-formed chunked HTTP/1.1 response."""


@dataclass(frozen=True, slots=True)
class Event:
    id: str | None
    event: str
    data: str


def request(path: str, host: str, last_event_id: str | None = None) -> bytes:
    """The GET a browser's ``EventSource`` sends, with ``Last-Event-ID`` when resuming."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Accept: text/event-stream"]
    if last_event_id is not None:
        lines.append(f"Last-Event-ID: {last_event_id}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


class StreamParser:
    """Status line and headers, then the chunked body, then the events in it.

    ``status`` is ``None`` until the head has arrived; ``complete`` turns true at the last
    (zero-size) chunk, the server's proper end of the response.
    """

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.complete = False
        self._wire = bytearray()  # received, not yet de-chunked
        self._chunk_left = 0  # bytes of the current chunk still to come
        self._chunk_tail = False  # the CRLF after a chunk's data is still to come
        self._body = bytearray()  # de-chunked, not yet split into lines
        self._id: str | None = None
        self._event = ""
        self._data: list[str] = []

    def feed(self, received: bytes) -> list[Event]:
        self._wire += received
        if self.status is None and not self._read_head():
            return []
        self._dechunk()
        return self._events()

    def _read_head(self) -> bool:
        end = self._wire.find(b"\r\n\r\n")
        if end < 0:
            return False
        status_line, *header_lines = self._wire[:end].decode("latin-1").split("\r\n")
        del self._wire[: end + 4]
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or parts[0] != "HTTP/1.1" or not parts[1].isdigit():
            raise WireError(f"not an HTTP/1.1 status line: {status_line!r}")
        self.status = int(parts[1])
        for line in header_lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        return True

    def _dechunk(self) -> None:
        wire = self._wire
        while wire and not self.complete:
            if self._chunk_left:
                taken = wire[: self._chunk_left]
                self._body += taken
                self._chunk_left -= len(taken)
                del wire[: len(taken)]
                self._chunk_tail = self._chunk_left == 0
                continue
            if self._chunk_tail:
                if len(wire) < 2:
                    return
                if wire[:2] != b"\r\n":
                    raise WireError("a chunk does not end with CRLF")
                del wire[:2]
                self._chunk_tail = False
                continue
            end = wire.find(b"\r\n")
            if end < 0:
                return
            size_text = bytes(wire[:end]).split(b";")[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise WireError(f"not a chunk size: {size_text!r}") from None
            del wire[: end + 2]
            if size == 0:
                self.complete = True
            self._chunk_left = size

    def _events(self) -> list[Event]:
        events: list[Event] = []
        body = self._body
        start = 0
        while (end := body.find(b"\n", start)) >= 0:
            line = body[start:end].decode("utf-8").removesuffix("\r")
            start = end + 1
            if line == "":
                if self._data:
                    events.append(Event(self._id, self._event or "message", "\n".join(self._data)))
                self._event, self._data = "", []
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "data":
                    self._data.append(value)
                elif name == "event":
                    self._event = value
                elif name == "id":
                    self._id = value
        del body[:start]
        return events
