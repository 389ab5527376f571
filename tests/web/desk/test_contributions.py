"""The desk's workflow pages: compose by right, My posts, the Contributions queue, the draft
form; and no page a reader, a robot or another site reads ever shows what is not out yet."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from livefeed.web.reader.static_export import export_feed
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_post, make_user
from tests.web.conftest import XSS, Page, csrf, field_errors, log_in, submit

WORDS = {
    "headline": "Delegates walk out",
    "body": "Three delegations **left** the hall.",
    "tags": "walkout",
}
QUEUE = "/desk/feeds/summit/contributions"
MINE = "/desk/feeds/summit/mine"


@pytest.fixture
def carl(svc: Services, editor: User) -> User:
    make_feed(svc, editor, timezone="Europe/Paris")
    return make_contributor(svc)


@pytest.fixture
def as_carl(client: TestClient, carl: User) -> TestClient:
    assert log_in(client, carl.email).status_code == 303
    return client


def location(response: httpx.Response) -> str:
    return response.headers["location"]


def text_of(html: str) -> str:
    """What a person reads: the page without its tags, spaces squeezed."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.:;”])", r"\1", words.replace("“ ", "“"))


def intents(html: str, action: str) -> set[str]:
    """The buttons of the form posting to ``action``."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form posts to {action}"
    return {b.get("value", "") for b in Page(form.group(1)).tags("button") if b.get("name")}


def move(client: TestClient, post: Post, intent: str, **extra: str) -> httpx.Response:
    return submit(
        client,
        f"/desk/feeds/summit/posts/{post.id}/move",
        {"intent": intent, "version": str(post.version), **extra},
    )


def current(svc: Services, post_id: int, who: User) -> Post:
    return workflow.visible_post(svc, who, "summit", post_id)[1]


def switch(client: TestClient, user: User) -> None:
    client.cookies.clear()
    assert log_in(client, user.email).status_code == 303


# Compose by right --------------------------------------------------------------------------------


def test_the_compose_form_offers_what_each_may_do(
    client: TestClient, svc: Services, editor: User, carl: User
) -> None:
    switch(client, editor)
    page = client.get("/feeds/summit").text
    assert intents(page, "/feeds/summit/posts") == {"preview", "publish", "draft", "schedule"}
    assert 'type="datetime-local"' in page
    assert "Publish at (Europe/Paris)" in page
    switch(client, carl)
    page = client.get("/feeds/summit").text
    assert intents(page, "/feeds/summit/posts") == {"preview", "submit", "draft"}
    assert 'name="publish_at"' not in page


def test_a_contributor_saves_a_draft_then_submits_it(
    as_carl: TestClient, svc: Services, editor: User, carl: User
) -> None:
    saved = submit(as_carl, "/feeds/summit/posts", WORDS | {"intent": "draft"})
    assert saved.status_code == 303
    [draft] = workflow.my_posts(svc, carl, "summit")[1]
    assert location(saved) == f"{MINE}#post-{draft.id}"
    assert draft.state is PostState.DRAFT
    mine = as_carl.get(MINE)
    assert mine.headers["cache-control"] == "private, no-store"
    assert "Draft, last saved at 19:00 CET" in text_of(mine.text)

    sent = move(as_carl, draft, "submit", **{"from": "mine"})
    assert location(sent) == f"{MINE}#post-{draft.id}"
    assert "Waiting for an editor since 19:00 CET" in text_of(as_carl.get(MINE).text)
    assert reading.get_feed(svc, "summit").last_seq == 0


def test_an_editor_sees_the_queue_and_publishes_as_written(
    client: TestClient, svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    switch(client, carl)
    assert submit(client, "/feeds/summit/posts", WORDS | {"intent": "submit"}).status_code == 303
    [sent] = workflow.my_posts(svc, carl, "summit")[1]
    switch(client, editor)
    assert "Contributions (1 waiting)" in text_of(client.get("/feeds/summit").text)
    assert f'href="{QUEUE}"' in client.get("/desk").text
    queue = client.get(QUEUE)
    assert queue.status_code == 200
    assert "Delegates walk out" in queue.text
    assert "By Carl Contributor" in text_of(queue.text)

    clock.advance(120)
    published = move(client, sent, "publish", **{"from": "queue"})
    assert published.status_code == 303
    assert location(published) == f"/feeds/summit#post-{sent.id}"
    assert [p.id for p in reading.feed_page(svc, "summit").posts] == [sent.id]
    switch(client, carl)
    assert "Published by Anna Editor at 19:02 CET, as written" in text_of(client.get(MINE).text)


def test_edit_then_publish(client: TestClient, svc: Services, editor: User, carl: User) -> None:
    sent = workflow.start_post(svc, carl, "summit", WORDS, state=PostState.SUBMITTED)
    switch(client, editor)
    form = client.get(f"/desk/feeds/summit/posts/{sent.id}")
    assert form.status_code == 200
    assert Page(form.text).values["headline"] == "Delegates walk out"
    assert intents(form.text, f"/desk/feeds/summit/posts/{sent.id}") == {
        "preview", "publish", "save", "schedule",
    }  # fmt: skip
    published = submit(
        client,
        f"/desk/feeds/summit/posts/{sent.id}",
        WORDS | {"headline": "Three delegations walk out", "intent": "publish", "version": "1"},
    )
    assert location(published) == f"/feeds/summit#post-{sent.id}"
    switch(client, carl)
    mine = text_of(client.get(MINE).text)
    assert "Three delegations walk out" in mine
    assert "edited by the editors" in mine


def test_a_return_needs_a_note_and_keeps_what_was_typed(
    client: TestClient, svc: Services, editor: User, carl: User
) -> None:
    sent = workflow.start_post(svc, carl, "summit", WORDS, state=PostState.SUBMITTED)
    switch(client, editor)
    refused = move(client, sent, "return", note="   ", **{"from": "queue"})
    assert refused.status_code == 422
    assert "say why it goes back" in refused.text
    assert current(svc, sent.id, editor).state is PostState.SUBMITTED

    note = "Who counted? " + XSS[0]
    returned = move(client, sent, "return", note=note, **{"from": "queue"})
    assert location(returned) == f"{QUEUE}#post-{sent.id}"
    switch(client, carl)
    mine = client.get(MINE).text
    assert XSS[0] not in mine
    assert f"Sent back by Anna Editor: “{note}”" in text_of(mine)


def test_a_bad_return_keeps_the_note_typed(
    client: TestClient, svc: Services, editor: User, carl: User
) -> None:
    sent = workflow.start_post(svc, carl, "summit", WORDS, state=PostState.SUBMITTED)
    switch(client, editor)
    long_note = "x" * 2_001
    refused = move(client, sent, "return", note=long_note, **{"from": "queue"})
    assert refused.status_code == 422
    assert Page(refused.text).values["note"] == long_note
    assert field_errors(refused.text)["note"].startswith("must be at most 2,000 characters")


# Scheduling --------------------------------------------------------------------------------------


def test_an_editor_schedules_in_the_feeds_zone(
    client: TestClient, svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    switch(client, editor)
    # 19:30 in Paris is 18:30 UTC, half an hour from the test's now.
    scheduled = submit(
        client,
        "/feeds/summit/posts",
        WORDS | {"intent": "schedule", "publish_at": "2026-11-25T19:30"},
    )
    assert scheduled.status_code == 303
    [post] = workflow.queue(svc, editor, "summit").scheduled
    assert location(scheduled) == f"/feeds/summit#scheduled-post-{post.id}"
    assert post.publish_at == clock.now + timedelta(minutes=30)
    assert "Scheduled for 19:30 CET, 25 November 2026 by Anna Editor" in text_of(
        client.get(QUEUE).text
    )
    form = client.get(f"/desk/feeds/summit/posts/{post.id}")
    assert Page(form.text).values["publish_at"] == "2026-11-25T19:30:00"


def test_a_schedule_in_the_past_keeps_the_form(
    client: TestClient, svc: Services, editor: User, carl: User
) -> None:
    switch(client, editor)
    refused = submit(
        client,
        "/feeds/summit/posts",
        WORDS | {"intent": "schedule", "publish_at": "2026-11-25T18:59"},
    )
    assert refused.status_code == 422
    assert field_errors(refused.text) == {"publish_at": "must be in the future"}
    values = Page(refused.text).values
    assert (values["headline"], values["publish_at"]) == (WORDS["headline"], "2026-11-25T18:59")
    assert '<details class="schedule" open>' in refused.text
    assert workflow.queue(svc, editor, "summit").scheduled == []
    assert reading.get_feed(svc, "summit").last_seq == 0


def test_an_editor_cancels_a_schedule(
    client: TestClient, svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    own = workflow.start_post(
        svc, editor, "summit", WORDS, state=PostState.SCHEDULED,
        publish_at=When((clock.now + timedelta(hours=1)).isoformat()),
    )  # fmt: skip
    switch(client, editor)
    cancelled = move(client, own, "unschedule", **{"from": "queue"})
    assert cancelled.status_code == 303
    assert current(svc, own.id, editor).state is PostState.DRAFT


def test_a_contributor_cannot_schedule_or_publish_from_the_form(
    as_carl: TestClient, svc: Services, carl: User, clock: Clock
) -> None:
    for intent in ("schedule", "publish"):
        refused = submit(
            as_carl,
            "/feeds/summit/posts",
            WORDS | {"intent": intent, "publish_at": "2026-11-25T20:00"},
        )
        assert refused.status_code == 403
    assert workflow.my_posts(svc, carl, "summit")[1] == []


# Who may open what -------------------------------------------------------------------------------


def test_the_pages_are_for_the_team(
    client: TestClient, svc: Services, editor: User, carl: User
) -> None:
    draft = workflow.start_post(svc, carl, "summit", WORDS, state=PostState.DRAFT)
    assert client.get(QUEUE).status_code == 303  # to the login page
    assert client.get(MINE).status_code == 303
    switch(client, carl)
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"/desk/feeds/summit/posts/{draft.id}").status_code == 200
    switch(client, editor)
    assert client.get(f"/desk/feeds/summit/posts/{draft.id}").status_code == 404
    assert move(client, draft, "publish", **{"from": "queue"}).status_code == 404
    stranger = make_user(svc, "olga@newsroom.test", name="Olga")
    switch(client, stranger)
    assert client.get(MINE).status_code == 403
    assert current(svc, draft.id, carl).state is PostState.DRAFT


@pytest.mark.parametrize("token", [None, "forged"])
def test_every_workflow_form_needs_its_token(
    client: TestClient, svc: Services, editor: User, carl: User, token: str | None
) -> None:
    sent = workflow.start_post(svc, carl, "summit", WORDS, state=PostState.SUBMITTED)
    switch(client, editor)
    data = WORDS | {"intent": "publish", "version": "1", "from": "queue"}
    if token:
        data["csrf_token"] = token
    for url in (f"/desk/feeds/summit/posts/{sent.id}", f"/desk/feeds/summit/posts/{sent.id}/move"):
        assert client.post(url, data=data).status_code == 403
    assert client.post("/feeds/summit/posts", data=data | {"intent": "draft"}).status_code == 403
    assert current(svc, sent.id, editor).state is PostState.SUBMITTED
    assert csrf(client)  # the session's token, that the pages print, works as ever


# Nothing unpublished on a reader's page -----------------------------------------------------------

SECRET = "Embargoed-7c1f"


def test_nothing_unpublished_reaches_a_readers_page(
    client: TestClient, svc: Services, editor: User, carl: User, clock: Clock, tmp_path: Path
) -> None:
    """The feed page, post pages, feeds for apps, sitemaps, the embed, the API, polling,
    search data and a static export: none shows a draft, a contribution or a scheduled post."""
    out = make_post(svc, editor, headline="On the record", tags="walkout", key_event=True)
    secret = WORDS | {"headline": SECRET, "body": SECRET, "key_event": True, "pinned": True}
    hidden = [
        workflow.start_post(svc, carl, "summit", secret, state=PostState.DRAFT),
        workflow.start_post(svc, carl, "summit", secret, state=PostState.SUBMITTED),
        workflow.start_post(
            svc, editor, "summit", secret, state=PostState.SCHEDULED,
            publish_at=When((clock.now + timedelta(hours=1)).isoformat()),
        ),
    ]  # fmt: skip
    paths = [
        "/", "/feeds/summit", "/tags/walkout", "/feeds/summit/embed",
        "/feeds/summit/feed.atom", "/feeds/summit/feed.rss", "/feeds/summit/feed.json",
        "/feeds/summit/key-events.atom", "/tags/walkout/feed.json", "/feeds.atom",
        "/sitemap.xml", "/sitemap-news.xml", "/sitemaps/posts-0.xml",
        "/feeds/summit/updates?since=0",
        "/api/v1/feeds/summit/posts", "/api/v1/feeds/summit/posts?since=0",
        "/api/v1/feeds/summit",
    ]  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert SECRET not in response.text, path
    assert "On the record" in client.get("/feeds/summit").text  # the check can see a post
    for post in hidden:
        for path in (
            f"/feeds/summit/posts/{post.id}",
            f"/api/v1/feeds/summit/posts/{post.id}",
            f"/s/{post.short_code}",
        ):
            assert client.get(path).status_code == 404, path
    exported = export_feed(svc, "summit", tmp_path / "copy", say=lambda _: None)
    assert exported.posts == 1
    for file in (tmp_path / "copy").rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file
    assert out.id not in {p.id for p in hidden}
