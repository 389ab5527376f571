"""The site's blocked word list, on SQLite and PostgreSQL: who keeps it, and which comments it
sends to review (whole words, any case, any script)."""

from __future__ import annotations

import pytest

from livefeed.access import audit
from livefeed.discussion import blocked_words as word_list
from livefeed.discussion import comments as discussion
from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_admin, make_editor, make_feed, make_moderator, make_user

ADDRESS = "198.51.100.7"
WORDS = "Idiot\nStraße\n\nдурак\n  rotten   egg  \nidiot\n"


@pytest.fixture
def ada(svc: Services) -> User:
    return make_admin(svc)


@pytest.fixture
def rita(svc: Services, ada: User) -> User:
    """A reader, on a post-moderated feed whose comments show at once unless held."""
    make_feed(svc, ada)
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, ada, "summit", feed.as_input() | {"moderation": "post"})
    return make_user(svc, "rita@readers.test", name="Rita Reader")


def say(svc: Services, clock: Clock, who: User, body: str) -> Comment:
    clock.advance(180)
    return discussion.post_comment(
        svc, who, "summit", {"body": body, "accept_standards": "on"}, address=ADDRESS
    )


def test_the_list_is_kept_in_the_form_it_is_matched(svc: Services, ada: User) -> None:
    assert word_list.set_blocked_words(svc, ada, WORDS) == [
        "idiot",
        "rotten egg",
        "strasse",
        "дурак",
    ]
    assert word_list.blocked_words(svc, ada) == ["idiot", "rotten egg", "strasse", "дурак"]


@pytest.mark.parametrize(
    "body",
    [
        "What an IDIOT!",
        "idiot",
        "Idiot, said he",
        "(idiot)",
        "ｉｄｉｏｔ",  # full-width letters are the same word
        "Die STRASSE ist gesperrt",
        "Straße",
        "Ты дурак.",
        "ДУРАК",
        "a Rotten  Egg",
    ],
)
def test_a_comment_with_a_blocked_word_waits_for_a_moderator(
    svc: Services, clock: Clock, ada: User, rita: User, body: str
) -> None:
    word_list.set_blocked_words(svc, ada, WORDS)
    comment = say(svc, clock, rita, body)
    assert comment.state is CommentState.PENDING
    assert "blocked word" in comment.hold_reason


@pytest.mark.parametrize(
    "body",
    ["Idiotic plan", "idiots", "Straßen", "дураки", "rotten eggs", "Nothing rude at all"],
)
def test_only_whole_words_are_matched(
    svc: Services, clock: Clock, ada: User, rita: User, body: str
) -> None:
    word_list.set_blocked_words(svc, ada, WORDS)
    comment = say(svc, clock, rita, body)
    assert comment.state is CommentState.APPROVED
    assert comment.hold_reason == ""


def test_the_reason_names_the_word(svc: Services, clock: Clock, ada: User, rita: User) -> None:
    word_list.set_blocked_words(svc, ada, "idiot")
    comment = say(svc, clock, rita, "You idiot")
    assert comment.hold_reason == "contains the blocked word “idiot”"
    word_list.set_blocked_words(svc, ada, "")
    assert say(svc, clock, rita, "You idiot, again").state is CommentState.APPROVED


def test_only_admins_keep_the_list(svc: Services, ada: User) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna, slug="storm", title="Storm")
    mo = make_moderator(svc, "storm")
    for who in (anna, mo, None):
        with pytest.raises(Forbidden):
            word_list.set_blocked_words(svc, who, "idiot")
        with pytest.raises(Forbidden):
            word_list.blocked_words(svc, who)
    assert word_list.blocked_words(svc, ada) == []


def test_changes_are_in_the_audit_log(svc: Services, ada: User) -> None:
    word_list.set_blocked_words(svc, ada, "idiot\nfool")
    word_list.set_blocked_words(svc, ada, "fool\nclown")
    word_list.set_blocked_words(svc, ada, "clown\nfool")
    lines = [e for e in audit.entries(svc, ada) if e.action == "blocked_words.changed"]
    assert [(e.detail["added"], e.detail["removed"]) for e in lines] == [
        (["clown"], ["idiot"]),
        (["fool", "idiot"], []),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ok\nbad\x07word", "line 2 holds a control character"),
        ("x" * 101, "line 1 is longer than 100 characters: one word a line"),
        ("\n".join(f"w{n}" for n in range(1001)), "at most 1,000 words (there are 1,001)"),
    ],
)
def test_a_bad_list_is_refused_whole(svc: Services, ada: User, text: str, message: str) -> None:
    word_list.set_blocked_words(svc, ada, "idiot")
    with pytest.raises(Invalid) as refused:
        word_list.set_blocked_words(svc, ada, text)
    assert refused.value.errors == {"words": message}
    assert word_list.blocked_words(svc, ada) == ["idiot"]
