"""Fixtures and helpers for the web faces: an in-process client, a signed-in desk, HTML reading.

The app shares the test's ``svc`` (database and clock), so a test can arrange data with the
factories and then look at it through the pages or the API.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.factories import PASSWORD, make_editor

# Strings a reader, an editor or an API caller might send to break out of their place on a page.
XSS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "{{ 7*7 }}{% raw %}",
    "<<script>script>alert(1)<</script>/script>",
    "<ScRiPt>alert(1)</ScRiPt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Pages and the API on SQLite alone: where the databases differ lies below, tested on both."""
    return sqlite_url


@pytest.fixture
def app(settings: Settings, svc: Services) -> Starlette:
    return create_app(settings, svc)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    """A browser without JavaScript that shows each redirect instead of following it."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def editor(svc: Services) -> User:
    return make_editor(svc)


@pytest.fixture
def desk(client: TestClient, editor: User) -> TestClient:
    """The client, signed in as the editor."""
    response = log_in(client, editor.email)
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def token(svc: Services, editor: User) -> str:
    return accounts.create_token(svc, editor.email, "tests")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "the page has no form token"
    return unescape(found.group(1))


def csrf(client: TestClient) -> str:
    """The token this client's forms carry: the session's once signed in, else the cookie's."""
    return csrf_of(client.get("/login").text)


def submit(client: TestClient, url: str, data: dict[str, str]) -> httpx.Response:
    """Post a form as the page would: with its token."""
    return client.post(url, data={"csrf_token": csrf(client), **data})


def log_in(
    client: TestClient, email: str, password: str = PASSWORD, next_url: str | None = None
) -> httpx.Response:
    data = {"email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return submit(client, "/login", data)


class Page(HTMLParser):
    """A page as a browser reads it: its elements, the text inside each, and its form fields."""

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.values: dict[str, str] = {}
        self.checked: set[str] = set()
        self._textarea: str | None = None
        # A select sends its selected option, or its first when none is marked.
        self._select: str | None = None
        self._first_option = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.elements.append((tag, found))
        name = found.get("name")
        if tag == "input" and name and found.get("type") != "checkbox":
            self.values[name] = found.get("value", "")
        elif tag == "input" and name and "checked" in found:
            self.checked.add(name)
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, True
        elif tag == "option" and self._select:
            if self._first_option or "selected" in found:
                self.values[self._select] = found.get("value", "")
            self._first_option = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def tags(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def names(self) -> set[str]:
        return {name for name, _ in self.elements}


def field_errors(html: str) -> dict[str, str]:
    """Each form field's message, read from inside that field's own block on the page."""
    errors: dict[str, str] = {}
    for block in re.findall(r'<div class="field[^"]*">(.*?)</div>', html, re.S):
        name = re.search(r'name="([^"]+)"', block)
        message = re.search(r'<p class="field-error"[^>]*>(.*?)</p>', block, re.S)
        if name and message:
            errors[unescape(name.group(1))] = unescape(message.group(1))
    return errors


def post_ids(html: str) -> list[int]:
    """The posts on a page, in the order shown."""
    return [int(found) for found in re.findall(r'<article class="post[^"]*" id="post-(\d+)"', html)]


def squeeze(html: str) -> str:
    """The markup without the layout whitespace between tags, so a test can quote a fragment."""
    return re.sub(r">\s+<", "><", html)


def routes_of(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, full path) of every route, looking inside mounts."""
    for route in routes:
        if isinstance(route, Mount):
            yield from routes_of(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, prefix + route.path


def api_routes(app: Starlette) -> list[tuple[str, str]]:
    """(method, path) of every route under /api/v1, read from the app's router."""
    return [(m, path) for m, path in routes_of(app.routes) if path.startswith("/api/v1/")]


STATIC = Path(__file__).resolve().parents[2] / "livefeed" / "web" / "static"


def static_url(name: str) -> str:
    """The address pages give our file ``name``: its name with a hash of what it holds."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    stem, suffix = name.rsplit(".", 1)
    return f"/static/{stem}.{digest}.{suffix}"


def script_tag(name: str) -> str:
    return f'<script src="{static_url(name)}" defer></script>'


LIVE_SCRIPT = script_tag("live.js")
# Every page loads this one ("Get short URL").
SHARE_SCRIPT = script_tag("share.js")
# Every page a signed-in user sees loads this one: the compose form's autosave, counters and
# shortcut, and, on the page a sent form lands on, letting go of the copy kept on the device.
COMPOSE_SCRIPT = script_tag("compose.js")
# What compose.js keeps of a form on the device, loaded just before it.
KEPT_FORMS_SCRIPT = script_tag("kept-forms.js")
# Loaded only with their part of a feed page: the audio player, an editor's embed code.
PART_SCRIPTS = (
    script_tag("words.js"),  # every page's: the scripts' words in the page's language
    script_tag("listen.js"),
    script_tag("embed-snippet.js"),
    script_tag("linkcard.js"),  # the compose form's card filler
    script_tag("discussion.js"),  # the discussion under the posts
    script_tag("verification.js"),  # announces a change of label
    script_tag("upload.js"),  # the compose form's uploads
    script_tag("charcount.js"),  # the compose form's counts
    script_tag("editing.js"),  # the edit page: who else, conflicts
    # A reader's feed page: day separators, older posts inline, the key events box, Follow,
    # pausing, "Last updated", catching up; and every page's light or dark choice.
    script_tag("days.js"),
    script_tag("older.js"),
    script_tag("key-events.js"),
    script_tag("follow.js"),
    script_tag("pause.js"),
    script_tag("last-updated.js"),
    script_tag("catch-up.js"),
    script_tag("alerts.js"),  # "Alert me"
    script_tag("social-post.js"),  # "Show the original" under a social post
    script_tag("pulse.js"),  # an editor's live counts; "composing" from the compose form
    script_tag("clips.js"),  # one audio clip playing at a time
    f'<script src="{static_url("theme.js")}"></script>',
)

_DATA_BLOCK = re.compile(r'<script type="application/ld\+json">([^<]*)</script>')


def without_our_script(html: str) -> str:
    """The page less the scripts of our own that feed pages load; any other is a bug.

    The structured-data block goes too: it is JSON, never run, and holds no "<" of its own,
    so text that broke out of it would be left behind as a script of its own.
    """
    for script in (LIVE_SCRIPT, SHARE_SCRIPT, KEPT_FORMS_SCRIPT, COMPOSE_SCRIPT, *PART_SCRIPTS):
        html = html.replace(script, "", 1)
    found = _DATA_BLOCK.search(html)
    if found:
        json.loads(found.group(1))
        html = html[: found.start()] + html[found.end() :]
    return html
