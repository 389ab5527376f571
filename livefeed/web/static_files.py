"""Our scripts, styles and icons, each also served under a name holding a hash of its content
(``live.3f2a1b9c04.js``), which pages link to and browsers may keep for a year: a new version is
a new name. The plain names still answer, briefly cacheable, for what others link to by name
(a partner's embed snippet, ``/static/embed.js``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

HASH_LENGTH = 10
IMMUTABLE = "public, max-age=31536000, immutable"
BY_NAME = "public, max-age=300"


def hashed_name(name: str, content: bytes) -> str:
    """``live.js`` → ``live.<first hex digits of its SHA-256>.js``."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


class Static(StaticFiles):
    """``/static``: hashed names, read once when the app is built, and the plain ones."""

    def __init__(self, directory: Path, prefix: str = "/static/") -> None:
        super().__init__(directory=directory)
        self.prefix = prefix
        self.hashed: dict[str, str] = {}
        self.originals: dict[str, str] = {}
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            name = path.relative_to(directory).as_posix()
            hashed = hashed_name(name, path.read_bytes())
            self.hashed[name] = hashed
            self.originals[hashed] = name

    def url(self, name: str) -> str:
        """The address pages link to: the hashed one (a file we do not have keeps its name)."""
        return self.prefix + self.hashed.get(name, name)

    async def get_response(self, path: str, scope: Scope) -> Response:
        original = self.originals.get(path)
        response = await super().get_response(original or path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE if original else BY_NAME
        return response


FAVICON = Path(__file__).with_name("static") / "favicon.ico"


async def favicon(request: Request) -> Response:
    """Where browsers look for an icon whatever the page says (feed readers, bookmarks)."""
    return FileResponse(FAVICON, media_type="image/x-icon", headers={"Cache-Control": BY_NAME})


routes = [Route("/favicon.ico", favicon, methods=["GET"])]
