"""The permission matrix: every route of the app, as every persona, against tests/permission_rules.

The routes are read from the router, so a new route without a row in the table fails
:func:`test_every_route_has_a_rule`. For each route, each persona makes the real request (a
desk session and the form's token on pages, a bearer token on the API) in a world of its own,
and the answer is classed: allowed (2xx, 3xx, or a 4xx about the input such as 404, 409 or 422;
never 401 or 403) or refused (401 or 403, or a page's redirect to /login). A refused write must
leave every table as it was.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2 as httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.access import accounts, tokens
from livefeed.discussion import bans, comments
from livefeed.distribution import webhooks
from livefeed.domain.access import FeedRole
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.media import MediaFormat
from livefeed.domain.posts import PostState
from livefeed.domain.reader_accounts import STANDARDS_FIELD
from livefeed.domain.users import Role, User
from livefeed.newsroom import invitations, publishing, workflow
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import accounts as account_store
from livefeed.store import media as media_store
from livefeed.store import members
from livefeed.store.schema import metadata
from livefeed.web.app import create_app
from livefeed.web.security import CSRF_COOKIE, SESSION_COOKIE
from tests import permission_rules
from tests.conftest import Clock, copied_database, site_settings
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_post
from tests.permission_rules import (
    ANONYMOUS,
    PERSONAS,
    RULES,
    TOKEN_CONTRIBUTOR,
    TOKEN_OTHER_FEED,
    TOKENS,
    Rule,
)
from tests.web.conftest import routes_of

pytestmark = pytest.mark.long

WHERE = "tests/permission_rules.py (RULES)"
# Answers about the input, not about who asks.
INPUT_STATUSES = frozenset({400, 404, 405, 409, 410, 413, 415, 422, 429})
# Columns that record an attempt rather than a change.
NOT_A_CHANGE = {("api_tokens", "last_used_at")}


@cache
def password_hash() -> str:
    """One argon2 hash for every persona: hashing nine times a test would dominate the run."""
    return PasswordHasher().hash(PASSWORD)


def app_routes() -> list[tuple[str, str]]:
    """Every (method, path) the router answers, static files aside."""
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": "sqlite:///unused.db", "LIVEFEED_SEED_DEMO": "false"},
        env_file=None,
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    try:
        app = create_app(settings, svc)
        return [(method, path) for method, path in routes_of(app.routes) if "{path" not in path]
    finally:
        svc.close()


ROUTES = app_routes()


def test_every_route_has_a_rule() -> None:
    missing = [f"{method} {path}" for method, path in ROUTES if (method, path) not in RULES]
    assert not missing, (
        f"these routes have no permission rule; add a row for each to {WHERE}, naming the "
        "personas allowed:\n  " + "\n  ".join(missing)
    )


def test_every_rule_names_a_route() -> None:
    stale = [f"{method} {path}" for method, path in RULES if (method, path) not in ROUTES]
    assert not stale, f"these rows of {WHERE} name no route any more:\n  " + "\n  ".join(stale)


# The world ---------------------------------------------------------------------------------------


@dataclass
class World:
    people: dict[str, User]
    sessions: dict[str, accounts.Session]
    bearers: dict[str, str]
    values: dict[str, str]


def _user(svc: Services, email: str, name: str, role: Role = Role.MEMBER) -> User:
    with svc.db.write() as conn:
        user_id = account_store.insert_user(
            conn, email=email, display_name=name, password_hash=password_hash(), role=role,
            now=svc.clock(),
        )  # fmt: skip
        user = account_store.get_user(conn, user_id)
    assert user is not None
    return user


def _join(svc: Services, user: User, feed_id: int, role: FeedRole) -> None:
    with svc.db.write() as conn:
        members.put(conn, feed_id, user.id, role, svc.clock())


def build_world(svc: Services) -> World:
    anna = _user(svc, "anna@newsroom.test", "Anna Editor")
    people = {
        permission_rules.EDITOR: anna,
        permission_rules.OUTSIDER: _user(svc, "olga@newsroom.test", "Olga Outsider"),
        permission_rules.CONTRIBUTOR: _user(svc, "carl@newsroom.test", "Carl Contributor"),
        permission_rules.MODERATOR: _user(svc, "mo@newsroom.test", "Mo Moderator"),
        permission_rules.OTHER_EDITOR: _user(svc, "otto@newsroom.test", "Otto Editor"),
        permission_rules.ADMIN: _user(svc, "ada@newsroom.test", "Ada Admin", Role.ADMIN),
    }
    _user(svc, "spare@newsroom.test", "Spare Member")
    summit = publishing.seed_feed(
        svc, anna, {"slug": "summit", "title": "Summit", "tags": "politics", "lead": "Talks."}
    )
    election = publishing.seed_feed(svc, anna, {"slug": "election", "title": "Election"})
    publishing.seed_feed(svc, anna, {"slug": "archive", "title": "Archive"})
    publishing.set_feed_status(svc, anna, "archive", FeedStatus.ENDED)
    _join(svc, people[permission_rules.CONTRIBUTOR], summit.id, FeedRole.CONTRIBUTOR)
    _join(svc, people[permission_rules.MODERATOR], summit.id, FeedRole.MODERATOR)
    _join(svc, people[permission_rules.OTHER_EDITOR], election.id, FeedRole.EDITOR)
    post = make_post(svc, anna, "summit", headline="Talks resume")
    submitted = workflow.start_post(
        svc, people[permission_rules.CONTRIBUTOR], "summit",
        {"headline": "From the floor"}, state=PostState.SUBMITTED,
    )  # fmt: skip
    comment = comments.post_comment(
        svc, people[permission_rules.OUTSIDER], "summit",
        {"body": "Is there a livestream?", STANDARDS_FIELD: "on"}, address="192.0.2.1",
    )  # fmt: skip
    # Rex, a reader banned from the summit's discussion (his ban is there to be lifted).
    rex = _user(svc, "rex@readers.test", "Rex Reader")
    said = comments.post_comment(
        svc, rex, "summit", {"body": "Buy now", STANDARDS_FIELD: "on"}, address="192.0.2.2"
    )
    ban = bans.ban_author(svc, anna, said.id, {"length": "7d", "reason": "Spam"})
    # Carl's picture for the summit (its row only: no file is served in the matrix).
    with svc.db.write() as conn:
        upload = media_store.insert_media(
            conn, digest="ab" * 32, fmt=MediaFormat.PNG, width=40, height=30, byte_size=1000,
            renditions=(40,), alt="A hall", uploaded_by=people[permission_rules.CONTRIBUTOR].id,
            feed_id=summit.id, duration_ms=None, now=svc.clock(),
        )  # fmt: skip
    invitation = invitations.invite(svc, anna, "invitee@newsroom.test", feed_slug="summit",
                                    role="contributor")  # fmt: skip
    spare_token = tokens.create(svc, anna, anna.email, name="spare").token
    hook = webhooks.register(
        svc, people[permission_rules.ADMIN], "https://93.184.216.34/in"
    ).webhook
    bearers = {name: tokens.create(svc, user, user.email).secret for name, user in people.items()}
    bearers[TOKEN_OTHER_FEED] = tokens.create(svc, anna, anna.email, feeds=["election"]).secret
    bearers[TOKEN_CONTRIBUTOR] = tokens.create(svc, anna, anna.email, role="contributor").secret
    sessions = {name: accounts.open_session(svc, user) for name, user in people.items()}
    values = {
        "slug": "summit",
        "post_id": str(post.id),
        "submitted": str(submitted.id),
        "comment_id": str(comment.id),
        "ban_id": str(ban.id),
        "email": "spare@newsroom.test",
        "token": invitation.url.rsplit("/", 1)[1],
        "token_id": str(spare_token.id),
        "code": summit.short_code,
        "tag": "politics",
        "format": "atom",
        "block:int": "0",
        "name": "nothing-here.jpg",
        "media_id": str(upload.id),
        "webhook_id": str(hook.id),
        "invitation_id": str(invitation.invitation.id),
    }
    return World(people, sessions, bearers, values)


def fill(path: str, rule: Rule, world: World) -> str:
    values = world.values | {
        name: world.values[value[1:-1]] if value.startswith("{") else value
        for name, value in rule.values.items()
    }

    def value(found: re.Match[str]) -> str:
        name = found.group(1)
        assert name in values, (
            f"no value for {{{name}}}: add one to build_world in tests/web/test_permissions.py, "
            f"or to the route's row in {WHERE} (values=...)"
        )
        return quote(values[name], safe="@")

    return re.sub(r"\{([^}]+)\}", value, path)


# Asking as each persona --------------------------------------------------------------------------


def ask(client: TestClient, method: str, path: str, rule: Rule, world: World, who: str) -> Any:
    """The request a persona's browser or script would make."""
    client.cookies.clear()
    headers: dict[str, str] = {}
    api = path.startswith("/api/")
    if api:
        if who != ANONYMOUS:
            headers["Authorization"] = f"Bearer {world.bearers[who]}"
        body = rule.body
        return client.request(method, path, headers=headers, json=body)
    session = world.sessions.get(who)
    if who in TOKENS:
        headers["Authorization"] = f"Bearer {world.bearers[who]}"
    if session is not None:
        headers["Cookie"] = f"{SESSION_COOKIE}={session.token}"
        csrf = session.csrf_token
    else:
        csrf = secrets.token_urlsafe(16)
        headers["Cookie"] = f"{CSRF_COOKIE}={csrf}"
    if method == "GET":
        return client.request(method, path, headers=headers)
    headers["X-CSRF-Token"] = csrf
    return client.request(
        method, path, headers=headers, data={"csrf_token": csrf, **(rule.body or {})}
    )


def outcome(response: httpx.Response, rule: Rule) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if status in (401, 403) or (300 <= status < 400 and location.startswith("/login")):
        return "refused"
    if rule.hidden and status == 404:
        return "refused"
    if status < 400 or status in INPUT_STATUSES:
        return "allowed"
    return f"failed with {status}"


def snapshot(svc: Services) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with svc.db.read() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in NOT_A_CHANGE]
            rows = conn.execute(select(*columns)).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


def expected(rule: Rule, who: str, api: bool) -> str:
    # On pages a token is no credential: its holder is an anonymous reader there.
    if who in TOKENS and not api:
        who = ANONYMOUS
    return "allowed" if who in rule.allowed else "refused"


def _detail(response: httpx.Response) -> str:
    """What the answer says, for the failure message."""
    if "json" in response.headers.get("content-type", ""):
        return str(response.json().get("detail", ""))
    found = re.search(r"<p>(.*?)</p>", response.text, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else response.headers.get("location", "")


@pytest.fixture(scope="module")
def built_world(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, World]:
    """The world built once, in a database file each case copies: building it took most of a
    case's time. What it holds is all in the file (sessions and tokens are rows), so a copy is
    the world again, and no case sees another's writes."""
    folder = tmp_path_factory.mktemp("world")
    url = copied_database(sqlite_template, folder)
    settings = site_settings(url, folder)
    svc = Services.build(settings, clock=Clock(), passwords=CHEAP_PASSWORDS)
    try:
        world = build_world(svc)
        with svc.db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        svc.close()
    return Path(url.removeprefix("sqlite:///")), world


@pytest.fixture
def sqlite_url(built_world: tuple[Path, World], tmp_path: Path) -> str:
    return copied_database(built_world[0], tmp_path)


@pytest.fixture
def world(built_world: tuple[Path, World]) -> World:
    return built_world[1]


@pytest.fixture
def quiet_client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path"),
    [route for route in ROUTES if route in RULES],
    ids=[f"{m} {p}" for m, p in ROUTES if (m, p) in RULES],
)
def test_the_route_lets_in_exactly_whom_its_rule_names(
    quiet_client: TestClient, svc: Services, world: World, method: str, path: str
) -> None:
    rule = RULES[(method, path)]
    target = fill(path, rule, world)
    api = path.startswith("/api/")
    # The refused go first, so a write someone may make cannot hide what the others may not.
    order = sorted(PERSONAS, key=lambda who: expected(rule, who, api) == "allowed")
    wrong = []
    # Taken again only once a request was let through: a refused one must leave it as it was.
    before = snapshot(svc) if method != "GET" else None
    for who in order:
        response = ask(quiet_client, method, target, rule, world, who)
        found, wanted = outcome(response, rule), expected(rule, who, api)
        if found != wanted:
            said = " ".join(_detail(response).split())[:160]
            wrong.append(f"{who}: {wanted} expected, {found} ({response.status_code}: {said})")
        if before is None:
            continue
        if found == "refused":
            assert snapshot(svc) == before, f"{method} {target} refused {who} but changed data"
        else:
            before = snapshot(svc)
    if rule.gap:
        if not wrong:
            pytest.fail(f"{method} {path} now keeps its rule: remove its gap= in {WHERE}")
        pytest.xfail(rule.gap)
    assert not wrong, (
        f"{method} {path} ({target}):\n  "
        + "\n  ".join(wrong)
        + f"\n(if the rule is what is wrong, fix its row in {WHERE})"
    )
