"""The feed form's help: a list of time zones, the common ones first, and on a new feed an
address suggested from the title by a script the form does without."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.feeds import COMMON_ZONES
from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_feed
from tests.web.conftest import Page, script_tag, submit

SLUG_SCRIPT = script_tag("slug.js")


def zones_listed(html: str) -> list[str]:
    found = re.search(r'<datalist id="time-zones">(.*?)</datalist>', html, re.S)
    assert found, "the form lists no time zones"
    return re.findall(r'<option value="([^"]+)">', found.group(1))


def test_a_new_feed_offers_the_time_zones_and_suggests_its_address(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)

    html = desk.get("/desk/feeds/new").text

    inputs = {i.get("name"): i for i in Page(html).tags("input")}
    assert inputs["timezone"]["list"] == "time-zones"
    zones = zones_listed(html)
    assert zones[: len(COMMON_ZONES)] == list(COMMON_ZONES)
    assert zones[:3] == ["UTC", "Europe/London", "Europe/Paris"]
    assert {"Pacific/Auckland", "America/Argentina/Buenos_Aires"} <= set(zones)
    assert len(zones) == len(set(zones))
    assert not [zone for zone in zones if zone.startswith(("US/", "Etc/"))]
    assert inputs["slug"]["data-slug-from"] == "f-title"
    assert inputs["title"]["id"] == "f-title"
    assert SLUG_SCRIPT in html
    assert desk.get("/static/slug.js").status_code == 200


def test_without_the_script_the_address_and_a_zone_typed_in_still_make_the_feed(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)

    response = submit(
        desk,
        "/desk/feeds/new",
        {"title": "Storm", "slug": "storm-night", "timezone": "US/Eastern"},
    )

    assert response.headers["location"] == "/feeds/storm-night"
    assert reading.get_feed(svc, "storm-night").timezone == "US/Eastern"


def test_editing_a_feed_never_suggests_a_new_address(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)

    html = desk.get("/desk/feeds/summit/edit").text

    assert "data-slug-from" not in html
    assert SLUG_SCRIPT not in html
    assert "Europe/London" in zones_listed(html)
