"""The quotas, uploads for a feed, and the media library's listing and deleting: real files,
both databases."""

from __future__ import annotations

import io
from typing import Any

import pytest

from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.media import TooLarge, size_text
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import media, media_library, publishing, workflow
from livefeed.newsroom.media import Incoming, Uploaded
from livefeed.services import Services
from livefeed.store import audit as audit_store
from livefeed.store import feeds as feed_store
from livefeed.store import media as media_store
from tests import media_files as files
from tests.factories import (
    make_admin,
    make_contributor,
    make_editor,
    make_feed,
    make_post,
    make_user,
)


def upload(
    svc: Services, actor: User, data: bytes, feed: str | None = "summit", alt: str = "A hall"
) -> Uploaded:
    return media.upload(svc, actor, Incoming("hall.png", io.BytesIO(data), len(data)), alt, feed)


def stored(svc: Services) -> set[str]:
    return files.stored_files(svc.settings.media_path)


def rows(svc: Services) -> int:
    with svc.db.read() as conn:
        return media_store.count_media(conn)


def listed(svc: Services, actor: User, before: int | None = None) -> list[int]:
    return [entry.media.id for entry in media_library.library(svc, actor, before).entries]


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="election", title="Election night")
    return anna


@pytest.fixture
def carl(svc: Services, editor: User) -> User:
    return make_contributor(svc)


@pytest.fixture
def otto(svc: Services, editor: User) -> User:
    """An editor of another feed only."""
    otto = make_user(svc, "otto@newsroom.test", name="Otto Editor")
    make_feed(svc, otto, slug="budget", title="Budget day")
    return otto


# Uploads for a feed ------------------------------------------------------------------------------


def test_an_upload_records_the_feed_it_is_for(svc: Services, editor: User, carl: User) -> None:
    for_summit = upload(svc, carl, files.png(50, 50))
    for_none = upload(svc, carl, files.png(60, 50), feed=None)

    with svc.db.read() as conn:
        summit = feed_store.require_feed(conn, "summit")
        entries = audit_store.recent(conn, limit=10, action="media.uploaded")
    assert for_summit.media.feed_id == summit.id
    assert get(svc, for_summit.media.id) == for_summit.media
    assert for_none.media.feed_id is None
    assert [(entry.subject, entry.feed_slug) for entry in entries] == [
        ("hall.png", None),
        ("hall.png", "summit"),
    ]


def test_only_the_feed_s_team_may_upload_for_it(
    svc: Services, editor: User, carl: User, otto: User
) -> None:
    with pytest.raises(Forbidden):
        upload(svc, otto, files.png(50, 50))  # writes for another feed, not this one
    with pytest.raises(NotFound):
        upload(svc, carl, files.png(50, 50), feed="no-such-feed")
    assert upload(svc, otto, files.png(50, 50), feed="budget").media.feed_id is not None
    assert rows(svc) == 1


# Quotas ------------------------------------------------------------------------------------------


def test_an_upload_past_its_uploader_s_quota_is_refused_and_leaves_nothing(
    svc: Services, editor: User
) -> None:
    first, second = files.png(50, 50), files.png(60, 50)
    svc.settings = svc.settings.replace(media_quota_per_user=len(first) + len(second) - 1)
    upload(svc, editor, first)
    names = stored(svc)

    with pytest.raises(TooLarge) as error:
        upload(svc, editor, second, feed="election")

    assert error.value.status == 413
    message = error.value.errors["file"]
    assert message.startswith(f"your uploads already take {size_text(len(first))} of the ")
    assert f"this file ({size_text(len(second))}) would pass that" in message
    assert rows(svc) == 1
    assert stored(svc) == names


def test_a_feed_s_quota_counts_every_uploader_and_no_other_feed(
    svc: Services, editor: User, carl: User
) -> None:
    picture = files.png(50, 50)
    svc.settings = svc.settings.replace(media_quota_per_feed=2 * len(picture))
    upload(svc, editor, picture)
    upload(svc, editor, files.png(51, 50), feed="election")
    upload(svc, carl, files.png(52, 50), feed=None)
    upload(svc, carl, picture)  # the same bytes again: each upload counts

    with pytest.raises(Invalid) as error:
        upload(svc, carl, files.png(54, 50))

    assert error.value.errors["file"].startswith(
        f"this feed’s uploads already take {size_text(2 * len(picture))} of the "
        f"{size_text(2 * len(picture))} a feed may keep on this site"
    )
    assert rows(svc) == 4


# The library -------------------------------------------------------------------------------------


@pytest.fixture
def shelf(svc: Services, editor: User, carl: User, otto: User) -> dict[str, int]:
    """Anna's upload for the election, Carl's for the summit and for no feed, Otto's."""
    return {
        "anna": upload(svc, editor, files.png(50, 50), feed="election").media.id,
        "carl_summit": upload(svc, carl, files.png(51, 50)).media.id,
        "carl_none": upload(svc, carl, files.png(52, 50), feed=None).media.id,
        "otto": upload(svc, otto, files.png(53, 50), feed="budget").media.id,
    }


def test_each_sees_their_own_uploads_and_those_for_the_feeds_they_edit(
    svc: Services, editor: User, carl: User, otto: User, shelf: dict[str, int]
) -> None:
    admin = make_admin(svc)

    assert listed(svc, editor) == [shelf["carl_summit"], shelf["anna"]]
    assert listed(svc, carl) == [shelf["carl_none"], shelf["carl_summit"]]
    assert listed(svc, otto) == [shelf["otto"]]
    assert listed(svc, admin) == sorted(shelf.values(), reverse=True)
    entry = media_library.library(svc, editor).entries[0]
    assert (entry.upload.uploader, entry.upload.feed_title) == (
        "Carl Contributor",
        "Summit in Geneva: live",
    )
    assert entry.thumbnail is not None
    assert entry.thumbnail.endswith("-51.png")
    assert media_library.library(svc, carl).used == sum(
        m.byte_size for m in (get(svc, shelf["carl_summit"]), get(svc, shelf["carl_none"]))
    )


def test_someone_who_writes_for_no_feed_has_no_library(svc: Services, editor: User) -> None:
    mo = make_user(svc, "mo@newsroom.test", name="Mo")
    with pytest.raises(Forbidden):
        media_library.library(svc, mo)


def test_the_library_pages_from_the_newest(svc: Services, editor: User) -> None:
    uploaded = upload(svc, editor, files.png(50, 50))
    with svc.db.write() as conn:
        for _ in range(media_library.PAGE_SIZE):
            media_store.insert_media(conn, **row_of(uploaded, editor))

    first = media_library.library(svc, editor)
    rest = media_library.library(svc, editor, first.older)

    assert len(first.entries) == media_library.PAGE_SIZE
    assert first.older == first.entries[-1].media.id
    assert [entry.media.id for entry in rest.entries] == [uploaded.media.id]
    assert rest.older is None


def row_of(uploaded: Uploaded, user: User) -> dict[str, Any]:
    record = uploaded.media
    return {
        "digest": record.hash, "fmt": record.format, "width": record.width,
        "height": record.height, "byte_size": record.byte_size, "renditions": record.renditions,
        "alt": record.alt, "uploaded_by": user.id, "feed_id": record.feed_id,
        "duration_ms": None, "now": record.created_at,
    }  # fmt: skip


def get(svc: Services, media_id: int) -> Any:
    return media.get_media(svc, media_id)


# Where an upload is used, and deleting -----------------------------------------------------------


def test_every_post_pointing_at_an_upload_counts_as_a_use_but_a_deleted_one(
    svc: Services, editor: User, carl: User
) -> None:
    picture = upload(svc, carl, files.png(500, 400))
    small = picture.renditions[0].url
    shown = make_post(svc, editor, headline="Shown", **{"image.url": picture.url, "image.alt": "A"})
    linked = make_post(svc, editor, headline="Linked", body=f"[The hall]({small})")
    gone = make_post(svc, editor, headline="Gone", **{"image.url": small, "image.alt": "A"})
    publishing.delete_post(svc, editor, "summit", gone.id)
    draft = workflow.start_post(
        svc, carl, "summit", {"headline": "Carl's draft", "read_more.url": "https://example.org/",
                              "read_more.title": "T", "read_more.image_url": small},
        state=PostState.DRAFT,
    )  # fmt: skip

    (entry,) = media_library.library(svc, carl).entries

    assert [(use.post_id, use.published) for use in entry.uses] == [
        (shown.id, True),
        (linked.id, True),
        (draft.id, False),
    ]
    with pytest.raises(Conflict) as error:
        media_library.delete_upload(svc, carl, picture.media.id)
    assert str(error.value).startswith("this upload is shown by 3 posts: take it out of them")
    assert rows(svc) == 1
    assert len(stored(svc)) == 2


def test_deleting_an_unused_upload_removes_its_row_and_files(
    svc: Services, editor: User, carl: User
) -> None:
    picture = upload(svc, carl, files.png(500, 400))
    assert len(stored(svc)) == 2

    media_library.delete_upload(svc, editor, picture.media.id)

    assert rows(svc) == 0
    assert stored(svc) == set()
    with svc.db.read() as conn:
        (entry,) = audit_store.recent(conn, limit=10, action="media.deleted")
    assert entry.actor_email == editor.email
    with pytest.raises(NotFound):
        media_library.delete_upload(svc, editor, picture.media.id)


def test_files_shared_with_another_upload_stay_until_the_last_goes(
    svc: Services, editor: User, carl: User
) -> None:
    data = files.png(500, 400)
    first, second = upload(svc, carl, data), upload(svc, editor, data, alt="Again")
    names = stored(svc)

    media_library.delete_upload(svc, carl, first.media.id)
    assert stored(svc) == names
    media_library.delete_upload(svc, editor, second.media.id)
    assert stored(svc) == set()


def test_only_those_who_see_an_upload_may_delete_it(
    svc: Services, editor: User, carl: User, otto: User, shelf: dict[str, int]
) -> None:
    for actor, media_id in [
        (otto, shelf["carl_summit"]),
        (carl, shelf["anna"]),
        (editor, shelf["carl_none"]),
    ]:
        with pytest.raises(Forbidden):
            media_library.entry(svc, actor, media_id)
        with pytest.raises(Forbidden):
            media_library.delete_upload(svc, actor, media_id)
    assert rows(svc) == 4
    assert media_library.entry(svc, editor, shelf["carl_summit"]).uses == ()
    media_library.delete_upload(svc, make_admin(svc), shelf["otto"])
    assert rows(svc) == 3
