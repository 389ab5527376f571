"""Fixtures for the discussion's pages: the summit and storm feeds, the summit's moderator Mo,
and Rita, a reader."""

from __future__ import annotations

import pytest

from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_feed, make_moderator, make_user


@pytest.fixture
def feeds(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm over the coast")


@pytest.fixture
def mo(svc: Services, feeds: None) -> User:
    return make_moderator(svc, "summit")


@pytest.fixture
def rita(svc: Services) -> User:
    return make_user(svc, "rita@readers.test", name="Rita Reader")
