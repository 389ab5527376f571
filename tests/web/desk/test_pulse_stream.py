"""The newsroom's pulse pushed to its editors' pages over a stream of their own, through a real
server: an editor's feed page (``/feeds/{slug}/pulse``) and the desk's list (``/desk/pulse``)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2 as httpx
import pytest

from livefeed.domain.access import FeedRole
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.languages import catalogs
from livefeed.newsroom import publishing, workflow
from livefeed.services import Services
from livefeed.store import accounts
from livefeed.web.desk import pulse_stream
from tests.factories import PASSWORD, join, make_contributor, make_feed, make_user
from tests.realtime.test_stream import WAIT, Stream
from tests.web.desk.conftest import csrf_from


@contextmanager
def session_of(server: str, email: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=WAIT) as client:
        token = csrf_from(client)
        data = {"email": email, "password": PASSWORD, "csrf_token": token}
        answer = client.post("/login", data=data)
        assert answer.status_code == 303, answer.text
        yield client


def cookie_of(client: httpx.Client) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in client.cookies.items())}


@pytest.fixture
def opened() -> Iterator[list[Stream]]:
    streams: list[Stream] = []
    yield streams
    for each in streams:
        each.close()


def follow(opened: list[Stream], server: str, path: str, client: httpx.Client) -> Stream:
    stream = Stream(f"{server}{path}", headers=cookie_of(client))
    opened.append(stream)
    assert stream.connected() == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"] == "private, no-store"
    return stream


def pulses(stream: Stream, count: int) -> list[dict[str, Any]]:
    found = [message for message in stream.wait_for(count) if message.event == "pulse"]
    return [message.json for message in found]


def until(stream: Stream, check: Any) -> dict[str, Any]:
    """The first pulse ``check`` accepts, waiting for more as they come."""
    deadline = time.monotonic() + WAIT
    seen = 0
    while True:
        messages = pulses(stream, seen + 1)
        for pulse in messages[seen:]:
            if check(pulse):
                return pulse
        seen = len(messages)
        assert time.monotonic() < deadline, f"no such pulse among {messages}"


def test_an_editors_stream_gives_the_pulse_at_once_then_each_change(
    server: str, svc: Services, editor: User, summit: None, opened: list[Stream]
) -> None:
    with session_of(server, editor.email) as desk:
        stream = follow(opened, server, "/feeds/summit/pulse", desk)
    first = pulses(stream, 1)[0]
    assert (first["slug"], first["waiting"], first["reported"], first["readers"]) == (
        "summit", 0, 0, 0,
    )  # fmt: skip
    assert first["waiting_text"] == "Contributions"

    carl = make_contributor(svc)
    workflow.start_post(
        svc, carl, "summit", {"headline": "From the hall", "body": "A line."},
        state=PostState.SUBMITTED,
    )  # fmt: skip
    changed = until(stream, lambda pulse: pulse["waiting"] == 1)
    assert changed["waiting_text"] == "Contributions (1 waiting)"

    # Nothing changes for a few ticks: nothing more is sent (heartbeats are comments). A minute
    # turning adds a point to the sparkline, and that is a change.
    time.sleep(3 * pulse_stream.TICK_SECONDS)
    sent = [message.data for message in stream.messages if message.event == "pulse"]
    assert all(one != other for one, other in itertools.pairwise(sent)), sent
    assert len(sent) <= 3, sent


def test_another_editor_composing_reaches_the_stream_but_not_their_own(
    server: str, svc: Services, editor: User, summit: None, opened: list[Stream]
) -> None:
    ben = make_user(svc, "ben@newsroom.test", name="Ben Desk")
    join(svc, ben, "summit", FeedRole.EDITOR)
    with session_of(server, editor.email) as anna, session_of(server, ben.email) as bens:
        annas_stream = follow(opened, server, "/feeds/summit/pulse", anna)
        bens_stream = follow(opened, server, "/feeds/summit/pulse", bens)
        pulses(bens_stream, 1)
        answer = bens.post("/feeds/summit/composing", data={"csrf_token": csrf_from(bens)})
        assert answer.status_code == 204
        shown = until(annas_stream, lambda pulse: pulse["composing"])
        assert shown["composing"] == ["Ben Desk"]
        assert shown["composing_text"] == "Ben Desk is composing a post"
        # Ben's own page is never told he is composing.
        time.sleep(2 * pulse_stream.TICK_SECONDS)
        assert all(not pulse["composing"] for pulse in pulses(bens_stream, 1))


def test_only_the_feeds_editors_may_follow_its_pulse(
    server: str, svc: Services, summit: None, opened: list[Stream]
) -> None:
    carl = make_contributor(svc)
    anonymous = Stream(f"{server}/feeds/summit/pulse")
    opened.append(anonymous)
    assert anonymous.connected() == 403
    assert anonymous.headers["content-type"] == "application/problem+json"
    with session_of(server, carl.email) as contributor:
        refused = Stream(f"{server}/feeds/summit/pulse", headers=cookie_of(contributor))
        opened.append(refused)
        assert refused.connected() == 403
    nobody = Stream(f"{server}/desk/pulse")
    opened.append(nobody)
    assert nobody.connected() == 401


def test_the_desks_list_follows_each_feed_its_person_edits_in_their_language(
    server: str, svc: Services, editor: User, summit: None, opened: list[Stream]
) -> None:
    make_feed(svc, editor, slug="archive", title="Last year")
    publishing.set_feed_status(svc, editor, "archive", FeedStatus.ENDED)
    otto = make_user(svc, "otto@newsroom.test", name="Otto Other")
    make_feed(svc, otto, slug="election", title="Election night")
    with svc.db.write() as conn:
        accounts.set_language(conn, editor.id, "ru")
    with session_of(server, editor.email) as desk:
        page = desk.get("/desk").text
        assert 'data-desk-pulse="/desk/pulse"' in page
        stream = follow(opened, server, "/desk/pulse", desk)
        assert desk.get("/desk/pulse").json()["feeds"][0]["slug"] == "summit"
    first = pulses(stream, 1)[0]
    assert first["slug"] == "summit"
    with catalogs.speaking("ru"):
        russian = catalogs.gettext("Contributions")
    assert russian != "Contributions"
    assert first["waiting_text"] == russian
    # Neither the ended feed nor another editor's feed is followed.
    time.sleep(2 * pulse_stream.TICK_SECONDS)
    assert {pulse["slug"] for pulse in pulses(stream, 1)} == {"summit"}


def test_a_desk_without_feeds_to_edit_follows_none(
    server: str, svc: Services, summit: None, opened: list[Stream]
) -> None:
    olga = make_user(svc, "olga@newsroom.test", name="Olga Outsider")
    with session_of(server, olga.email) as outsider:
        assert "data-desk-pulse" not in outsider.get("/desk").text
        assert outsider.get("/desk/pulse").json() == {"feeds": []}


def test_a_stream_ends_in_time_and_the_browser_comes_back_to_a_checked_session(
    server: str, editor: User, summit: None, opened: list[Stream], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pulse_stream, "MAX_SECONDS", 0.5)
    with session_of(server, editor.email) as desk:
        stream = follow(opened, server, "/feeds/summit/pulse", desk)
    stream.wait_closed()
    assert pulses(stream, 1)[0]["slug"] == "summit"
