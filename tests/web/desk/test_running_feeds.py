"""Running a feed from the desk: creating one, a form with mistakes shown next to their fields
and everything typed kept, editing one, ending and reopening it."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_feed
from tests.web.conftest import Page, field_errors, submit
from tests.web.desk.desk_answers import location

FEED_FORM = {
    "title": "Storm over the coast",
    "slug": "storm",
    "lead": "Winds of **120 km/h**.",
    "notes": "Times are local.",
    "tags": "weather, coast",
    "timezone": "Europe/Paris",
    "coverage_start": "2026-11-25T18:00:00Z",
}


def test_an_editor_creates_a_feed(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)  # the editor of one feed can open the next
    assert 'name="slug"' in desk.get("/desk/feeds/new").text

    response = submit(desk, "/desk/feeds/new", FEED_FORM)

    assert response.status_code == 303
    assert location(response) == "/feeds/storm"
    feed = reading.get_feed(svc, "storm")
    assert (feed.title, feed.timezone, feed.tags) == (
        "Storm over the coast",
        "Europe/Paris",
        ("weather", "coast"),
    )
    assert "<strong>120 km/h</strong>" in desk.get("/feeds/storm").text


def test_a_taken_slug_is_shown_next_to_its_field_with_everything_typed_kept(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, slug="storm", title="The first storm")

    response = submit(desk, "/desk/feeds/new", FEED_FORM)

    assert response.status_code == 422
    assert list(field_errors(response.text)) == ["slug"]
    assert "already exists" in field_errors(response.text)["slug"]
    values = Page(response.text).values
    assert {name: values[name] for name in FEED_FORM} == FEED_FORM
    assert reading.get_feed(svc, "storm").title == "The first storm"
    assert len(reading.all_feeds(svc)) == 1


def test_a_feed_form_with_several_mistakes_names_each(desk: TestClient, svc: Services) -> None:
    response = submit(
        desk,
        "/desk/feeds/new",
        FEED_FORM | {"title": "", "slug": "Not A Slug", "timezone": "Mars/Olympus"},
    )

    assert response.status_code == 422
    assert set(field_errors(response.text)) == {"title", "slug", "timezone"}
    assert Page(response.text).values["timezone"] == "Mars/Olympus"
    assert reading.all_feeds(svc) == []


def test_an_editor_edits_a_feed_and_keeps_what_the_form_does_not_show(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, audio_stream_url="https://radio.example.org/live.mp3")
    page = Page(desk.get("/desk/feeds/summit/edit").text)
    typed = {name: value for name, value in page.values.items() if name != "csrf_token"}
    assert typed["slug"] == "summit"
    assert typed["tags"] == "politics, world"

    response = submit(desk, "/desk/feeds/summit/edit", typed | {"title": "Summit: day two"})

    assert response.status_code == 303
    feed = reading.get_feed(svc, "summit")
    assert feed.title == "Summit: day two"
    assert feed.tags == ("politics", "world")
    assert feed.audio_stream_url == "https://radio.example.org/live.mp3"


def test_an_editor_ends_and_reopens_a_feed(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    assert "End feed" in desk.get("/feeds/summit").text

    ended = submit(desk, "/desk/feeds/summit/status", {"status": "ended"})

    assert ended.status_code == 303
    assert reading.get_feed(svc, "summit").status is FeedStatus.ENDED
    assert '<span class="badge badge-ended">Ended</span>' in desk.get("/feeds/summit").text
    assert submit(desk, "/desk/feeds/summit/status", {"status": "paused"}).status_code == 422
    assert submit(desk, "/desk/feeds/summit/status", {"status": "live"}).status_code == 303
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE
