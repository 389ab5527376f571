"""A feed may tell its readers how many read it now ("12,400 reading now"): off unless its
editors turn it on, the number written as the feed's language writes numbers."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.factories import make_feed
from tests.web.conftest import bearer, csrf_of, log_in


@pytest.fixture
def quiet(app: Starlette) -> TestClient:
    """The app without its lifespan: no background task reports this instance's (zero) readers
    to the broker, so the count a test reports stands."""
    return TestClient(app, follow_redirects=False)


def readers_now(app: Starlette, feed: Feed, count: int) -> None:
    app.state.broker.report_readers({feed.id: count})


def test_off_by_default_readers_see_no_count(
    svc: Services, app: Starlette, quiet: TestClient, editor: User, token: str
) -> None:
    feed = make_feed(svc, editor)
    readers_now(app, feed, 12400)
    assert "reading now" not in quiet.get("/feeds/summit").text
    assert quiet.get("/api/v1/feeds/summit", headers=bearer(token)).json()["show_readers"] is False


def test_turned_on_in_the_form_readers_see_the_count(
    svc: Services, app: Starlette, quiet: TestClient, editor: User
) -> None:
    feed = make_feed(svc, editor)
    log_in(quiet, editor.email)
    form = quiet.get("/desk/feeds/summit/edit").text
    assert 'name="show_readers"' in form
    fields = {**feed.as_input(), "tags": "politics, world", "show_readers": "on"}
    fields.pop("coverage_start")
    saved = quiet.post("/desk/feeds/summit/edit", data={"csrf_token": csrf_of(form), **fields})
    assert saved.status_code == 303, saved.text
    assert 'name="show_readers" checked' in quiet.get("/desk/feeds/summit/edit").text
    quiet.cookies.clear()

    readers_now(app, feed, 12400)
    assert '<p class="reading-now">12,400 reading now</p>' in quiet.get("/feeds/summit").text
    # The page changes with the count: a reader's cached copy is not the old number.
    first = quiet.get("/feeds/summit").headers["etag"]
    readers_now(app, feed, 12401)
    assert quiet.get("/feeds/summit", headers={"If-None-Match": first}).status_code == 200


def test_the_count_is_written_in_the_feeds_language(
    svc: Services, app: Starlette, quiet: TestClient, editor: User, token: str
) -> None:
    feed = make_feed(svc, editor, slug="vybory", title="Выборы", language="ru")
    changed = quiet.patch(
        "/api/v1/feeds/vybory", json={"show_readers": True}, headers=bearer(token)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["show_readers"] is True
    readers_now(app, feed, 12400)
    assert '<p class="reading-now">12\u00a0400 читают сейчас</p>' in quiet.get("/feeds/vybory").text


def test_an_ended_feed_shows_no_count(
    svc: Services, app: Starlette, quiet: TestClient, editor: User, token: str
) -> None:
    feed = make_feed(svc, editor)
    quiet.patch("/api/v1/feeds/summit", json={"show_readers": True}, headers=bearer(token))
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    readers_now(app, feed, 3)
    assert "reading now" not in quiet.get("/feeds/summit").text
