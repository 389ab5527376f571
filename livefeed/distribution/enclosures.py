"""A post's files as feeds for apps list them: Atom's and RSS's enclosures, JSON Feed's
attachments (its picture goes in ``image`` instead)."""

from __future__ import annotations

from typing import Any

from feedgenerator import Enclosure

from livefeed.domain.audio import Audio


def enclosures(
    image_url: str, image_type: str, audio: Audio | None, *, one: bool
) -> list[Enclosure]:
    """An entry's files; with ``one`` (RSS, whose readers take one per item) the sound clip
    alone when it has one, its picture being in the entry's HTML too."""
    found = []
    if audio is not None:
        found.append(Enclosure(audio.url, str(audio.byte_size or 0), audio.content_type))
    if image_url and not (found and one):
        found.append(Enclosure(image_url, "0", image_type))
    return found


def attachment(audio: Audio) -> dict[str, Any]:
    data: dict[str, Any] = {"url": audio.url, "mime_type": audio.content_type}
    if audio.byte_size:
        data["size_in_bytes"] = audio.byte_size
    if audio.duration_ms:
        data["duration_in_seconds"] = round(audio.duration_ms / 1000)
    return data
