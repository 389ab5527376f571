"""The desk's media library: who sees and may delete which upload, and what keeps one in use.

Standard library only. An upload's files are shared by every upload of the same bytes and are
named in posts by their address, so "in use" means a post (a deleted one aside) pointing at
those files: as its picture, its video, its card's picture, or a link in its text. A used
upload is never deleted: readers would find a hole where the picture was.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from livefeed.domain.media import Media


@dataclass(frozen=True)
class PostUse:
    """A post that shows an upload, or links to one of its files."""

    post_id: int
    # A post's state (see ``domain/posts.py``): only a published post is shown by name and
    # link, since anyone looking at the library may not see another's draft.
    state: str
    headline: str
    feed_slug: str
    feed_title: str

    @property
    def published(self) -> bool:
        return self.state == "published"


@dataclass(frozen=True)
class Listed:
    """An upload as the library lists it, with the names a page shows beside it."""

    media: Media
    # The uploader's display name; empty once their account is gone.
    uploader: str
    # The feed it was sent for; empty for none.
    feed_title: str


def may_manage(upload: Media, *, user_id: int, is_admin: bool, edits: Collection[int]) -> bool:
    """Who sees an upload in the media library and may delete it: whoever sent it, the editors
    of the feed it was sent for (``edits``: the feeds the person edits), and admins."""
    return (
        is_admin
        or upload.uploaded_by == user_id
        or (upload.feed_id is not None and upload.feed_id in edits)
    )


def in_use_refusal(uses: Collection[PostUse]) -> str:
    """Why an upload in use is not deleted, and what to do instead."""
    count = len(uses)
    posts = "1 post" if count == 1 else f"{count} posts"
    return (
        f"this upload is shown by {posts}: take it out of {'it' if count == 1 else 'them'} "
        "first (edit the post and clear its picture or video), then delete it"
    )
