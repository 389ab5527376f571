"""A post's video description through the JSON API: taken, shown, changed and checked."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed.domain.posts import CAPTION_LENGTH
from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_feed
from tests.web.api.feed_api import POSTS, assert_problem, state
from tests.web.conftest import bearer

WATCH = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def _create(client: TestClient, token: str, alt: str) -> dict[str, object]:
    response = client.post(
        POSTS,
        json={"headline": "Walkout", "video": {"url": WATCH, "alt": alt}},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    post: dict[str, object] = response.json()
    return post


def test_a_video_description_sent_is_shown_in_the_json_and_on_the_page(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)

    post = _create(client, token, "Delegates leave the hall")

    assert post["video"] == {
        "url": WATCH,
        "kind": "youtube",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "alt": "Delegates leave the hall",
    }
    read = client.get(f"{POSTS}/{post['id']}").json()
    assert read["video"]["alt"] == "Delegates leave the hall"
    page = client.get("/feeds/summit").text
    assert 'title="Video: Delegates leave the hall"' in page


def test_an_edit_changes_the_video_description(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = _create(client, token, "Delegates leave the hall")

    edited = client.patch(
        f"{POSTS}/{post['id']}",
        json={"video": {"url": WATCH, "alt": "The chair calls a recess"}, "version": 1},
        headers=bearer(token),
    )

    assert edited.status_code == 200, edited.text
    assert edited.json()["video"]["alt"] == "The chair calls a recess"
    assert edited.json()["video"]["url"] == WATCH
    assert client.get(f"{POSTS}/{post['id']}").json()["video"]["alt"] == (
        "The chair calls a recess"
    )


def test_too_long_a_video_description_is_refused_naming_it(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = _create(client, token, "Delegates leave the hall")
    before = state(svc)
    too_long = "a" * (CAPTION_LENGTH + 1)

    created = client.post(
        POSTS,
        json={"headline": "Walkout", "video": {"url": WATCH, "alt": too_long}},
        headers=bearer(token),
    )
    edited = client.patch(
        f"{POSTS}/{post['id']}",
        json={"video": {"url": WATCH, "alt": too_long}, "version": 1},
        headers=bearer(token),
    )

    assert_problem(created, 422, "video.alt")
    assert_problem(edited, 422, "video.alt")
    assert state(svc) == before
