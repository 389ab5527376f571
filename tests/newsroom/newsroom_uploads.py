"""Files handed to the newsroom's upload as the faces hand them over, and the stored files read
back."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from livefeed.domain.users import User
from livefeed.newsroom import media
from livefeed.newsroom.media import Incoming, Uploaded
from livefeed.services import Services
from tests import media_files as files


def incoming(data: bytes, name: str = "photo.jpg", size: int | None = None) -> Incoming:
    return Incoming(name, io.BytesIO(data), len(data) if size is None else size)


def upload(svc: Services, actor: User | None, data: bytes, **options: Any) -> Uploaded:
    alt = options.pop("alt", "Delegates in the hall")
    return media.upload(svc, actor, incoming(data, **options), alt)


def upload_video(
    svc: Services, actor: User, data: bytes, folder: Path, ext: str = "mp4", **options: Any
) -> Uploaded:
    """As the faces hand a video over: in a real file, which ffprobe and ffmpeg read."""
    path = folder / f"upload.{ext}"
    path.write_bytes(data)
    alt = options.pop("alt", "The motorcade")
    with path.open("rb") as file:
        return media.upload(svc, actor, Incoming(f"clip.{ext}", file, len(data)), alt, **options)


def stored(svc: Services) -> set[str]:
    return files.stored_files(svc.settings.media_path)


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[1]
