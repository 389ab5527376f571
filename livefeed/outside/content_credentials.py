"""Reading a picture's C2PA manifest (Content Credentials) with the c2pa library, and lifting its
manifest store out of the file so it can be kept once the picture is re-encoded.

Our renditions are new files: whatever was embedded in the original is gone from them. The
manifest store is the JUMBF box the original carries (in JPEG's APP11 segments, in PNG's
``caBX`` chunk); kept as it is beside the renditions, anyone can check it against the original
with any C2PA tool.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from typing import Any

import c2pa


@dataclass(frozen=True)
class Manifest:
    """What the library made of a picture's manifest store."""

    # The store as the library reads it (``active_manifest``, ``manifests``, ``validation_status``).
    store: dict[str, Any]
    # "Trusted", "Valid" or "Invalid", as the library says.
    validation_state: str | None
    # The store's bytes as embedded in the file, when they could be lifted out.
    raw: bytes | None


def read(data: bytes, content_type: str) -> Manifest | None:
    """The picture's manifest, or ``None`` when it has none (or one the library cannot parse at
    all: then there is nothing we could show as its credentials)."""
    try:
        reader = c2pa.Reader.try_create(content_type, io.BytesIO(data))
    except c2pa.C2paError:
        return None
    if reader is None:
        return None
    with reader:
        try:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
        except (c2pa.C2paError, ValueError):
            return None
    if not isinstance(store, dict):
        return None
    return Manifest(store, state, manifest_store(data, content_type))


def manifest_store(data: bytes, content_type: str) -> bytes | None:
    """The JUMBF manifest store embedded in a JPEG or PNG, as one box; ``None`` if none."""
    if content_type == "image/jpeg":
        return _from_jpeg(data)
    if content_type == "image/png":
        return _from_png(data)
    return None


def _from_jpeg(data: bytes) -> bytes | None:
    # APP11 segments: "JP", a box instance number, a sequence number, then the box; the box's
    # 8-byte header (its length and type) is repeated in every segment after the first.
    parts: dict[int, bytes] = {}
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more segments
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xEB and segment[:2] == b"JP" and len(segment) >= 16:
            sequence = struct.unpack(">I", segment[4:8])[0]
            box = segment[8:]
            if box[4:8] == b"jumb" and (sequence == 1 or not parts):
                parts[sequence] = box
            elif parts:
                parts[sequence] = box[8:]
        position += 2 + length
    if not parts:
        return None
    return b"".join(parts[key] for key in sorted(parts))


def _from_png(data: bytes) -> bytes | None:
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"caBX":
            return data[position + 8 : position + 8 + length]
        if kind == b"IEND":
            break
        position += 12 + length
    return None
