"""The moderation queue, on SQLite and PostgreSQL: what each tab holds, for whom, and when its
validator changes."""

from __future__ import annotations

from typing import Any

import pytest

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation, moderation_queue
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import Comment, CommentState, RejectReason
from livefeed.domain.errors import Forbidden, Invalid, NotFound
from livefeed.domain.moderation_queue import Tab
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import join, make_admin, make_editor, make_feed, make_moderator, make_user

ADDRESS = "198.51.100.7"


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="storm", title="Storm over the coast")
    return anna


@pytest.fixture
def mo(svc: Services, editor: User) -> User:
    return make_moderator(svc, "summit")


@pytest.fixture
def rita(svc: Services) -> User:
    return make_user(svc, "rita@readers.test", name="Rita Reader")


@pytest.fixture
def sam(svc: Services) -> User:
    return make_user(svc, "sam@readers.test", name="Sam Reader")


def say(
    svc: Services, clock: Clock, who: User, body: str, slug: str = "summit", **fields: Any
) -> Comment:
    # Minutes apart, so no comment is held as a burst unless a test wants one.
    clock.advance(180)
    return discussion.post_comment(
        svc, who, slug, {"body": body, "accept_standards": "on", **fields}, address=ADDRESS
    )


def post_moderated(svc: Services, editor: User, slug: str = "summit") -> None:
    feed = discussion.discussion_page(svc, slug).feed
    publishing.update_feed(svc, editor, slug, feed.as_input() | {"moderation": "post"})


def ids(queue: moderation_queue.Queue) -> list[int]:
    return [item.comment.id for item in queue.items]


def test_pending_is_oldest_first_with_the_reason_each_was_held(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User, sam: User
) -> None:
    post_moderated(svc, editor)
    first = say(svc, clock, rita, "See https://a.test https://b.test https://c.test")
    shown = say(svc, clock, sam, "A fair point")
    second = say(svc, clock, sam, "See https://a.test https://b.test https://c.test")
    queue = moderation_queue.queue(svc, mo)
    assert queue.tab is Tab.PENDING
    assert ids(queue) == [first.id, second.id]
    assert shown.id not in ids(queue)
    assert queue.items[0].comment.hold_reason == "3 links (more than 2)"
    assert "the same text" not in queue.items[0].comment.hold_reason
    assert queue.items[0].feed.slug == "summit"
    assert queue.items[0].comment.author_name == "Rita Reader"
    assert queue.counts[Tab.PENDING] == 2
    assert queue.items[0].actions == ("approve", "reject")


def test_a_moderator_sees_only_the_feeds_they_moderate(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User
) -> None:
    on_summit = say(svc, clock, rita, "Summit thoughts")
    on_storm = say(svc, clock, rita, "Storm thoughts", slug="storm")
    assert ids(moderation_queue.queue(svc, mo)) == [on_summit.id]
    assert [f.slug for f in moderation_queue.queue(svc, mo).feeds] == ["summit"]
    with pytest.raises(Forbidden, match="moderators and editors"):
        moderation_queue.queue(svc, mo, feed_slug="storm")
    with pytest.raises(NotFound):
        moderation_queue.queue(svc, mo, feed_slug="no-such-feed")
    # The editor of both sees both, and one at a time when asking for a feed.
    assert ids(moderation_queue.queue(svc, editor)) == [on_summit.id, on_storm.id]
    assert ids(moderation_queue.queue(svc, editor, feed_slug="storm")) == [on_storm.id]
    # A moderator of the storm feed only, added later.
    mia = make_user(svc, "mia@newsroom.test", name="Mia Moderator")
    join(svc, mia, "storm", FeedRole.MODERATOR)
    assert ids(moderation_queue.queue(svc, mia)) == [on_storm.id]


def test_readers_contributors_and_strangers_have_no_queue(
    svc: Services, clock: Clock, editor: User, rita: User
) -> None:
    say(svc, clock, rita, "Hello")
    carl = make_user(svc, "carl@newsroom.test", name="Carl Contributor")
    join(svc, carl, "summit", FeedRole.CONTRIBUTOR)
    for who in (rita, carl, None):
        with pytest.raises(Forbidden):
            moderation_queue.queue(svc, who)


def test_only_admins_see_authors_addresses(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User
) -> None:
    say(svc, clock, rita, "Hello")
    guest_feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, editor, "summit", guest_feed.as_input() | {"discussion": "guests"})
    clock.advance(60)
    discussion.post_comment(
        svc, None, "summit", {"body": "Guest here", "name": "Gus", "accept_standards": "on"},
        address=ADDRESS,
    )  # fmt: skip
    admin = make_admin(svc)
    as_admin = moderation_queue.queue(svc, admin)
    assert [i.author_email for i in as_admin.items] == ["rita@readers.test", ""]
    assert as_admin.can_ban_site_wide
    as_mo = moderation_queue.queue(svc, mo)
    assert [i.author_email for i in as_mo.items] == ["", ""]
    assert [i.comment.author_name for i in as_mo.items] == ["Rita Reader", "Gus"]
    assert not as_mo.can_ban_site_wide
    assert as_mo.can_feature == frozenset()
    assert moderation_queue.queue(svc, editor).can_feature == {f.id for f in as_admin.feeds}


def test_reported_lists_reports_since_the_last_decision_hidden_first(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User, sam: User
) -> None:
    post_moderated(svc, editor)
    once = say(svc, clock, rita, "Mildly rude")
    thrice = say(svc, clock, rita, "Very rude")
    readers = [sam] + [make_user(svc, f"r{n}@readers.test", name=f"Reader {n}") for n in (1, 2)]
    clock.advance(5)
    discussion.report_comment(
        svc, sam, once.id, {"reason": "abuse", "note": "<b>rude</b>"}, address=ADDRESS
    )
    for reader in readers:
        clock.advance(5)
        discussion.report_comment(svc, reader, thrice.id, {"reason": "spam"}, address=ADDRESS)
    queue = moderation_queue.queue(svc, mo, tab="reported")
    assert ids(queue) == [thrice.id, once.id]
    assert queue.items[0].comment.state is CommentState.HIDDEN
    assert [r.reason for r in queue.items[0].reports] == ["spam", "spam", "spam"]
    assert [(r.reason, r.note) for r in queue.items[1].reports] == [("abuse", "<b>rude</b>")]
    assert queue.counts[Tab.REPORTED] == 2
    # Approving weighs the reports: they leave the tab, and old ones are not listed again.
    clock.advance(60)
    moderation.approve(svc, mo, once.id)
    assert ids(moderation_queue.queue(svc, mo, tab="reported")) == [thrice.id]
    clock.advance(60)
    discussion.report_comment(svc, readers[1], once.id, {"reason": "other"}, address=ADDRESS)
    again = moderation_queue.queue(svc, mo, tab="reported")
    assert [r.reason for r in again.items[1].reports] == ["other"]


def test_recently_decided_says_who_what_and_offers_the_way_back(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User, sam: User
) -> None:
    kept = say(svc, clock, rita, "Keep me")
    binned = say(svc, clock, sam, "Bin me")
    clock.advance(60)
    moderation.approve(svc, mo, kept.id)
    clock.advance(60)
    moderation.reject(svc, editor, binned.id, RejectReason.OFF_TOPIC)
    queue = moderation_queue.queue(svc, mo, tab="decided")
    assert ids(queue) == [binned.id, kept.id]
    latest, earlier = queue.items
    assert (latest.comment.decided_by, latest.comment.decision_reason) == (
        "Anna Editor",
        "off-topic",
    )
    assert latest.comment.decided_at == clock.now
    assert latest.actions == ("restore",)
    assert earlier.actions == ("hide",)
    assert moderation_queue.queue(svc, mo).items == []
    # A day later they have left the tab.
    clock.advance(25 * 3600)
    assert moderation_queue.queue(svc, mo, tab="decided").items == []


def test_a_reply_shows_the_comment_it_answers(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User, sam: User
) -> None:
    post_moderated(svc, editor)
    parent = say(svc, clock, rita, "Who will sign first?")
    moderation.approve(svc, mo, parent.id)
    clock.advance(60)
    reply = say(svc, clock, sam, "http://a.test http://b.test http://c.test", parent_id=parent.id)
    [item] = moderation_queue.queue(svc, mo).items
    assert item.comment.id == reply.id
    assert item.parent is not None
    assert (item.parent.author_name, item.parent.body) == ("Rita Reader", "Who will sign first?")


def test_the_validator_moves_when_the_queue_does(
    svc: Services, clock: Clock, editor: User, mo: User, rita: User, sam: User
) -> None:
    first = moderation_queue.queue(svc, mo).etag
    assert moderation_queue.queue(svc, mo).etag == first
    comment = say(svc, clock, rita, "New one")
    arrived = moderation_queue.queue(svc, mo).etag
    assert arrived != first
    moderation.approve(svc, editor, comment.id)
    decided = moderation_queue.queue(svc, mo).etag
    assert decided not in (first, arrived)
    clock.advance(60)
    discussion.report_comment(svc, sam, comment.id, {"reason": "spam"}, address=ADDRESS)
    # The pending tab's own items did not change, but the count of reported ones did.
    assert moderation_queue.queue(svc, mo).etag != decided


def test_a_tab_that_does_not_exist_is_refused(svc: Services, editor: User, mo: User) -> None:
    with pytest.raises(Invalid) as refused:
        moderation_queue.queue(svc, mo, tab="everything")
    assert refused.value.errors == {"tab": "must be pending, reported or decided"}
