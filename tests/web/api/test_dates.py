"""Dates at the edges of the calendar, through the API and the desk's form.

A year like 1 or 9999 with an offset cannot be turned into UTC at all, so every date a feed
carries is bounded when it is read, and every date written out has four digits.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from livefeed.domain.times import iso_utc
from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_feed
from tests.web.api.feed_api import assert_problem, state
from tests.web.conftest import bearer, submit

OUT_OF_RANGE = [
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "0275-11-06T10:00:00Z",
    "1899-12-31T23:59:59Z",
    "3000-01-01T00:00:00Z",
]


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_the_api_refuses_a_coverage_start_out_of_range(
    client: TestClient, svc: Services, editor: User, token: str, moment: str
) -> None:
    make_feed(svc, editor)
    before = state(svc)
    body = {"slug": "storm", "title": "Storm", "coverage_start": moment}

    created = client.post("/api/v1/feeds", json=body, headers=bearer(token))
    changed = client.patch(
        "/api/v1/feeds/summit", json={"coverage_start": moment}, headers=bearer(token)
    )

    assert_problem(created, 422, "coverage_start")
    assert_problem(changed, 422, "coverage_start")
    assert state(svc) == before


@pytest.mark.parametrize("moment", OUT_OF_RANGE[:2])
def test_the_desk_form_refuses_it_keeping_what_was_typed(
    desk: TestClient, svc: Services, editor: User, moment: str
) -> None:
    make_feed(svc, editor)
    form = {"title": "Storm", "slug": "storm", "timezone": "UTC", "coverage_start": moment}

    response = submit(desk, "/desk/feeds/new", form)

    assert response.status_code == 422
    assert "between the years 1900 and 2999" in response.text
    assert f'value="{moment}"' in response.text


def test_the_edges_of_the_range_are_taken(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    for slug, moment in (("early", "1900-01-01T00:00:00+05:00"), ("late", "2999-12-31T23:59Z")):
        body = {"slug": slug, "title": slug, "coverage_start": moment}
        response = client.post("/api/v1/feeds", json=body, headers=bearer(token))
        assert response.status_code == 201, response.text


def test_every_year_is_written_with_four_digits() -> None:
    assert iso_utc(datetime(275, 11, 6, 10, 0, tzinfo=UTC)) == "0275-11-06T10:00:00Z"
    assert iso_utc(datetime(2026, 12, 6, 9, 5, 7, tzinfo=UTC)) == "2026-12-06T09:05:07Z"
