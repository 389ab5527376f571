"""Who is editing which post ("Anna is editing"), kept in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Forbidden, NotFound
from livefeed.domain.presence import STALE_AFTER
from livefeed.domain.users import User
from livefeed.newsroom import presence
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import join, make_contributor, make_editor, make_feed, make_post, make_user


@pytest.fixture
def anna(svc: Services) -> User:
    return make_editor(svc)


@pytest.fixture
def ben(svc: Services, anna: User) -> User:
    make_feed(svc, anna)
    ben = make_user(svc, "ben@newsroom.test", name="Ben Desk")
    join(svc, ben, "summit", FeedRole.EDITOR)
    return ben


def test_each_editor_sees_the_others_on_the_same_post(svc: Services, anna: User, ben: User) -> None:
    post = make_post(svc, anna)
    other = make_post(svc, anna, headline="Other")

    assert presence.editing(svc, anna, "summit", post.id) == []
    assert presence.editing(svc, ben, "summit", post.id) == ["Anna Editor"]
    assert presence.editing(svc, anna, "summit", post.id) == ["Ben Desk"]
    assert presence.editing(svc, anna, "summit", other.id) == []

    assert presence.others_on_feed(svc, ben, post.feed_id) == {
        post.id: ["Anna Editor"],
        other.id: ["Anna Editor"],
    }
    assert presence.others_on_feed(svc, anna, post.feed_id) == {post.id: ["Ben Desk"]}


def test_an_editor_not_heard_from_is_no_longer_editing(
    svc: Services, anna: User, ben: User, clock: Clock
) -> None:
    post = make_post(svc, anna)
    presence.editing(svc, anna, "summit", post.id)

    clock.advance(STALE_AFTER.total_seconds() - 1)
    assert presence.editing(svc, ben, "summit", post.id) == ["Anna Editor"]
    clock.advance(2)
    assert presence.editing(svc, ben, "summit", post.id) == []
    assert presence.others_on_feed(svc, ben, post.feed_id) == {}


def test_closing_the_page_ends_it_at_once(svc: Services, anna: User, ben: User) -> None:
    post = make_post(svc, anna)
    presence.editing(svc, anna, "summit", post.id)

    presence.stopped_editing(svc, anna, "summit", post.id)

    assert presence.editing(svc, ben, "summit", post.id) == []


def test_only_those_who_edit_the_feed_are_counted_or_told(
    svc: Services, anna: User, ben: User
) -> None:
    post = make_post(svc, anna)
    presence.editing(svc, anna, "summit", post.id)
    contributor = make_contributor(svc)
    stranger = make_user(svc, "sam@newsroom.test", name="Sam")

    for outsider in (contributor, stranger, None):
        with pytest.raises(Forbidden):
            presence.editing(svc, outsider, "summit", post.id)
        with pytest.raises(Forbidden):
            presence.stopped_editing(svc, outsider, "summit", post.id)
        assert presence.others_on_feed(svc, outsider, post.feed_id) == {}
    assert presence.editing(svc, ben, "summit", post.id) == ["Anna Editor"]


def test_a_post_of_another_feed_is_not_found(svc: Services, anna: User, ben: User) -> None:
    make_feed(svc, anna, slug="storm", title="Storm")
    post = make_post(svc, anna)
    with pytest.raises(NotFound):
        presence.editing(svc, anna, "storm", post.id)
    with pytest.raises(NotFound):
        presence.editing(svc, anna, "nowhere", post.id)
