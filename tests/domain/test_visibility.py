"""Who may read a post in each state, without a database: the rule every read path asks."""

from __future__ import annotations

import pytest

from livefeed.domain.access import ROLE_RIGHTS, FeedRole, Right
from livefeed.domain.posts import PostState
from livefeed.domain.visibility import Reader, may_read

AUTHOR_ID, OTHER_ID = 7, 8
DRAFT, SUBMITTED, SCHEDULED = PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED
PUBLISHED, DELETED = PostState.PUBLISHED, PostState.DELETED


def reader(role: FeedRole | None, *, author: bool, admin: bool = False) -> Reader:
    rights = frozenset(Right) if admin else ROLE_RIGHTS[role] if role else frozenset()
    return Reader(AUTHOR_ID if author else OTHER_ID, rights)


AUTHOR = reader(FeedRole.CONTRIBUTOR, author=True)
OTHER_CONTRIBUTOR = reader(FeedRole.CONTRIBUTOR, author=False)
EDITOR = reader(FeedRole.EDITOR, author=False)
EDITOR_AUTHOR = reader(FeedRole.EDITOR, author=True)
ADMIN = reader(None, author=False, admin=True)
MODERATOR = reader(FeedRole.MODERATOR, author=False)
# A moderator's rights and the post's byline do not make its author one of the writers.
MODERATOR_AUTHOR = reader(FeedRole.MODERATOR, author=True)
# The author who has since left the team keeps no access to what they wrote.
FORMER_AUTHOR = reader(None, author=True)
OUTSIDER = reader(None, author=False)

# Who reads a post in each state that never reached readers; the rest read nothing of it.
NOT_OUT: dict[PostState, set[str]] = {
    DRAFT: {"author", "editor (author)"},  # a draft is its author's alone, even for the editors
    SUBMITTED: {"author", "editor", "editor (author)", "admin"},
    SCHEDULED: {"author", "editor", "editor (author)", "admin"},
    DELETED: {"author", "editor", "editor (author)", "admin"},  # the team that dealt with it
}
EVERYONE: dict[str, Reader | None] = {
    "author": AUTHOR,
    "other contributor": OTHER_CONTRIBUTOR,
    "editor": EDITOR,
    "editor (author)": EDITOR_AUTHOR,
    "admin": ADMIN,
    "moderator": MODERATOR,
    "moderator (author)": MODERATOR_AUTHOR,
    "former author": FORMER_AUTHOR,
    "outsider": OUTSIDER,
    "anonymous": None,
}


def read(state: PostState, who: Reader | None, *, out: bool = False) -> bool:
    return may_read(state, author_id=AUTHOR_ID, reached_readers=out, reader=who)


@pytest.mark.parametrize("state", list(NOT_OUT))
@pytest.mark.parametrize("name", list(EVERYONE))
def test_who_reads_a_post_not_out(state: PostState, name: str) -> None:
    assert read(state, EVERYONE[name]) is (name in NOT_OUT[state])


@pytest.mark.parametrize("name", list(EVERYONE))
def test_a_published_post_and_a_tombstone_are_everyones(name: str) -> None:
    assert read(PUBLISHED, EVERYONE[name], out=True)
    assert read(DELETED, EVERYONE[name], out=True)  # its tombstone tells readers it went


def test_a_post_without_an_author_is_nobodys_own() -> None:
    """An account since deleted leaves its posts to the editors, as for anyone else's."""
    for state in (DRAFT, SUBMITTED):
        assert not may_read(state, author_id=None, reached_readers=False, reader=AUTHOR)
    assert not may_read(DRAFT, author_id=None, reached_readers=False, reader=EDITOR)
    assert may_read(SUBMITTED, author_id=None, reached_readers=False, reader=EDITOR)


def test_a_token_narrowed_to_the_contributor_role_reads_as_a_contributor() -> None:
    narrowed = Reader(AUTHOR_ID, ROLE_RIGHTS[FeedRole.EDITOR] & ROLE_RIGHTS[FeedRole.CONTRIBUTOR])
    assert read(DRAFT, narrowed)
    other = Reader(OTHER_ID, narrowed.rights)
    assert not read(SUBMITTED, other)
    assert not read(SCHEDULED, other)
