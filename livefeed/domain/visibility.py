"""Who may read a post, in whichever state it is: the one rule every path that shows a post asks.

A post's words, its history and its short URL are all the post: a page, the API, a listing or
a Read more card that answered by a rule of its own would, sooner or later, show one of them to
someone the others hide it from. So each of them asks :func:`may_read`, and a post it refuses
is answered as one that does not exist (never as forbidden: that would say it is there).
"""

from __future__ import annotations

from dataclasses import dataclass

from livefeed.domain.access import Right
from livefeed.domain.posts import Post, PostState

# The rights that put someone among the feed's writers: only they ever see a post before it
# goes out (a moderator's work is the discussion, not the posts to come).
_WRITERS = frozenset({Right.CONTRIBUTE, Right.PUBLISH})


@dataclass(frozen=True)
class Reader:
    """Someone signed in, as the post's feed knows them: their user id and their rights on it
    (none for a member who is not on its team)."""

    user_id: int
    rights: frozenset[Right]


def may_read(
    state: PostState, *, author_id: int | None, reached_readers: bool, reader: Reader | None
) -> bool:
    """Whether ``reader`` (None: someone not signed in) may read a post in ``state``.

    What is out is everyone's, and a deleted post that readers were told of stays theirs as its
    tombstone, so they learn it went. Before it goes out, a draft is its author's alone, even
    for the editors; a contribution or a scheduled post is its author's and the editors'. A
    post deleted before it ever went out stays with its author and the editors, who dealt
    with it. The author must still be among the feed's writers: someone who left the team
    keeps nothing. ``author_id`` None (an account since deleted, or a question about anyone's
    post but the reader's own) matches no reader.
    """
    if state is PostState.PUBLISHED or (state is PostState.DELETED and reached_readers):
        return True
    if reader is None or not reader.rights & _WRITERS:
        return False
    if author_id is not None and author_id == reader.user_id:
        return True
    return state is not PostState.DRAFT and Right.PUBLISH in reader.rights


def may_read_post(post: Post, reader: Reader | None) -> bool:
    """:func:`may_read` for a post at hand."""
    return may_read(
        post.state, author_id=post.author_id, reached_readers=post.reached_readers, reader=reader
    )
