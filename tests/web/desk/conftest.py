"""A real server on loopback for the desk's streams, sharing the test's services and clock."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.app_server import serving


@pytest.fixture
def server(settings: Settings, svc: Services) -> Iterator[str]:
    with serving(create_app(settings, svc)) as url:
        yield url


def csrf_from(client: httpx.Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert found
    return found.group(1)
