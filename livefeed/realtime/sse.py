"""Server-Sent Events, encoded once per event: the same bytes go to every reader.

Pure functions over text; the stream endpoint only writes what they return.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def encode(data: str, *, event: str | None = None, event_id: int | None = None) -> bytes:
    """One event: ``id:``, ``event:`` and one ``data:`` line per line of ``data``.

    A line break inside ``data`` (``\\r\\n``, ``\\r`` or ``\\n``) becomes a new ``data:``
    line, which a parser joins back with ``\\n``: the text survives unless it held ``\\r``.
    """
    parts: list[str] = []
    if event_id is not None:
        parts.append(f"id: {event_id}\n")
    if event is not None:
        if _LINE_BREAKS.search(event):
            raise ValueError("an event type is one line")
        parts.append(f"event: {event}\n")
    parts.extend(f"data: {line}\n" for line in _LINE_BREAKS.split(data))
    parts.append("\n")
    return "".join(parts).encode("utf-8")


def retry(milliseconds: int) -> bytes:
    """How long a browser waits before reconnecting after the stream drops."""
    return f"retry: {milliseconds}\n\n".encode("ascii")


HEARTBEAT = b":\n\n"
