"""Fixtures for the distribution tests."""

from __future__ import annotations

import pytest

from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_editor


@pytest.fixture
def editor(svc: Services) -> User:
    return make_editor(svc)
