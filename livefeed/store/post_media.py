"""A post's uploaded picture's renditions, its video and its sound, as its row keeps them."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import RowMapping

from livefeed.domain.audio import Audio
from livefeed.domain.media import Rendition
from livefeed.domain.videos import Video, video_of


def video_of_row(row: RowMapping) -> Video | None:
    if not row["video_url"]:
        return None
    found = video_of(row["video_url"], row["video_duration_ms"])
    return replace(found, alt=row["video_alt"] or "") if found else None


def audio_of_row(row: RowMapping) -> Audio | None:
    if not row["audio_url"] and row["audio_start"] is None:
        return None
    return Audio(
        row["audio_url"] or "",
        row["audio_transcript"] or "",
        row["audio_start"],
        row["audio_duration_ms"],
        row["audio_byte_size"],
    )


def renditions_of(stored: str | None) -> tuple[Rendition, ...]:
    """An uploaded picture's renditions, as written with the post (see ``store/posts.py``)."""
    if not stored:
        return ()
    return tuple(Rendition(r["width"], r["height"], r["url"]) for r in json.loads(stored))
