"""The permission matrix, post by post: every route that shows posts, as every persona, for a
post in every state, against the tables of tests/reading_rules.py.

A route that shows one post answers with it (2xx, or a redirect elsewhere than to sign in), says
it is missing (404) or refuses (401, 403, or a redirect to sign in), as its row says; a missing
or refused post's headline is nowhere in the answer. A route that lists posts shows each
persona exactly the posts its row names. Every other GET route shows none of them, to anyone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing, workflow
from livefeed.services import Services
from tests import permission_rules
from tests.permission_rules import ANONYMOUS, EVERYONE, PERSONAS, RULES, TOKENS, Rule
from tests.reading_rules import LISTINGS, NOBODY, POST_KINDS, READINGS, Reading
from tests.web.test_permissions import ROUTES, World, ask, build_world, fill

WHERE = "tests/reading_rules.py (READINGS, LISTINGS)"
ANY = Rule(EVERYONE)


def headline(kind: str) -> str:
    return f"Matrix {kind} post"


def write_posts(svc: Services, world: World) -> dict[str, int]:
    """A post of every kind in ``POST_KINDS``, each tagged and a key event so that every listing
    that could show it would."""
    anna, carl = world.people[permission_rules.EDITOR], world.people[permission_rules.CONTRIBUTOR]
    soon = workflow.When((svc.clock() + timedelta(hours=1)).isoformat())

    def start(author: User, kind: str, state: PostState) -> int:
        words = {
            "headline": headline(kind),
            "body": "Words.",
            "tags": "politics",
            "key_event": True,
        }
        when = soon if state is PostState.SCHEDULED else None
        return workflow.start_post(svc, author, "summit", words, state=state, publish_at=when).id

    ids = {
        "draft": start(carl, "draft", PostState.DRAFT),
        "editors_draft": start(anna, "editors_draft", PostState.DRAFT),
        "submitted": start(carl, "submitted", PostState.SUBMITTED),
        "scheduled": start(anna, "scheduled", PostState.SCHEDULED),
    }
    for kind in ("published", "retracted", "deleted"):
        ids[kind] = start(anna, kind, PostState.PUBLISHED)
    publishing.retract_post(svc, anna, "summit", ids["retracted"], "It was wrong.")
    publishing.delete_post(svc, anna, "summit", ids["deleted"])
    ids["deleted_unpublished"] = start(carl, "deleted_unpublished", PostState.SUBMITTED)
    workflow.delete_post(svc, anna, "summit", ids["deleted_unpublished"])
    assert set(ids) == set(POST_KINDS)
    return ids


@pytest.fixture
def posts(svc: Services) -> tuple[World, dict[str, int]]:
    world = build_world(svc)
    return world, write_posts(svc, world)


@pytest.fixture
def quiet_client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        yield client


def answer(response: httpx.Response) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if status in (401, 403) or (300 <= status < 400 and location.startswith("/login")):
        return "refused"
    if status == 404:
        return "missing"
    return "read" if status < 400 else f"failed with {status}"


def as_who(who: str, path: str) -> str:
    """On pages a token is no credential: its holder is an anonymous reader there."""
    return ANONYMOUS if who in TOKENS and not path.startswith("/api/") else who


def expected(reading: Reading, who: str, kind: str) -> str:
    if reading.signed_in_first and who == ANONYMOUS:
        return "refused"
    if who not in reading.finds.get(kind, NOBODY):
        return "missing"
    return "read" if who in reading.allowed else "refused"


def test_every_route_of_one_post_and_every_listing_is_a_route() -> None:
    gets = {path for method, path in ROUTES if method == "GET"}
    of_one_post = {path for path in gets if "{post_id}" in path}
    assert of_one_post == set(READINGS), f"a route showing one post needs a row in {WHERE}"
    stale = [path for path in LISTINGS if path.split("?")[0] not in gets]
    assert not stale, f"these rows of {WHERE} name no route any more: {stale}"


@pytest.mark.parametrize("path", list(READINGS))
def test_a_post_is_read_by_exactly_whom_its_row_names(
    quiet_client: TestClient, posts: tuple[World, dict[str, int]], path: str
) -> None:
    world, ids = posts
    wrong = []
    for kind, post_id in ids.items():
        target = fill(path, Rule(EVERYONE, values={"post_id": str(post_id)}), world)
        for who in PERSONAS:
            response = ask(quiet_client, "GET", target, ANY, world, who)
            found = answer(response)
            wanted = expected(READINGS[path], as_who(who, path), kind)
            if found != wanted:
                wrong.append(f"{kind}, {who}: {wanted} expected, {found}")
            elif found != "read":
                assert headline(kind) not in response.text, f"{target} as {who}"
    assert not wrong, f"GET {path}:\n  " + "\n  ".join(wrong) + f"\n(the table: {WHERE})"


@pytest.mark.parametrize("path", list(LISTINGS))
def test_a_listing_shows_each_persona_exactly_the_posts_its_row_names(
    quiet_client: TestClient, posts: tuple[World, dict[str, int]], path: str
) -> None:
    world, ids = posts
    listing = LISTINGS[path]
    rule = RULES[("GET", path.split("?")[0])]
    target = fill(path, rule, world)
    wrong = []
    for who in PERSONAS:
        response = ask(quiet_client, "GET", target, rule, world, who)
        reader = as_who(who, path)
        allowed = reader in listing.allowed
        found = answer(response)
        shown = {kind for kind in ids if headline(kind) in response.text}
        wanted = {kind for kind, readers in listing.shows.items() if allowed and reader in readers}
        if found != ("read" if allowed else "refused") or shown != wanted:
            wrong.append(f"{who}: {sorted(wanted)} expected, {found} with {sorted(shown)}")
    assert not wrong, f"GET {path}:\n  " + "\n  ".join(wrong) + f"\n(the table: {WHERE})"


def test_no_other_route_shows_any_of_these_posts(
    quiet_client: TestClient, posts: tuple[World, dict[str, int]]
) -> None:
    world, ids = posts
    listed = {path.split("?")[0] for path in LISTINGS}
    wrong = []
    for method, path in ROUTES:
        # A route without a row fails test_permissions.py already.
        if method != "GET" or path in READINGS or path in listed or (method, path) not in RULES:
            continue
        rule = RULES[(method, path)]
        target = fill(path, rule, world)
        for who in PERSONAS:
            response = ask(quiet_client, method, target, rule, world, who)
            shown = [kind for kind in ids if headline(kind) in response.text]
            if shown:
                wrong.append(f"GET {path} as {who}: {shown}")
    assert not wrong, f"routes showing posts need a row in {WHERE}:\n  " + "\n  ".join(wrong)
