"""A static copy of a feed that works from any static host, or straight from the disk.

The pages are not rendered a second way: the app itself is asked for them, in process, by a
small ASGI call of our own (no server, no socket), as an anonymous reader would ask, so the
copy holds everything the page holds, whichever feature put it there. Each page is then
rewritten to work as a file (:mod:`livefeed.web.reader.static_pages`), and the files of ours
it uses (the stylesheet, our images) are copied beside it.

``feed.json`` holds the feed and every published post, newest first, in the API's shapes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from starlette.types import ASGIApp, Message

from livefeed.distribution import reading
from livefeed.distribution.resources import feed_json, post_json
from livefeed.domain import times
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post
from livefeed.languages import catalogs
from livefeed.services import Services
from livefeed.web.app import create_app
from livefeed.web.reader.static_pages import POST_ANCHOR, Rewriter, Scan

Say = Callable[[str], None]

PROGRESS_EVERY = 100
_PAGE_FILE = re.compile(r"page-\d+\.html")
_POST_FILE = re.compile(r"\d+\.html")


class ExportError(Exception):
    """A copy that cannot be made as asked; the message says why, in one line."""


@dataclass(frozen=True)
class Exported:
    feed: Feed
    pages: int
    posts: int
    files: int


def export_feed(
    svc: Services, slug: str, directory: Path, *, force: bool = False, say: Say = print
) -> Exported:
    """Write the static copy of the feed ``slug`` into ``directory``.

    Refuses a directory holding anything unless ``force``; with ``force``, our files are
    written over and pages of ours that no longer exist (a deleted post) are removed.
    """
    feed = reading.get_feed(svc, slug)
    if directory.exists() and not directory.is_dir():
        raise ExportError(catalogs._("%(place)s is not a directory", place=directory))
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise ExportError(
            catalogs._(
                "%(place)s is not empty: give --force to write into it anyway", place=directory
            )
        )
    directory.mkdir(parents=True, exist_ok=True)
    if feed.status is not FeedStatus.ENDED:
        say("exporting a live feed: the copy is as of now")
    return asyncio.run(_Export(svc, feed, directory, say).run())


class _Export:
    def __init__(self, svc: Services, feed: Feed, directory: Path, say: Say) -> None:
        # The app's own broker is never started: nothing is published, so none is needed.
        quiet = dataclasses.replace(svc, settings=svc.settings.replace(redis_url=""), listeners=[])
        self.app = create_app(quiet.settings, quiet)
        self.svc = svc
        self.feed = feed
        self.directory = directory
        self.say = say
        self.origin = svc.urls.origin
        # Every file of the copy and the site's page it is made from: (path, query).
        self.pages: dict[str, tuple[str, str]] = {}
        self.page_of_cursor: dict[str, str] = {}
        self.page_of_post: dict[int, str] = {}
        self.assets: dict[str, str] = {}  # path on the site -> file
        self.tried: set[str] = set()

    async def run(self) -> Exported:
        """Map the feed's pages first (links between them need it), then write one at a time."""
        posts = await asyncio.to_thread(self._published)
        await self._map_feed_pages()
        for post in posts:
            self.pages[f"posts/{post.id}.html"] = (
                self.svc.urls.post_path(self.feed.slug, post.id),
                "",
            )
        done = 0
        for name, (path, query) in self.pages.items():
            html = await self._page(path, query)
            await self._copy_assets(html)
            self._write(name, Rewriter(self, name).rewrite(html).encode("utf-8"))
            if name.startswith("posts/"):
                done += 1
                if done % PROGRESS_EVERY == 0 or done == len(posts):
                    self.say(catalogs._("%(done)d of %(count)d posts", done=done, count=len(posts)))
        data = {
            "feed": feed_json(self.feed, self.svc.urls),
            "posts": [post_json(post, self.feed.slug, self.svc.urls) for post in posts],
            "exported_at": times.iso_utc(self.svc.clock()),
        }
        self._write("feed.json", json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
        self._remove_stale()
        return Exported(self.feed, len(self.pages) - len(posts), len(posts), len(self.assets))

    def original(self, name: str) -> str:
        """The address on the site of the page ``name`` is a copy of."""
        path, query = self.pages[name]
        return self.origin + path + (f"?{query}" if query else "")

    def saved(self) -> str:
        """Now, as the feed's readers are shown times: when the copy was saved."""
        return times.stamp(self.svc.clock(), self.feed.zone)

    def _published(self) -> list[Post]:
        posts: list[Post] = []
        cursor: str | None = None
        while True:
            feed, page, cursor = reading.list_posts(
                self.svc, self.feed.slug, limit=reading.MAX_PAGE_SIZE, cursor=cursor
            )
            self.feed = feed
            posts.extend(page)
            if cursor is None:
                return posts

    async def _map_feed_pages(self) -> None:
        """The first page, then each older page its "Show older posts" link leads to."""
        path = self.svc.urls.feed_path(self.feed.slug)
        name, query = "index.html", ""
        while True:
            self.pages[name] = (path, query)
            scan = Scan(await self._page(path, query))
            for post_id in scan.post_ids:
                self.page_of_post.setdefault(post_id, name)
            cursor = parse_qs(urlsplit(scan.older or "").query).get("cursor", [""])[0]
            if not cursor or cursor in self.page_of_cursor:
                return
            name, query = f"page-{len(self.page_of_cursor) + 2}.html", urlencode({"cursor": cursor})
            self.page_of_cursor[cursor] = name

    async def _copy_assets(self, html: str) -> None:
        """Copy the files of ours a page needs, each once; one the site cannot serve is left out."""
        for link in Scan(html).assets:
            path = self.site_path(link)
            if path is None or path in self.tried:
                continue
            self.tried.add(path)
            name = _file_name(path)
            if name is None:
                continue
            status, headers, body = await _get(self.app, self.origin, path)
            if status == 200 and not headers.get("content-type", "").startswith("text/html"):
                self._write(name, body)
                self.assets[path] = name

    def site_path(self, link: str) -> str | None:
        """The path of a link to this site (relative to it or absolute); ``None`` if elsewhere."""
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                return None
        elif not parts.path.startswith("/"):
            return None
        return parts.path or "/"

    async def _page(self, path: str, query: str = "") -> str:
        status, _, body = await _get(self.app, self.origin, path, query)
        if status != 200:
            raise ExportError(
                catalogs._(
                    "%(path)s answered %(status)s instead of the page", path=path, status=status
                )
            )
        return body.decode("utf-8")

    def _write(self, name: str, data: bytes) -> None:
        target = self.directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def _remove_stale(self) -> None:
        """A page of an earlier copy that this one lacks (a post deleted since) must go."""
        stale = [p for p in self.directory.glob("page-*.html") if _PAGE_FILE.fullmatch(p.name)]
        posts = self.directory / "posts"
        if posts.is_dir():
            stale += [p for p in posts.glob("*.html") if _POST_FILE.fullmatch(p.name)]
        for path in stale:
            if path.relative_to(self.directory).as_posix() not in self.pages:
                path.unlink()

    def target(self, link: str) -> str | None:
        """The file (with its #fragment) a link to this site leads to in the copy, if any."""
        parts = urlsplit(link)
        path = self.site_path(link)
        if path is None:
            return None
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if path in self.assets:
            return self.assets[path]
        if path == "/":
            return "index.html"
        if path == self.svc.urls.feed_path(self.feed.slug):
            anchor = POST_ANCHOR.fullmatch(parts.fragment)
            if anchor and int(anchor.group(1)) in self.page_of_post:
                return self.page_of_post[int(anchor.group(1))] + fragment
            cursor = parse_qs(parts.query).get("cursor")
            name = self.page_of_cursor.get(cursor[0]) if cursor else "index.html"
            return name + fragment if name else None
        post = path.rsplit("/", 1)[-1]
        if post.isdigit() and path == self.svc.urls.post_path(self.feed.slug, int(post)):
            name = f"posts/{int(post)}.html"
            return name + fragment if name in self.pages else None
        return None


def _file_name(path: str) -> str | None:
    """Where a file served at ``path`` goes in the copy, or ``None`` if it cannot go there.

    Always in a folder of its own (``static/``): never over a page or ``feed.json``, never
    outside the copy.
    """
    name = posixpath.normpath("/" + unquote(path)).lstrip("/")
    folder = name.split("/", 1)[0]
    if "/" not in name or folder == "posts" or "\\" in name or "\x00" in name:
        return None
    return name


async def _get(
    app: ASGIApp, origin: str, path: str, query: str = ""
) -> tuple[int, dict[str, str], bytes]:
    """``GET path`` from the ASGI app, as a reader's browser at ``origin`` would send it."""
    parts = urlsplit(origin)
    default_port = 443 if parts.scheme == "https" else 80
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": parts.scheme,
        "path": unquote(path),
        "raw_path": path.encode("utf-8"),
        "query_string": query.encode("ascii"),
        "root_path": "",
        "headers": [(b"host", parts.netloc.encode("idna")), (b"accept", b"text/html,*/*")],
        "client": ("127.0.0.1", 0),
        "server": (parts.hostname or "localhost", parts.port or default_port),
    }
    status = 0
    headers: dict[str, str] = {}
    body: list[bytes] = []
    asked = False
    answered = asyncio.Event()

    async def receive() -> Message:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await answered.wait()  # the reader stays until the whole answer is in
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.update(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]
            )
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    await app(scope, receive, send)
    return status, headers, b"".join(body)


def summary(exported: Exported, directory: Path) -> str:
    files = "file" if exported.files == 1 else "files"
    return (
        f"Exported “{exported.feed.title}” to {directory}: {exported.pages} pages, "
        f"{exported.posts} posts, {exported.files} {files} of ours"
    )
