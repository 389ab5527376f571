"""An event as it goes on the wire, encoded once, and the frames written together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Frame:
    """One event, encoded once: ``data`` for a response body, ``chunk`` for a raw socket."""

    seq: int
    data: bytes
    chunk: bytes
    ends_stream: bool = False
    # A deletion: the frames before it may still carry words the log no longer holds.
    takes_down: bool = False
    # When the event was committed (Unix time; 0 if unknown): publish-to-deliver is measured.
    created: float = 0.0

    @classmethod
    def of(
        cls,
        seq: int,
        data: bytes,
        *,
        ends_stream: bool = False,
        takes_down: bool = False,
        created: float = 0.0,
    ) -> Frame:
        chunk = b"%x\r\n%b\r\n" % (len(data), data)
        return cls(seq, data, chunk, ends_stream, takes_down, created)

    def payload(self) -> bytes:
        """The event's JSON, as the polling fallback answers it: the text of its one ``data:``
        line (JSON keeps line breaks escaped, so the encoder wrote it on one line)."""
        start = self.data.index(b"\ndata: ") + len(b"\ndata: ")
        return self.data[start : self.data.index(b"\n", start)]


class Batch:
    """Frames read together; joined once, so each reader gets a single write of shared bytes."""

    __slots__ = ("_chunks", "_data", "ends_stream", "first_seq", "frames", "last_seq")

    def __init__(self, frames: Sequence[Frame]) -> None:
        self.frames = frames
        self.first_seq = frames[0].seq
        self.last_seq = frames[-1].seq
        self.ends_stream = any(frame.ends_stream for frame in frames)
        self._data: bytes | None = None
        self._chunks: bytes | None = None

    def data_after(self, seq: int) -> bytes:
        if seq < self.first_seq:
            if self._data is None:
                self._data = b"".join(frame.data for frame in self.frames)
            return self._data
        return b"".join(frame.data for frame in self.frames if frame.seq > seq)

    def chunks_after(self, seq: int) -> bytes:
        if seq < self.first_seq:
            if self._chunks is None:
                self._chunks = b"".join(frame.chunk for frame in self.frames)
            return self._chunks
        return b"".join(frame.chunk for frame in self.frames if frame.seq > seq)
