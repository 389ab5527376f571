"""The newsroom's tests: the editor most of them act as, the feed she runs and her contributor."""

from __future__ import annotations

import pytest

from livefeed.domain.feeds import Feed
from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_contributor, make_editor, make_feed


@pytest.fixture
def editor(svc: Services) -> User:
    return make_editor(svc)


@pytest.fixture
def summit(svc: Services, editor: User) -> Feed:
    """The summit feed, opened by the editor: for a module whose tests all write to it
    (``pytestmark = pytest.mark.usefixtures("summit")``)."""
    return make_feed(svc, editor)


@pytest.fixture
def carl(svc: Services, editor: User) -> User:
    """Carl, a contributor on the summit's team where the summit is open."""
    return make_contributor(svc)
