"""Where uploaded files live: a small interface, and a folder on the local disk behind it.

Files are named by their content (see ``domain/media.py``), so storing one is idempotent: a
name already present already holds those bytes, and a second upload of the same picture
writes nothing. A file appears under its name only once it is whole (written beside it, then
renamed into place), so an upload that fails half-way leaves nothing a reader could load.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import IO, Protocol

# A plain file name: no folders, no leading dot (our own temporary files start with one).
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


class Storage(Protocol):
    """What the media use case needs from wherever files are kept."""

    def put(self, name: str, source: IO[bytes]) -> None:
        """Keep ``source``'s bytes under ``name``, unless a file of that name is there already."""

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None:
        """Let go of the file; one already gone is no error (two deletions may cross)."""

    def open(self, name: str) -> IO[bytes]:
        """The stored bytes; :class:`FileNotFoundError` if there is no such file."""

    def url(self, name: str) -> str:
        """The address readers load the file from."""


class LocalStorage:
    """Files in one folder on this machine, served by the app itself at ``base_url``."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")

    def path(self, name: str) -> Path:
        """The file's place inside the folder; :class:`ValueError` for any name that would
        lead anywhere else (a path, a dot file, a link pointing out of the folder)."""
        if not _SAFE_NAME.fullmatch(name):
            raise ValueError(f"not a stored file's name: {name!r}")
        root = self.root.resolve()
        found = (root / name).resolve()
        if found.parent != root:
            raise ValueError(f"{name!r} leads out of the media folder")
        return found

    def put(self, name: str, source: IO[bytes]) -> None:
        target = self.path(name)
        if target.is_file():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def exists(self, name: str) -> bool:
        try:
            return self.path(name).is_file()
        except ValueError:
            return False

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def open(self, name: str) -> IO[bytes]:
        return self.path(name).open("rb")

    def url(self, name: str) -> str:
        if not _SAFE_NAME.fullmatch(name):
            raise ValueError(f"not a stored file's name: {name!r}")
        return f"{self.base_url}/{name}"
