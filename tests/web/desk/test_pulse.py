"""The newsroom's pulse on an editor's feed page, looked at once as JSON, and the compose form's
"I am composing" heartbeat. The stream that keeps the pages current: ``test_pulse_stream.py``."""

from __future__ import annotations

import time
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.domain.access import FeedRole
from livefeed.domain.posts import PostState
from livefeed.domain.presence import STALE_AFTER
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import PASSWORD, join, make_contributor, make_feed, make_moderator, make_user
from tests.realtime.test_stream import WAIT, Stream
from tests.web.conftest import csrf, log_in
from tests.web.desk.conftest import csrf_from

ADDRESS = "198.51.100.7"


@pytest.fixture
def summit(svc: Services, editor: User) -> None:
    make_feed(svc, editor, moderation="post")


def pulse_of(client: TestClient) -> dict[str, Any]:
    response = client.get("/feeds/summit/pulse", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    body: dict[str, Any] = response.json()
    return body


def test_a_submitted_contribution_and_a_reported_comment_show_in_the_pulse(
    svc: Services, desk: TestClient, summit: None, clock: Clock
) -> None:
    before = pulse_of(desk)
    assert (before["waiting"], before["reported"], before["composing"]) == (0, 0, [])
    assert before["waiting_text"] == "Contributions"
    assert before["readers"] == 0
    assert before["latency"] is None

    carl = make_contributor(svc)
    workflow.start_post(
        svc, carl, "summit", {"headline": "From the hall", "body": "A line."},
        state=PostState.SUBMITTED,
    )  # fmt: skip
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    sam = make_user(svc, "sam@readers.test", name="Sam Reader")
    comment = discussion.post_comment(
        svc, rita, "summit", {"body": "Not true", "accept_standards": "on"}, address=ADDRESS
    )
    clock.advance(60)
    discussion.report_comment(svc, sam, comment.id, {"reason": "spam"}, address=ADDRESS)

    after = pulse_of(desk)
    assert (after["waiting"], after["reported"]) == (1, 1)
    assert after["waiting_text"] == "Contributions (1 waiting)"
    assert after["reported_text"] == "1 reported comment"
    assert after["reported_url"] == "/moderation?feed=summit&tab=reported"


def test_an_unchanged_pulse_is_a_304(desk: TestClient, summit: None) -> None:
    first = desk.get("/feeds/summit/pulse")
    again = desk.get("/feeds/summit/pulse", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_who_is_composing_shows_to_the_other_editors_until_they_stop(
    svc: Services, client: TestClient, editor: User, summit: None, clock: Clock
) -> None:
    ben = make_user(svc, "ben@newsroom.test", name="Ben Desk")
    join(svc, ben, "summit", FeedRole.EDITOR)
    log_in(client, ben.email)
    assert (
        client.post("/feeds/summit/composing", data={"csrf_token": csrf(client)}).status_code == 204
    )
    client.cookies.clear()
    log_in(client, editor.email)

    shown = pulse_of(client)
    assert shown["composing"] == ["Ben Desk"]
    assert shown["composing_text"] == "Ben Desk is composing a post"

    clock.advance(STALE_AFTER.total_seconds() + 1)
    assert pulse_of(client)["composing"] == []


def test_stopping_ends_composing_at_once(
    svc: Services, client: TestClient, editor: User, summit: None
) -> None:
    carl = make_contributor(svc)
    log_in(client, carl.email)
    token = csrf(client)
    client.post("/feeds/summit/composing", data={"csrf_token": token})
    client.post("/feeds/summit/composing", data={"csrf_token": token, "left": "1"})
    client.cookies.clear()
    log_in(client, editor.email)
    assert pulse_of(client)["composing"] == []


def test_only_the_feeds_editors_get_the_pulse(
    svc: Services, client: TestClient, editor: User, summit: None
) -> None:
    mo = make_moderator(svc, "summit")
    carl = make_contributor(svc)
    olga = make_user(svc, "olga@newsroom.test", name="Olga Outsider")
    assert client.get("/feeds/summit/pulse").status_code == 403
    for someone in (mo, carl, olga):
        client.cookies.clear()
        log_in(client, someone.email)
        answer = client.get("/feeds/summit/pulse", headers={"Accept": "application/json"})
        assert answer.status_code == 403, someone.email
        assert answer.headers["content-type"] == "application/problem+json"
        assert "readers" not in answer.text


def test_the_editors_page_asks_for_the_pulse_and_a_readers_page_does_not(
    client: TestClient, desk: TestClient, summit: None
) -> None:
    page = desk.get("/feeds/summit").text
    assert 'data-pulse="/feeds/summit/pulse"' in page
    assert "/static/pulse." in page
    assert 'data-screen-sample="1"' in page
    desk.cookies.clear()
    page = client.get("/feeds/summit").text
    assert "data-pulse" not in page
    assert "/static/pulse." not in page
    assert 'data-screen-sample="100"' in page


def test_a_reader_connecting_shows_in_the_count_and_its_trail(
    server: str, editor: User, summit: None
) -> None:
    with httpx.Client(base_url=server, timeout=WAIT) as desk:
        token = csrf_from(desk)
        desk.post("/login", data={"email": editor.email, "password": PASSWORD, "csrf_token": token})
        assert desk.get("/feeds/summit/pulse").json()["readers"] == 0
        reader = Stream(f"{server}/feeds/summit/events")
        try:
            assert reader.connected() == 200
            # Each instance reports its readers every few seconds; the count follows.
            deadline = time.monotonic() + 3 * WAIT
            while (shown := desk.get("/feeds/summit/pulse").json())["readers"] != 1:
                assert time.monotonic() < deadline, "the reader was never counted"
                time.sleep(0.5)
        finally:
            reader.close()
    assert shown["readers_html"] == "<strong>1</strong> reader on this feed now"
    # The trail ends with the count now (a minute may have turned since the first ask).
    assert shown["trail"][-1] == 1
