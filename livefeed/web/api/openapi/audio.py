"""The OpenAPI schemas of a post's sound (see domain/audio.py)."""

from __future__ import annotations

from livefeed.domain import audio as audio_rules
from livefeed.web.api.openapi.helpers import Schema, integer, nullable, obj, text, web_url

_CLOCK = r"^(\d{1,2}:)?\d{1,2}:\d{2}$"
_TRANSCRIPT = text(
    "What is said in it, for readers who cannot listen; shown under the player. Empty for none.",
    audio_rules.TRANSCRIPT_LENGTH,
)


def audio_schemas() -> dict[str, Schema]:
    return {
        "AudioInput": obj(
            "A sound clip played with the post: either an MP3, M4A, Ogg, Opus or WAV clip "
            "uploaded here (url), or a moment of the feed's live stream recording (start; the "
            "feed needs a recording_url). Send null instead of the object to remove it.",
            {
                "url": web_url("The url of a sound clip uploaded here (POST /media)."),
                "start": {
                    "anyOf": [
                        integer("Seconds into the recording.", 0),
                        text("hours:minutes:seconds into the recording.", pattern=_CLOCK),
                        {"type": "null"},
                    ],
                    "description": "Where in the feed's recording it starts: seconds (845) or "
                    "hours:minutes:seconds (14:05:30). Refused, naming audio.start, when the feed "
                    "has no recording_url.",
                },
                "transcript": _TRANSCRIPT,
            },
        ),
        "Audio": obj(
            "A sound clip played with the post (the key is absent from a post without one).",
            {
                "url": nullable(
                    text("The clip uploaded here; null for a moment of the recording.")
                ),
                "type": nullable(text("The clip's type, e.g. audio/mpeg.")),
                "duration_ms": nullable(integer("The clip's length in milliseconds.", 1)),
                "start": nullable(integer("Seconds into the feed's recording_url.")),
                "transcript": _TRANSCRIPT,
            },
            ["url", "start", "transcript"],
            closed=False,
        ),
    }
