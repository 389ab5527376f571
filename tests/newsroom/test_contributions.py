"""Drafts and contributions on their way through the editors, and who sees them while they are
unpublished, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from livefeed.distribution import reading, short_urls, sitemaps
from livefeed.domain.errors import Forbidden, Invalid, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.domain.workflow import DELETED, DRAFT, PUBLISHED, SCHEDULED, SUBMITTED
from livefeed.newsroom import workflow
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_post, make_user
from tests.newsroom.newsroom_workflow import audit_lines, later, log_of, start, stored

pytestmark = pytest.mark.usefixtures("summit")


# Drafts and contributions ------------------------------------------------------------------------


def test_a_draft_is_its_authors_alone_and_tells_readers_nothing(
    svc: Services, editor: User, carl: User
) -> None:
    before = reading.get_feed(svc, "summit")
    draft = start(svc, carl, DRAFT)

    assert (draft.state, draft.seq, draft.author_id) == (DRAFT, 0, carl.id)
    after = reading.get_feed(svc, "summit")
    assert (after.last_seq, after.updated_at) == (before.last_seq, before.updated_at)
    assert log_of(svc) == []
    assert workflow.visible_post(svc, carl, "summit", draft.id)[1] == draft
    with pytest.raises(NotFound):
        workflow.visible_post(svc, editor, "summit", draft.id)  # not even the editors
    assert workflow.my_posts(svc, carl, "summit")[1] == [draft]
    # Saving drafts is too frequent to audit.
    assert audit_lines(svc) == []


def test_a_contributor_submits_and_the_editors_see_it_waiting(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    draft = start(svc, carl, DRAFT)
    clock.advance(60)
    submitted = workflow.update_post(svc, carl, "summit", draft.id, state=SUBMITTED)

    assert submitted.state is SUBMITTED
    assert submitted.submitted_at == clock.now
    assert workflow.queue(svc, editor, "summit").submitted == [submitted]
    assert workflow.waiting(svc, submitted.feed_id) == 1
    assert log_of(svc) == []
    assert [(a, who) for a, who, _ in audit_lines(svc)] == [("post.submitted", carl.email)]


def test_a_contribution_can_be_submitted_straight_away(
    svc: Services, editor: User, carl: User
) -> None:
    post = start(svc, carl, SUBMITTED)
    assert post.state is SUBMITTED
    assert [p.id for p in workflow.queue(svc, editor, "summit").submitted] == [post.id]


def test_the_queue_is_newest_first(svc: Services, editor: User, carl: User, clock: Clock) -> None:
    first = start(svc, carl, SUBMITTED, headline="First")
    clock.advance(60)
    second = start(svc, carl, SUBMITTED, headline="Second")
    assert [p.id for p in workflow.queue(svc, editor, "summit").submitted] == [second.id, first.id]


def test_an_editor_publishes_a_contribution_as_written(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    editor_post = make_post(svc, editor)
    contribution = start(svc, carl, SUBMITTED)
    clock.advance(120)

    published = workflow.update_post(svc, editor, "summit", contribution.id, state=PUBLISHED)

    assert published.state is PUBLISHED
    assert published.published_at == clock.now
    assert published.seq == editor_post.seq + 1
    assert (published.reviewer_name, published.edited_in_review) == ("Anna Editor", False)
    assert log_of(svc) == [
        (editor_post.seq, EventType.POST_PUBLISHED, editor_post.id),
        (published.seq, EventType.POST_PUBLISHED, published.id),
    ]
    assert [p.id for p in reading.feed_page(svc, "summit").posts] == [published.id, editor_post.id]
    assert reading.get_feed(svc, "summit").updated_at == clock.now
    action, who, detail = audit_lines(svc)[-1]
    assert (action, who, detail["as_written"]) == ("post.published", editor.email, True)
    # Carl can tell what became of it.
    [mine] = workflow.my_posts(svc, carl, "summit")[1]
    assert (mine.state, mine.reviewer_name, mine.edited_in_review) == (
        PUBLISHED,
        "Anna Editor",
        False,
    )


def test_an_editor_edits_a_contribution_then_publishes_it(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    fields = contribution.as_fields() | {"headline": "Three delegations walk out"}

    saved = workflow.update_post(svc, editor, "summit", contribution.id, fields=fields)
    assert (saved.state, saved.headline) == (SUBMITTED, fields["headline"])
    assert saved.edited_in_review is True
    assert log_of(svc) == []  # an edit in the queue tells readers nothing
    published = workflow.update_post(
        svc, editor, "summit", saved.id, state=PUBLISHED, seen_version=saved.version
    )

    assert (published.headline, published.author_name) == (fields["headline"], "Carl Contributor")
    assert published.edited_in_review is True
    assert audit_lines(svc)[-1][2]["as_written"] is False


def test_words_sent_back_unchanged_are_no_edit(svc: Services, editor: User, carl: User) -> None:
    contribution = start(svc, carl, SUBMITTED)
    published = workflow.update_post(
        svc, editor, "summit", contribution.id, fields=contribution.as_fields(), state=PUBLISHED
    )
    assert published.edited_in_review is False


def test_an_editor_returns_a_contribution_with_a_note(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    returned = workflow.update_post(
        svc, editor, "summit", contribution.id, state=DRAFT, note="Who counted the delegations?"
    )

    assert (returned.state, returned.review_note) == (DRAFT, "Who counted the delegations?")
    assert returned.reviewer_name == "Anna Editor"
    assert workflow.queue(svc, editor, "summit").submitted == []
    with pytest.raises(NotFound):  # a draft again: Carl's alone
        workflow.visible_post(svc, editor, "summit", returned.id)
    assert workflow.my_posts(svc, carl, "summit")[1] == [returned]
    assert audit_lines(svc)[-1][:2] == ("post.returned", editor.email)
    # Carl fixes it and submits again: the note has done its work.
    clock.advance(60)
    fixed = workflow.update_post(
        svc, carl, "summit", returned.id,
        fields=returned.as_fields() | {"body": "Three delegations left, by our count."},
        state=SUBMITTED,
    )  # fmt: skip
    assert (fixed.state, fixed.review_note, fixed.reviewer_id) == (SUBMITTED, "", None)
    assert fixed.submitted_at == clock.now


def test_returning_without_a_note_is_refused_and_stores_nothing(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    before = stored(svc)
    with pytest.raises(Invalid) as caught:
        workflow.update_post(svc, editor, "summit", contribution.id, state=DRAFT, note="  ")
    assert set(caught.value.errors) == {"note"}
    assert stored(svc) == before


def test_a_contributor_takes_back_their_contribution(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    back = workflow.update_post(svc, carl, "summit", contribution.id, state=DRAFT)
    assert (back.state, back.review_note) == (DRAFT, "")


def test_a_contributor_edits_their_draft_but_not_once_submitted(
    svc: Services, editor: User, carl: User
) -> None:
    draft = start(svc, carl, DRAFT)
    edited = workflow.update_post(
        svc, carl, "summit", draft.id, fields=draft.as_fields() | {"headline": "New"}
    )
    assert (edited.headline, edited.version, edited.edited_in_review) == ("New", 2, None)
    submitted = workflow.update_post(svc, carl, "summit", draft.id, state=SUBMITTED)
    before = stored(svc)
    with pytest.raises(Forbidden):
        workflow.update_post(
            svc, carl, "summit", submitted.id, fields=submitted.as_fields() | {"headline": "X"}
        )
    assert stored(svc) == before


# Deleting ----------------------------------------------------------------------------------------


def test_a_deleted_draft_never_reaches_readers(svc: Services, editor: User, carl: User) -> None:
    draft = start(svc, carl, DRAFT)
    deleted = workflow.delete_post(svc, carl, "summit", draft.id)
    assert (deleted.state, deleted.seq) == (DELETED, 0)
    assert log_of(svc) == []
    with pytest.raises(NotFound):
        reading.get_post(svc, "summit", draft.id)  # no tombstone for what was never out
    assert reading.changes_since(svc, "summit", 0, limit=10)[1] == []


def test_an_editor_deletes_a_contribution_and_its_author_sees_it(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    workflow.delete_post(svc, editor, "summit", contribution.id)
    [mine] = workflow.my_posts(svc, carl, "summit")[1]
    assert (mine.state, mine.reviewer_name) == (DELETED, "Anna Editor")
    assert log_of(svc) == []
    assert audit_lines(svc)[-1][0] == "post.deleted"


def test_a_published_post_is_deleted_as_before(svc: Services, editor: User) -> None:
    post = make_post(svc, editor)
    workflow.delete_post(svc, editor, "summit", post.id)
    assert [kind for _, kind, _ in log_of(svc)] == [
        EventType.POST_PUBLISHED,
        EventType.POST_DELETED,
    ]


# Who lists what ----------------------------------------------------------------------------------


def test_who_lists_what(svc: Services, editor: User, carl: User, clock: Clock) -> None:
    carls_draft = start(svc, carl, DRAFT)
    annas_draft = start(svc, editor, DRAFT)
    contribution = start(svc, carl, SUBMITTED)
    scheduled = start(svc, editor, SCHEDULED, publish_at=later(clock))

    def listed(who: User, state: PostState) -> list[int]:
        return [p.id for p in workflow.list_in_state(svc, who, "summit", state, limit=50)[1]]

    assert listed(carl, DRAFT) == [carls_draft.id]
    assert listed(editor, DRAFT) == [annas_draft.id]
    assert listed(carl, SUBMITTED) == [contribution.id]
    assert listed(editor, SUBMITTED) == [contribution.id]
    assert listed(carl, SCHEDULED) == []
    assert listed(editor, SCHEDULED) == [scheduled.id]
    outsider = make_user(svc, "olga@newsroom.test", name="Olga")
    with pytest.raises(Forbidden):
        workflow.list_in_state(svc, outsider, "summit", SUBMITTED, limit=50)
    with pytest.raises(Forbidden):
        workflow.queue(svc, carl, "summit")
    with pytest.raises(Forbidden):
        workflow.my_posts(svc, outsider, "summit")


# Nothing unpublished on any reader's path ---------------------------------------------------------


def test_nothing_unpublished_reaches_any_read_path(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    """Every way readers, scripts and robots read posts shows the one published post only."""
    tagged = {"tags": "secret", "key_event": True}
    out = make_post(svc, editor, headline="Out", tags="secret", key_event=True)
    hidden = [
        start(svc, carl, DRAFT, **tagged),
        start(svc, carl, SUBMITTED, **tagged),
        start(svc, editor, SCHEDULED, pinned=True, publish_at=later(clock), **tagged),
    ]
    gone = start(svc, carl, DRAFT, **tagged)
    workflow.delete_post(svc, carl, "summit", gone.id)
    hidden_ids = {p.id for p in [*hidden, gone]}
    feed = reading.get_feed(svc, "summit")

    def ids(found: list[Post]) -> set[int]:
        return {p.id for p in found}

    page = reading.feed_page(svc, "summit")
    assert ids(page.posts) == {out.id}
    assert page.pinned is None
    assert ids(page.key_events) == {out.id}
    assert ids(reading.list_posts(svc, "summit", limit=50, cursor=None)[1]) == {out.id}
    assert ids(reading.changes_since(svc, "summit", 0, limit=50)[1]) == {out.id}
    logged = reading.events_after(svc, feed.id, 0)[1]
    assert {event.post_id for event, _ in logged} == {out.id}
    assert ids([p for p, _ in reading.tag_page(svc, "secret").posts]) == {out.id}
    assert ids([p for p, _ in reading.tag_newest(svc, "secret", limit=50)[1].posts]) == {out.id}
    assert ids([p for p, _ in reading.live_newest(svc, limit=50).posts]) == {out.id}
    for key_events in (False, True):
        found = reading.feed_newest(svc, "summit", key_events=key_events, limit=50)[2]
        assert ids(found) == {out.id}
    assert ids(reading.embed(svc, "summit").posts) == {out.id}
    assert ids(reading.embed(svc, "summit", tag="secret").posts) == {out.id}
    assert sitemaps.sitemap_size(svc) == 2  # the feed and the one post
    links = [link.url for batch in sitemaps.sitemap_links(svc, "posts") for link in batch]
    assert links == [svc.urls.post("summit", out.id)]
    assert [item.url for item in sitemaps.recent_news(svc)] == [svc.urls.post("summit", out.id)]
    for post_id in hidden_ids:
        with pytest.raises(NotFound):
            reading.post_page(svc, "summit", post_id)
        with pytest.raises(NotFound):
            reading.get_post(svc, "summit", post_id)
        with pytest.raises(NotFound):
            workflow.visible_post(svc, None, "summit", post_id)
    for post in hidden:
        with pytest.raises(NotFound):
            short_urls.resolve(svc, post.short_code)
