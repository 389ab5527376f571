"""Verification states as use cases, on SQLite and PostgreSQL: defaults, who may confirm, and a
change of state kept in the post's history, the audit log and the feed's event log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from livefeed.distribution import reading
from livefeed.domain.errors import Conflict, Forbidden, Invalid
from livefeed.domain.events import EventType
from livefeed.domain.posts import PostState
from livefeed.domain.revisions import RevisionKind
from livefeed.domain.users import User
from livefeed.domain.verification import SourceType, Verification
from livefeed.newsroom import publishing, revisions, verification, workflow
from livefeed.services import Services
from livefeed.store import events
from livefeed.store.schema import audit_log
from tests.factories import make_contributor, make_feed, make_post
from tests.newsroom.test_revisions import written


def test_a_new_post_takes_its_feeds_default_unless_its_author_says(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor, default_verification="unverified")

    plain = make_post(svc, editor)
    said = make_post(
        svc, editor, verification="disputed", source_type="social media",
        sourcing="A video shared on Telegram",
    )  # fmt: skip

    assert plain.verification is Verification.UNVERIFIED
    assert (said.verification, said.source_type, said.sourcing) == (
        Verification.DISPUTED, SourceType.SOCIAL_MEDIA, "A video shared on Telegram",
    )  # fmt: skip
    assert reading.get_feed(svc, "summit").default_verification is Verification.UNVERIFIED


def test_a_feed_confirms_by_default(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    assert make_post(svc, editor).verification is Verification.CONFIRMED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"verification": "retracted"}, "verification"),
        ({"verification": "maybe"}, "verification"),
        ({"source_type": "rumour"}, "source_type"),
        ({"sourcing": "x" * 301}, "sourcing"),
        ({"sourcing": "two\nlines"}, "sourcing"),
    ],
)
def test_bad_verification_fields_are_refused_by_name(
    svc: Services, editor: User, fields: dict[str, str], field: str
) -> None:
    make_feed(svc, editor)
    with pytest.raises(Invalid) as caught:
        make_post(svc, editor, **fields)
    assert field in caught.value.errors


def test_a_change_of_state_is_an_event_a_revision_and_an_audit_line(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor, default_verification="unverified")
    post = make_post(svc, editor, headline="Strike on the bridge")
    seq = reading.get_feed(svc, "summit").last_seq

    disputed = verification.set_verification(
        svc, editor, "summit", post.id,
        {"verification": "disputed", "sourcing": "The ministry denies it"},
        seen_version=post.version,
    )  # fmt: skip
    confirmed = verification.set_verification(
        svc, editor, "summit", post.id, {"verification": "confirmed"}
    )

    assert disputed.verification is Verification.DISPUTED
    assert disputed.sourcing == "The ministry denies it"
    # Left out, the sourcing note stays.
    assert (confirmed.verification, confirmed.sourcing) == (
        Verification.CONFIRMED, "The ministry denies it",
    )  # fmt: skip
    with svc.db.read() as conn:
        logged = events.after(conn, post.feed_id, seq, limit=10)
        lines = conn.execute(
            select(audit_log.c.action, audit_log.c.detail).order_by(audit_log.c.id)
        ).all()
    assert [(e.type, e.data["verification"]) for e in logged] == [
        (EventType.POST_UPDATED, "disputed"),
        (EventType.POST_UPDATED, "confirmed"),
    ]
    changes = [json.loads(detail) for action, detail in lines if action == "post.verification"]
    assert [(c["was"], c["now"]) for c in changes] == [
        ("unverified", "disputed"), ("disputed", "confirmed"),
    ]  # fmt: skip
    _, _, kept = revisions.history(svc, editor, "summit", post.id)
    assert [(r.kind, r.verification) for r in kept] == [
        (RevisionKind.VERIFICATION, "disputed"),
        (RevisionKind.VERIFICATION, "unverified"),
    ]


def test_an_edit_sets_the_state_and_keeps_it_when_left_out(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume")

    edited = publishing.edit_post(
        svc, editor, "summit", post.id,
        {**post.as_fields(), "verification": "disputed"}, seen_version=post.version,
    )  # fmt: skip
    fields = {**edited.as_fields()}
    del fields["verification"]
    again = publishing.edit_post(
        svc, editor, "summit", post.id, fields | {"headline": "Talks resumed"},
        seen_version=edited.version,
    )  # fmt: skip

    assert edited.verification is Verification.DISPUTED
    assert again.verification is Verification.DISPUTED
    _, _, kept = revisions.history(svc, editor, "summit", post.id)
    assert [r.kind for r in kept] == [RevisionKind.EDIT, RevisionKind.VERIFICATION]


def test_a_contributor_cannot_confirm_and_nothing_changes(svc: Services, editor: User) -> None:
    make_feed(svc, editor, default_verification="unverified")
    carl = make_contributor(svc)
    published = make_post(svc, editor)
    before = written(svc)

    with pytest.raises(Forbidden, match="only the feed’s editors can mark a post confirmed"):
        verification.set_verification(
            svc, carl, "summit", published.id, {"verification": "confirmed"}
        )
    with pytest.raises(Forbidden, match="confirmed"):
        workflow.start_post(
            svc, carl, "summit", {"headline": "Seen it", "verification": "confirmed"},
            state=PostState.SUBMITTED,
        )  # fmt: skip
    assert written(svc) == before


def test_a_contributors_draft_is_unconfirmed_where_the_feed_would_confirm(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor)  # confirmed by default
    carl = make_contributor(svc)

    draft = workflow.start_post(svc, carl, "summit", {"headline": "Seen it"}, state=PostState.DRAFT)
    disputed = workflow.start_post(
        svc, carl, "summit", {"headline": "Heard it", "verification": "disputed"},
        state=PostState.SUBMITTED,
    )  # fmt: skip
    with pytest.raises(Forbidden, match="confirmed"):
        workflow.update_post(
            svc, carl, "summit", draft.id,
            fields={**draft.as_fields(), "verification": "confirmed"},
        )  # fmt: skip
    published = workflow.update_post(
        svc, editor, "summit", disputed.id,
        fields={**disputed.as_fields(), "verification": "confirmed"},
        state=PostState.PUBLISHED,
    )  # fmt: skip

    assert draft.verification is Verification.UNVERIFIED
    assert disputed.verification is Verification.DISPUTED
    assert published.verification is Verification.CONFIRMED


def test_a_retracted_post_is_retracted_and_its_state_no_longer_changes(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    retracted = publishing.retract_post(svc, editor, "summit", post.id, "It was wrong")

    assert retracted.verification is Verification.RETRACTED
    with pytest.raises(Conflict, match="retracted"):
        verification.set_verification(svc, editor, "summit", post.id, {"verification": "confirmed"})


def test_the_confirmed_only_view_leaves_the_others_out(svc: Services, editor: User) -> None:
    make_feed(svc, editor, default_verification="unverified")
    unconfirmed = make_post(svc, editor, headline="Rumour")
    confirmed = make_post(svc, editor, headline="Fact", verification="confirmed")
    pinned = make_post(svc, editor, headline="Pinned rumour", pinned=True)

    everything = reading.feed_page(svc, "summit")
    only = reading.feed_page(svc, "summit", params={"only": "confirmed"})

    assert [p.id for p in everything.posts] == [confirmed.id, unconfirmed.id]
    assert everything.pinned is not None
    assert everything.pinned.id == pinned.id
    assert [p.id for p in only.posts] == [confirmed.id]
    assert only.pinned is None
    with pytest.raises(Invalid, match="confirmed"):
        reading.feed_page(svc, "summit", params={"only": "disputed"})
