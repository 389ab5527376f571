"""The ``.zip`` a portable feed travels in: ``feed.json`` first, then its media files.

Reading one is reading something a stranger may have made: only ``feed.json`` and plain file
names under ``media/`` are looked at, each within a size, so no entry can reach outside the
archive or fill the disk.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from livefeed.domain.errors import Invalid
from livefeed.domain.media import parse_media_name
from livefeed.domain.portable import MEDIA_FOLDER

DOCUMENT = "feed.json"
# A document of 100,000 posts is well under this; a zip claiming more is refused unread.
DOCUMENT_BYTES = 512 * 1024 * 1024


@dataclass
class Archive:
    """An opened zip: its document and the media files it carries, by name."""

    document: Any
    files: dict[str, zipfile.ZipInfo]
    zip: zipfile.ZipFile

    def open(self, name: str) -> IO[bytes]:
        return self.zip.open(self.files[name])


def write(
    target: IO[bytes],
    document: dict[str, Any],
    files: Iterable[str],
    open_file: Callable[[str], IO[bytes]],
) -> None:
    """The zip, written as it goes: media files are copied as they are (they are compressed
    already), the document deflated."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(document, ensure_ascii=False, indent=1)
        archive.writestr(DOCUMENT, text.encode("utf-8"))
        for name in files:
            info = zipfile.ZipInfo(MEDIA_FOLDER + name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            with open_file(name) as source, archive.open(info, "w") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)


def read(source: IO[bytes], *, file_bytes: int) -> Archive:
    """The archive's document and files; :class:`Invalid` naming what is wrong with it."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise Invalid.field("file", "is not a zip file") from None
    files: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.is_dir() or not info.filename.startswith(MEDIA_FOLDER):
            continue
        name = info.filename.removeprefix(MEDIA_FOLDER)
        if parse_media_name(name) is None:
            raise Invalid.field(info.filename, "is not the name of a picture or video file")
        if info.file_size > file_bytes:
            raise Invalid.field(info.filename, "is larger than %(most)s bytes", most=file_bytes)
        files[name] = info
    try:
        info = archive.getinfo(DOCUMENT)
    except KeyError:
        raise Invalid.field("file", "holds no %(document)s", document=DOCUMENT) from None
    if info.file_size > DOCUMENT_BYTES:
        raise Invalid.field(DOCUMENT, "is larger than %(most)s bytes", most=DOCUMENT_BYTES)
    try:
        document = json.loads(archive.read(info).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise Invalid.field(DOCUMENT, "is not UTF-8 (at byte %(at)s)", at=error.start) from None
    except json.JSONDecodeError as error:
        raise Invalid.field(
            DOCUMENT,
            "is not JSON: %(reason)s at line %(line)s column %(column)s",
            reason=error.msg,
            line=error.lineno,
            column=error.colno,
        ) from None
    except (zipfile.BadZipFile, OSError) as error:
        raise Invalid.field(DOCUMENT, "cannot be read: %(reason)s", reason=str(error)) from None
    return Archive(document, files, archive)
