"""Ending a feed asks first, on a page of its own that works without JavaScript."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.factories import make_feed
from tests.web.conftest import Page, submit


def status_forms(html: str) -> list[tuple[str, str]]:
    """(address, status) of each form on the page that sets a feed's status."""
    return re.findall(
        r'<form method="post" action="([^"]*/status)"[^>]*>.*?name="status" value="(\w+)"',
        html,
        re.S,
    )


def test_end_feed_leads_to_a_question_and_only_its_answer_ends_the_feed(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    feed_page = desk.get("/feeds/summit").text
    end = {"class": "button secondary", "href": "/desk/feeds/summit/end"}
    assert end in Page(feed_page).tags("a")
    assert status_forms(feed_page) == [], "one click on the feed page must not end it"

    question = desk.get("/desk/feeds/summit/end")

    assert question.status_code == 200
    assert "<h1>End this feed?</h1>" in question.text
    assert status_forms(question.text) == [("/desk/feeds/summit/status", "ended")]
    assert {"href": "/feeds/summit"} in Page(question.text).tags("a")  # Cancel
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE

    ended = submit(desk, "/desk/feeds/summit/status", {"status": "ended"})

    assert ended.headers["location"] == "/feeds/summit"
    assert reading.get_feed(svc, "summit").status is FeedStatus.ENDED


def test_an_ended_feed_is_not_asked_about_again_and_reopens_in_one_click(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)

    question = desk.get("/desk/feeds/summit/end")

    assert "This feed has already ended." in question.text
    assert status_forms(question.text) == []
    assert status_forms(desk.get("/feeds/summit").text) == [("/desk/feeds/summit/status", "live")]


def test_only_those_who_run_the_feed_are_asked(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    stranger = client.get("/desk/feeds/summit/end")
    assert stranger.headers["location"] == "/login?next=/desk/feeds/summit/end"
