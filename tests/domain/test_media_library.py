"""The quotas, who manages which upload, and how sizes and lengths read: plain values only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.media import (
    GIGABYTE,
    MEGABYTE,
    Media,
    MediaFormat,
    TooLarge,
    check_quota,
    length_text,
    size_text,
)
from livefeed.domain.media_library import PostUse, in_use_refusal, may_manage
from livefeed.domain.videos import video_of

QUOTAS = {"per_user": 2 * GIGABYTE, "per_feed": 10 * GIGABYTE}


def upload(uploaded_by: int | None = 7, feed_id: int | None = 3) -> Media:
    return Media(
        id=1, hash="ab" * 32, format=MediaFormat.PNG, width=40, height=30, byte_size=1000,
        renditions=(40,), alt="A hall", uploaded_by=uploaded_by,
        created_at=datetime(2026, 12, 6, tzinfo=UTC), feed_id=feed_id, duration_ms=None,
    )  # fmt: skip


# The quotas -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mine", "feeds", "size"),
    [
        (0, 0, 200 * MEGABYTE),
        (2 * GIGABYTE - 200 * MEGABYTE, 0, 200 * MEGABYTE),  # exactly full is allowed
        (0, 10 * GIGABYTE - 1, 1),
        (2 * GIGABYTE, None, 0),
    ],
)
def test_an_upload_that_fits_both_quotas_is_taken(mine: int, feeds: int | None, size: int) -> None:
    check_quota(size, used_by_uploader=mine, used_by_feed=feeds, **QUOTAS)


def test_passing_ones_own_quota_says_how_much_is_used_and_allowed() -> None:
    with pytest.raises(TooLarge) as error:
        check_quota(150 * MEGABYTE, used_by_uploader=int(1.9 * GIGABYTE), used_by_feed=0, **QUOTAS)

    assert error.value.status == 413
    assert error.value.errors == {
        "file": "your uploads already take 1.9 GB of the 2 GB each person may keep on this "
        "site, and this file (150 MB) would pass that: delete uploads no post uses in the "
        "media library, or ask an administrator"
    }


def test_passing_the_feed_s_quota_is_refused_even_with_room_of_ones_own() -> None:
    with pytest.raises(TooLarge) as error:
        check_quota(MEGABYTE, used_by_uploader=0, used_by_feed=10 * GIGABYTE - 512 * 1024, **QUOTAS)

    assert error.value.errors["file"].startswith(
        "this feed’s uploads already take 10 GB of the 10 GB a feed may keep on this site, "
        "and this file (1 MB) would pass that"
    )


def test_an_upload_for_no_feed_counts_against_its_uploader_only() -> None:
    check_quota(MEGABYTE, used_by_uploader=0, used_by_feed=None, per_user=GIGABYTE, per_feed=1)
    with pytest.raises(Invalid):
        check_quota(MEGABYTE, used_by_uploader=0, used_by_feed=0, per_user=GIGABYTE, per_feed=1)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1000, "1,000 bytes"),
        (8192, "8 KB"),
        (20 * MEGABYTE, "20 MB"),
        (200 * MEGABYTE, "200 MB"),
        (int(117.74 * MEGABYTE), "117.7 MB"),
        (1000 * MEGABYTE, "1000 MB"),
        (2 * GIGABYTE, "2 GB"),
        (int(1.95 * GIGABYTE), "1.95 GB"),
    ],
)
def test_sizes_read_as_people_say_them(count: int, text: str) -> None:
    assert size_text(count) == text


@pytest.mark.parametrize(
    ("milliseconds", "text"),
    [
        (None, ""),
        (0, ""),
        (300, "0:01"),
        (1_000, "0:01"),
        (65_400, "1:05"),
        (3_723_000, "1:02:03"),
    ],
)
def test_a_video_s_length_reads_as_players_show_it(milliseconds: int | None, text: str) -> None:
    assert length_text(milliseconds) == text


def test_an_uploaded_video_carries_its_length_and_an_address_elsewhere_none() -> None:
    ours = video_of(f"https://live.example.org/media/{'ab' * 32}.mp4", 65_400)
    youtube = video_of("https://youtu.be/dQw4w9WgXcQ")
    assert ours is not None
    assert youtube is not None
    assert (ours.length, youtube.length) == ("1:05", "")


# Who manages which upload -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_id", "is_admin", "edits", "allowed"),
    [
        (7, False, frozenset(), True),  # whoever sent it
        (8, False, frozenset({3}), True),  # an editor of its feed
        (8, False, frozenset({4}), False),  # an editor of another feed
        (8, False, frozenset(), False),
        (8, True, frozenset(), True),  # an admin
    ],
)
def test_an_upload_is_managed_by_its_uploader_its_feed_s_editors_and_admins(
    user_id: int, is_admin: bool, edits: frozenset[int], allowed: bool
) -> None:
    assert may_manage(upload(), user_id=user_id, is_admin=is_admin, edits=edits) is allowed


def test_an_upload_for_no_feed_is_left_to_its_uploader_and_admins() -> None:
    for orphan in (upload(feed_id=None), upload(uploaded_by=None, feed_id=None)):
        assert not may_manage(orphan, user_id=8, is_admin=False, edits=frozenset({3, 4}))
        assert may_manage(orphan, user_id=8, is_admin=True, edits=frozenset())
    # Once its uploader's account is gone, the feed's editors still look after it.
    assert may_manage(upload(uploaded_by=None), user_id=8, is_admin=False, edits={3})


def test_an_upload_in_use_is_not_deleted_and_the_refusal_says_what_to_do() -> None:
    use = PostUse(5, "published", "Talks resume", "summit", "Summit")
    draft = PostUse(6, "draft", "Secret plans", "summit", "Summit")

    assert use.published
    assert not draft.published
    assert in_use_refusal([use]) == (
        "this upload is shown by 1 post: take it out of it first (edit the post and clear its "
        "picture or video), then delete it"
    )
    assert in_use_refusal([use, draft]).startswith(
        "this upload is shown by 2 posts: take it out of them first"
    )
