"""The reader's pages as the app answers them with and without its early answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.reader.early_answers import EarlyAnswers


@pytest.fixture
def routed(settings: Settings, svc: Services) -> Iterator[TestClient]:
    """The same app without the early answers: every request answered by its route."""
    app = create_app(settings, svc)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not EarlyAnswers]
    with TestClient(app, follow_redirects=False) as client:
        yield client
