"""The portable format through the API: a feed's .zip out and in for admins, and an imported
feed that reads like a native one (short codes, Atom, JSON-LD, the event log); and who may
say when a post went out."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime

import feedparser
import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.users import Role, User
from livefeed.services import Services
from tests import permission_rules
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_post, make_user
from tests.web.test_permissions import build_world


@pytest.fixture
def admin(svc: Services) -> User:
    return make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada Admin")


def bearer(svc: Services, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_token(svc, user.email, 'tests')}"}


def with_document(data: bytes, change: object) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            content = old.read(name)
            if name == "feed.json":
                document = json.loads(content)
                change(document)  # type: ignore[operator]
                content = json.dumps(document).encode()
            new.writestr(name, content)
    return out.getvalue()


def moved_in(
    svc: Services, client: TestClient, admin: User, editor: User
) -> tuple[bytes, dict[str, str]]:
    """The summit exported, deleted here, and brought back through the API."""
    make_feed(svc, editor)
    make_post(svc, editor, headline="Talks resume", key_event=True)
    make_post(svc, editor, headline="Lunch break")
    headers = bearer(svc, admin)
    exported = client.get("/api/v1/feeds/summit/export", headers=headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/zip"

    def elsewhere(document: dict[str, object]) -> None:
        document["uri"] = "https://old.example/feeds/summit"
        document["slug"] = "summit-moved"
        document["short_code"] = "Moved01"
        for number, post in enumerate(document["posts"]):  # type: ignore[arg-type]
            post["short_code"] = f"MovedP{number}"

    return with_document(exported.content, elsewhere), headers


def test_an_imported_feed_reads_like_a_native_one(
    svc: Services, client: TestClient, admin: User
) -> None:
    data, headers = moved_in(svc, client, admin, make_editor(svc))
    made = client.post("/api/v1/imports", content=data, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["slug"] == "summit-moved"
    assert made.headers["location"] == "/api/v1/feeds/summit-moved"
    again = client.post("/api/v1/imports", content=data, headers=headers)
    assert again.status_code == 200
    assert again.json()["created"] is False
    # Short codes, as the old site gave them.
    assert client.get("/s/Moved01").headers["location"].endswith("/feeds/summit-moved")
    # Atom, newest first.
    atom = feedparser.parse(client.get("/feeds/summit-moved/feed.atom").content)
    assert [entry.title for entry in atom.entries] == ["Lunch break", "Talks resume"]
    # JSON-LD on the page.
    page = client.get("/feeds/summit-moved").text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    posting = json.loads(found.group(1))
    assert posting["@type"] == "LiveBlogPosting"
    assert [u["headline"] for u in posting["liveBlogUpdate"]] == ["Lunch break", "Talks resume"]
    # The event log, as polling and the stream replay it.
    updates = client.get("/feeds/summit-moved/updates?since=0").json()
    assert [event["seq"] for event in updates["events"]] == [1, 2]
    assert [event["data"]["headline"] for event in updates["events"]] == [
        "Talks resume", "Lunch break"
    ]  # fmt: skip


def test_a_bad_file_is_a_problem_naming_its_place(
    svc: Services, client: TestClient, admin: User
) -> None:
    data, headers = moved_in(svc, client, admin, make_editor(svc))

    def broken(document: dict[str, object]) -> None:
        document["posts"][1]["published_at"] = "2026-13-45"  # type: ignore[index]

    answer = client.post("/api/v1/imports", content=with_document(data, broken), headers=headers)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "posts[1].published_at"
    assert client.get("/api/v1/feeds/summit-moved").status_code == 404
    taken = client.post("/api/v1/imports?slug=summit", content=data, headers=headers)
    assert taken.status_code == 409
    assert taken.json()["field"] == "slug"


def test_only_an_admin_may_backdate_a_post(svc: Services, client: TestClient) -> None:
    world = build_world(svc)
    when = "2025-06-01T09:30:00Z"
    for who in permission_rules.PERSONAS:
        headers = (
            {"Authorization": f"Bearer {world.bearers[who]}"}
            if who != permission_rules.ANONYMOUS
            else {}
        )
        answer = client.post(
            "/api/v1/feeds/summit/posts",
            json={"headline": f"Backdated by {who}", "published_at": when},
            headers=headers,
        )
        if who == permission_rules.ADMIN:
            assert answer.status_code == 201, answer.text
            assert answer.json()["published_at"] == when
        else:
            assert answer.status_code in (401, 403), (who, answer.text)
    listed = client.get("/api/v1/feeds/summit/posts").json()["posts"]
    # The backdated post takes its place in the timeline, behind what went out since.
    assert listed[-1]["headline"] == "Backdated by admin"


def test_a_publish_time_is_for_published_posts(
    svc: Services, client: TestClient, admin: User, clock: Clock
) -> None:
    make_feed(svc, admin)
    answer = client.post(
        "/api/v1/feeds/summit/posts",
        json={"headline": "Draft", "state": "draft", "published_at": "2025-06-01T09:30:00Z"},
        headers=bearer(svc, admin),
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "published_at"
    assert datetime(2025, 6, 1, tzinfo=UTC) < clock.now


def test_an_import_asked_with_progress_tells_how_it_goes_then_how_it_ended(
    svc: Services, client: TestClient, admin: User
) -> None:
    data, headers = moved_in(svc, client, admin, make_editor(svc))
    progress = {**headers, "Accept": "application/x-ndjson"}
    answer = client.post("/api/v1/imports", content=data, headers=progress)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in answer.text.splitlines()]
    steps = [line["progress"] for line in lines[:-1]]
    assert steps[0] == "summit-moved: 2 posts, 0 comments"
    assert all(set(line) == {"progress"} for line in lines[:-1])
    assert lines[-1]["status"] == 201
    assert lines[-1]["result"]["slug"] == "summit-moved"
    assert lines[-1]["result"]["posts"] == 2
    assert client.get("/api/v1/feeds/summit-moved").status_code == 200

    again = client.post("/api/v1/imports", content=data, headers=progress)
    last = json.loads(again.text.splitlines()[-1])
    assert last["status"] == 200
    assert last["result"]["created"] is False


def test_a_bad_file_with_progress_ends_with_its_problem_and_writes_nothing(
    svc: Services, client: TestClient, admin: User
) -> None:
    data, headers = moved_in(svc, client, admin, make_editor(svc))

    def broken(document: dict[str, object]) -> None:
        document["posts"][0]["published_at"] = "yesterday"  # type: ignore[index]

    answer = client.post(
        "/api/v1/imports",
        content=with_document(data, broken),
        headers={**headers, "Accept": "application/x-ndjson"},
    )
    last = json.loads(answer.text.splitlines()[-1])
    assert last["status"] == 422
    assert last["problem"]["status"] == 422
    assert last["problem"]["errors"][0]["field"] == "posts[0].published_at"
    assert client.get("/api/v1/feeds/summit-moved").status_code == 404
