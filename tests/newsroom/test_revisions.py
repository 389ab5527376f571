"""Revisions, corrections and retractions as use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from livefeed.distribution import reading
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.posts import PostState
from livefeed.domain.revisions import RevisionKind
from livefeed.domain.users import User
from livefeed.newsroom import publishing, revisions, workflow
from livefeed.services import Services
from livefeed.store import audit as audit_store
from livefeed.store import events
from livefeed.store.schema import audit_log, post_revisions
from livefeed.store.schema import events as events_table
from livefeed.store.schema import posts as posts_table
from tests.conftest import Clock
from tests.factories import (
    make_admin,
    make_contributor,
    make_feed,
    make_moderator,
    make_post,
    make_user,
)


def written(svc: Services) -> tuple[Any, ...]:
    """Everything an edit or a retraction writes: posts, revisions, events, audit lines."""
    with svc.db.read() as conn:
        counts = tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (post_revisions, events_table, audit_log)
        )
        rows = conn.execute(select(posts_table).order_by(posts_table.c.id)).all()
    return counts, [tuple(row) for row in rows]


def edit(svc: Services, who: User, post_id: int, seen: int | None, **changes: Any) -> Any:
    current = reading.get_post(svc, "summit", post_id)[1]
    note = changes.pop("correction_note", None)
    return publishing.edit_post(
        svc,
        who,
        "summit",
        post_id,
        current.as_fields() | changes,
        seen_version=seen,
        correction=note is not None,
        correction_note=note,
    )


def last_audit(svc: Services) -> audit_store.AuditEntry:
    with svc.db.read() as conn:
        return audit_store.recent(conn, limit=1)[0]


# Revisions


def test_every_edit_keeps_the_post_as_it_was(svc: Services, editor: User, clock: Clock) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume", body="Delegates are **back**.")
    first_edit = clock.advance(60)
    edit(svc, editor, post.id, 1, headline="Talks resume at noon")
    second_edit = clock.advance(60)
    edit(svc, editor, post.id, 2, body="Delegates are back; the chair is not.", tags="talks")

    _, now, kept = revisions.history(svc, editor, "summit", post.id)

    assert now.version == 3
    assert [(r.version, r.kind, r.note) for r in kept] == [
        (2, RevisionKind.EDIT, ""),
        (1, RevisionKind.EDIT, ""),
    ]
    latest, oldest = kept
    assert (oldest.headline, oldest.fields["body"]) == ("Talks resume", "Delegates are **back**.")
    assert oldest.body_html == "<p>Delegates are <strong>back</strong>.</p>\n"
    assert (latest.headline, latest.fields["body"]) == (
        "Talks resume at noon",
        "Delegates are **back**.",
    )
    assert latest.fields["tags"] == []
    assert (oldest.at, latest.at) == (first_edit, second_edit)
    assert {(r.editor_id, r.editor_name) for r in kept} == {(editor.id, "Anna Editor")}
    # A minor edit is not shown to readers.
    assert now.corrections == ()
    assert last_audit(svc).action == "post.edited"


def test_a_post_never_edited_has_no_revisions(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    assert revisions.history(svc, editor, "summit", post.id)[2] == []


# Corrections


def test_a_correction_is_public_with_its_note_and_the_wording_it_replaced(
    svc: Services, editor: User, clock: Clock
) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor, headline="Minister Smyth resigns", body="Smyth has **gone**.")
    corrected_at = clock.advance(300)

    corrected = edit(
        svc,
        editor,
        post.id,
        1,
        headline="Minister Smith resigns",
        body="Smith has **gone**.",
        correction_note="  The minister's name was misspelt. ",
    )

    (correction,) = corrected.corrections
    assert (correction.at, correction.note) == (corrected_at, "The minister's name was misspelt.")
    assert correction.headline == "Minister Smyth resigns"
    assert correction.body_html == "<p>Smyth has <strong>gone</strong>.</p>\n"
    assert reading.get_post(svc, "summit", post.id)[1].corrections == (correction,)
    (kept,) = revisions.history(svc, editor, "summit", post.id)[2]
    assert (kept.kind, kept.note, kept.version) == (
        RevisionKind.CORRECTION,
        "The minister's name was misspelt.",
        1,
    )
    with svc.db.read() as conn:
        logged = events.after(conn, feed.id, 1)
    assert [e.type for e in logged] == [EventType.POST_UPDATED]
    assert logged[0].data["corrections"] == [
        {"at": "2026-11-25T18:05:00Z", "note": "The minister's name was misspelt."}
    ]
    line = last_audit(svc)
    assert (line.action, line.post_id, line.detail) == (
        "post.corrected",
        post.id,
        {"note": "The minister's name was misspelt.", "version": 2},
    )


def test_corrections_add_up_and_minor_edits_between_them_stay_quiet(
    svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    clock.advance(60)
    edit(svc, editor, post.id, 1, headline="Turnout 54%", correction_note="Digits swapped.")
    clock.advance(60)
    edit(svc, editor, post.id, 2, tags="turnout")
    clock.advance(60)
    final = edit(svc, editor, post.id, 3, headline="Turnout 54.2%", correction_note="Precise.")

    assert [(c.note, c.headline) for c in final.corrections] == [
        ("Digits swapped.", "Turnout 45%"),
        ("Precise.", "Turnout 54%"),
    ]
    kinds = [r.kind for r in revisions.history(svc, editor, "summit", post.id)[2]]
    assert kinds == [RevisionKind.CORRECTION, RevisionKind.EDIT, RevisionKind.CORRECTION]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"correction_note": ""}, "correction_note"),
        ({"correction_note": "n" * 501, "headline": "New"}, "correction_note"),
        ({"correction_note": "Only the tags", "tags": "new"}, "correction_note"),
        ({"correction_note": "Fixed", "headline": "Price \u202e$5"}, "headline"),
    ],
)
def test_a_bad_correction_writes_nothing(
    svc: Services, editor: User, changes: dict[str, Any], field: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = written(svc)

    with pytest.raises(Invalid) as caught:
        edit(svc, editor, post.id, 1, **changes)

    assert field in caught.value.errors
    assert written(svc) == before


def test_a_bad_field_and_a_missing_note_are_reported_together(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    with pytest.raises(Invalid) as caught:
        edit(svc, editor, post.id, 1, headline="Price \u202e$5", correction_note="")
    assert set(caught.value.errors) == {"headline", "correction_note"}


# Conflicts


@pytest.mark.parametrize("note", [None, "A correction"])
def test_a_stale_version_is_refused_with_nothing_written_and_no_revision(
    svc: Services, editor: User, note: str | None
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    edit(svc, editor, post.id, 1, headline="Theirs")
    before = written(svc)

    with pytest.raises(Conflict) as caught:
        edit(svc, editor, post.id, 1, headline="Mine", correction_note=note)

    assert caught.value.field == "version"
    assert written(svc) == before
    assert len(revisions.history(svc, editor, "summit", post.id)[2]) == 1


# Retraction


def test_a_retracted_post_stays_in_place_and_says_why(
    svc: Services, editor: User, clock: Clock
) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor, headline="Bridge closed", key_event=True, pinned=True)
    newer = make_post(svc, editor, headline="Traffic moving")
    retracted_at = clock.advance(600)

    retracted = publishing.retract_post(
        svc, editor, "summit", post.id, " The bridge never closed. ", seen_version=1
    )

    assert retracted.is_published
    assert retracted.is_retracted
    assert retracted.retraction is not None
    assert (retracted.retraction.at, retracted.retraction.reason) == (
        retracted_at,
        "The bridge never closed.",
    )
    assert (retracted.version, retracted.pinned, retracted.key_event) == (2, False, False)
    assert retracted.headline == "Bridge closed", "the words stay as they were"
    page = reading.feed_page(svc, "summit")
    assert [p.id for p in page.posts] == [newer.id, post.id]
    assert page.pinned is None
    assert page.key_events == []
    with svc.db.read() as conn:
        (event,) = events.after(conn, feed.id, 2)
    assert event.type is EventType.POST_UPDATED
    assert (event.data["retracted"], event.data["retraction_reason"]) == (
        True,
        "The bridge never closed.",
    )
    (kept,) = revisions.history(svc, editor, "summit", post.id)[2]
    assert (kept.kind, kept.note, kept.version) == (
        RevisionKind.RETRACTION,
        "The bridge never closed.",
        1,
    )
    line = last_audit(svc)
    assert (line.action, line.detail) == (
        "post.retracted",
        {"reason": "The bridge never closed.", "version": 2},
    )


def test_a_retracted_post_can_no_longer_be_edited_nor_retracted_again(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.retract_post(svc, editor, "summit", post.id, "Wrong")
    before = written(svc)

    with pytest.raises(Conflict, match="retracted"):
        edit(svc, editor, post.id, 2, headline="Quietly fixed")
    with pytest.raises(Conflict, match="retracted"):
        edit(svc, editor, post.id, 2, headline="Fixed", correction_note="Fixed")
    with pytest.raises(Conflict, match="already"):
        publishing.retract_post(svc, editor, "summit", post.id, "Again")

    assert written(svc) == before
    # It can still be deleted, if it must go altogether.
    publishing.delete_post(svc, editor, "summit", post.id, seen_version=2)


@pytest.mark.parametrize("reason", [None, "", "   ", "r" * 501, "two\nlines"])
def test_a_retraction_needs_a_reason(svc: Services, editor: User, reason: object) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = written(svc)
    with pytest.raises(Invalid) as caught:
        publishing.retract_post(svc, editor, "summit", post.id, reason)
    assert list(caught.value.errors) == ["reason"]
    assert written(svc) == before


def test_a_stale_or_unauthorised_retraction_writes_nothing(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    edit(svc, editor, post.id, 1, headline="Theirs")
    contributor = make_contributor(svc)
    before = written(svc)

    with pytest.raises(Conflict) as caught:
        publishing.retract_post(svc, editor, "summit", post.id, "Wrong", seen_version=1)
    assert caught.value.field == "version"
    with pytest.raises(Forbidden):
        publishing.retract_post(svc, contributor, "summit", post.id, "Wrong")
    with pytest.raises(Forbidden):
        publishing.retract_post(svc, None, "summit", post.id, "Wrong")
    with pytest.raises(NotFound):
        publishing.retract_post(svc, editor, "summit", 999, "Wrong")
    assert written(svc) == before


# Who may read the history


def test_the_feeds_team_and_admins_read_the_history(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    edit(svc, editor, post.id, 1, headline="New")
    team = [make_contributor(svc), make_moderator(svc), make_admin(svc), editor]

    for member in team:
        assert len(revisions.history(svc, member, "summit", post.id)[2]) == 1


def test_outsiders_do_not_read_the_history(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    post = make_post(svc, editor)
    stranger = make_user(svc, "sam@newsroom.test", name="Sam")

    with pytest.raises(Forbidden):
        revisions.history(svc, None, "summit", post.id)
    with pytest.raises(Forbidden):
        revisions.history(svc, stranger, "summit", post.id)
    with pytest.raises(NotFound):
        revisions.history(svc, editor, "storm", post.id)
    with pytest.raises(NotFound):
        revisions.history(svc, editor, "nowhere", post.id)


def test_the_history_of_a_post_not_out_is_as_missing_as_the_post(
    svc: Services, editor: User, clock: Clock
) -> None:
    """A contributor, a moderator or someone off the team learns nothing of a post they may not
    read by asking for its history; its author and the editors read it as before."""
    make_feed(svc, editor)
    dora = make_contributor(svc, email="dora@newsroom.test")
    soon = workflow.When((clock.now + timedelta(hours=1)).isoformat())
    words = {"headline": "Embargoed", "body": "Not yet."}
    draft = workflow.start_post(svc, editor, "summit", words, state=PostState.DRAFT)
    submitted = workflow.start_post(svc, dora, "summit", words, state=PostState.SUBMITTED)
    scheduled = workflow.start_post(
        svc, editor, "summit", words, state=PostState.SCHEDULED, publish_at=soon
    )

    for who in (make_contributor(svc), make_moderator(svc), make_user(svc, "s@x.test"), None):
        for post in (draft, submitted, scheduled):
            with pytest.raises(NotFound):
                revisions.history(svc, who, "summit", post.id)
            with pytest.raises(NotFound):
                workflow.visible_post(svc, who, "summit", post.id)
    assert revisions.history(svc, editor, "summit", draft.id)[1] == draft
    assert revisions.history(svc, dora, "summit", submitted.id)[1] == submitted
    assert revisions.history(svc, editor, "summit", submitted.id)[1] == submitted
    with pytest.raises(NotFound):
        revisions.history(svc, make_admin(svc), "summit", draft.id)  # a draft is its author's


def test_new_words_for_a_post_not_out_yet_are_kept_too(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    draft = workflow.start_post(
        svc, editor, "summit", {"headline": "First try", "body": "Rough."}, state=PostState.DRAFT
    )

    workflow.update_post(
        svc, editor, "summit", draft.id, fields=draft.as_fields() | {"headline": "Second try"},
        seen_version=draft.version,
    )  # fmt: skip

    (kept,) = revisions.history(svc, editor, "summit", draft.id)[2]
    assert (kept.kind, kept.version, kept.headline) == (
        RevisionKind.EDIT,
        draft.version,
        "First try",
    )
    assert workflow.visible_post(svc, editor, "summit", draft.id)[1].headline == "Second try"
