"""A feed to work on, and a real server on loopback for the desk's streams, sharing the test's
services and clock."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.app_server import serving
from tests.factories import make_feed


@pytest.fixture
def summit(svc: Services, editor: User) -> None:
    make_feed(svc, editor)


@pytest.fixture
def server(settings: Settings, svc: Services) -> Iterator[str]:
    with serving(create_app(settings, svc)) as url:
        yield url


def csrf_from(client: httpx.Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert found
    return found.group(1)
