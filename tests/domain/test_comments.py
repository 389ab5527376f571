"""The rules of comments, without a database: text, names, links, states, holding for review."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from livefeed.domain import holding
from livefeed.domain.comment_text import (
    BODY_LENGTH,
    clean_body,
    clean_guest_name,
    links_in,
    render_text,
)
from livefeed.domain.comments import (
    REASON_LABELS,
    Comment,
    CommentState,
    Discussion,
    Moderation,
    Reason,
    already_decided,
    check_can_comment,
    check_reply,
    initial_state,
    parse_comment_input,
    parse_discussion,
    parse_moderation,
    parse_parent_id,
    parse_reason,
    parse_report,
)
from livefeed.domain.errors import Conflict, Forbidden, Invalid
from livefeed.domain.holding import HoldContext, Recent, hold_reasons

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)

XSS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "javascript:alert(1)",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>alert(1)</script>",
    "https://x.test/'><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


def comment(**overrides: object) -> Comment:
    base = Comment(
        id=1,
        feed_id=1,
        parent_id=None,
        author_id=7,
        author_name="Rita",
        guest=False,
        body="Hello",
        state=CommentState.APPROVED,
        hold_reason="",
        reports=0,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


class Elements(HTMLParser):
    """The tags and attributes a browser would build from a fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


# The text of a comment -------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "\n\n ", None])
def test_an_empty_comment_is_refused(body: object) -> None:
    with pytest.raises(Invalid) as refused:
        clean_body(body)
    assert refused.value.errors == {"body": "write something first: the comment is empty"}


def test_a_comment_is_trimmed_and_may_be_2000_characters_but_not_2001() -> None:
    assert clean_body("  " + "a" * BODY_LENGTH + "\n ") == "a" * BODY_LENGTH
    with pytest.raises(Invalid) as refused:
        clean_body("a" * (BODY_LENGTH + 1))
    assert refused.value.errors["body"] == "must be at most 2,000 characters (it has 2,001)"


@pytest.mark.parametrize("character", ["\x00", "\x07", "\t", "\x1b", "\x7f", "\x85", "\u2028"])
def test_control_characters_are_refused_naming_where(character: str) -> None:
    with pytest.raises(Invalid) as refused:
        clean_body(f"Look{character}here")
    assert refused.value.errors["body"] == (
        f"must not contain control characters (found U+{ord(character):04X} at character 5)"
    )


def test_line_breaks_are_kept_and_made_plain_newlines() -> None:
    assert clean_body("One\r\ntwo\rthree\n\nfour") == "One\ntwo\nthree\n\nfour"


def test_the_comment_form_reports_every_bad_field_at_once() -> None:
    with pytest.raises(Invalid) as refused:
        parse_comment_input({"body": "", "parent_id": "x"})
    assert set(refused.value.errors) == {"body", "parent_id"}
    assert parse_comment_input({"body": " Hi ", "parent_id": "12"}).parent_id == 12
    assert parse_comment_input({"body": "Hi", "parent_id": 12}).parent_id == 12
    assert parse_comment_input({"body": "Hi"}).parent_id is None


@pytest.mark.parametrize("value", [0, -1, True, 2**31, "1e3", "١٢", 1.5, [1]])
def test_a_parent_that_is_not_a_comment_id_is_refused(value: object) -> None:
    with pytest.raises(Invalid) as refused:
        parse_parent_id(value)
    assert set(refused.value.errors) == {"parent_id"}


# Guests' names ---------------------------------------------------------------------------------


def test_a_guest_name_is_one_line_of_2_to_60_characters() -> None:
    assert clean_guest_name("  Rita   from  Leeds ") == "Rita from Leeds"
    for bad, message in [
        ("", "give the name to show with your comment"),
        ("R", "must be at least 2 characters"),
        ("R" * 61, "must be at most 60 characters (it has 61)"),
        ("Rita\nAdmin", "must be one line"),
        ("Rita\x00", "must not contain control characters (found U+0000 at character 5)"),
        ("Anna\u202eEditor", "must not contain invisible or text-reordering characters"),
        ("An\u200bna", "must not contain invisible or text-reordering characters"),
    ]:
        with pytest.raises(Invalid) as refused:
            clean_guest_name(bad)
        assert refused.value.errors == {"name": message}, bad


# Rendering: text stays text, addresses become links --------------------------------------------


@pytest.mark.parametrize("payload", XSS)
def test_nothing_typed_becomes_markup(payload: str) -> None:
    html = render_text(payload)
    parsed = Elements(html)
    # The only element a comment can make is a link to an http(s) address, with our own rel.
    for tag, attrs in parsed.found:
        assert tag in ("a", "br"), html
        if tag == "a":
            assert set(attrs) == {"rel", "href"}, html
            assert attrs["rel"] == "nofollow ugc noopener"
            assert (attrs["href"] or "").startswith(("http://", "https://")), html
    # And what a reader sees is exactly what was typed.
    assert parsed.text == payload


def test_addresses_become_links_and_sentence_punctuation_stays_outside() -> None:
    html = render_text("See https://example.org/a?b=1&c=2. And (http://x.test/wiki/A_(b)), ok")
    assert html == (
        'See <a rel="nofollow ugc noopener" href="https://example.org/a?b=1&amp;c=2">'
        "https://example.org/a?b=1&amp;c=2</a>. And ("
        '<a rel="nofollow ugc noopener" href="http://x.test/wiki/A_(b)">'
        "http://x.test/wiki/A_(b)</a>), ok"
    )


def test_only_http_and_https_with_a_host_are_linked() -> None:
    for text in ["ftp://x.test/", "javascript:alert(1)", "https://", "http://[::1", "www.x.test"]:
        assert "<a" not in render_text(text), text
    assert links_in("a https://a.test b HTTP://B.TEST/x c") == ["https://a.test", "HTTP://B.TEST/x"]


def test_line_breaks_are_shown() -> None:
    assert render_text("one\ntwo") == "one<br>\ntwo"


# Settings, who may comment, replies ------------------------------------------------------------


def test_discussion_and_moderation_settings_default_and_refuse_others() -> None:
    assert parse_discussion(None) is Discussion.MEMBERS
    assert parse_discussion(" Guests ") is Discussion.GUESTS
    assert parse_moderation("") is Moderation.PRE
    assert parse_moderation("post") is Moderation.POST
    with pytest.raises(Invalid) as refused:
        parse_discussion("everyone")
    assert refused.value.errors == {"discussion": "must be one of closed, members or guests"}
    with pytest.raises(Invalid) as refused:
        parse_moderation("none")
    assert refused.value.errors == {"moderation": "must be one of pre or post"}


def test_who_may_comment() -> None:
    check_can_comment(Discussion.MEMBERS, signed_in=True)
    check_can_comment(Discussion.GUESTS, signed_in=False)
    with pytest.raises(Forbidden, match="closed"):
        check_can_comment(Discussion.CLOSED, signed_in=True)
    with pytest.raises(Forbidden, match="sign in to comment"):
        check_can_comment(Discussion.MEMBERS, signed_in=False)


def test_a_reply_to_a_reply_or_to_what_is_not_shown_is_refused() -> None:
    parent = comment(id=5)
    assert check_reply(parent, 1, 5) is parent
    with pytest.raises(Invalid) as refused:
        check_reply(comment(id=6, parent_id=5), 1, 6)
    assert refused.value.errors["parent_id"].startswith("you can reply to a comment but not")
    for unseen in [None, comment(feed_id=2), comment(state=CommentState.PENDING)]:
        with pytest.raises(Invalid) as refused:
            check_reply(unseen, 1, 5)
        assert refused.value.errors == {"parent_id": "there is no comment 5 in this discussion"}


def test_where_a_new_comment_starts() -> None:
    approved, pending = CommentState.APPROVED, CommentState.PENDING
    assert initial_state(Moderation.POST, guest=False, held=[]) == (approved, "")
    assert initial_state(Moderation.PRE, guest=False, held=[]) == (pending, "")
    assert initial_state(Moderation.POST, guest=True, held=[]) == (pending, "a guest's comment")
    assert initial_state(Moderation.POST, guest=False, held=["3 links"]) == (pending, "3 links")


def test_a_comment_is_open_to_a_decision_until_a_moderator_makes_one() -> None:
    assert comment(state=CommentState.PENDING).is_open
    assert comment(state=CommentState.HIDDEN).is_open
    assert comment(state=CommentState.APPROVED).is_open  # shown by post-moderation
    assert not comment(state=CommentState.APPROVED, decided_at=NOW).is_open
    assert not comment(state=CommentState.REJECTED, decided_at=NOW).is_open
    assert not comment(state=CommentState.REMOVED).is_open
    decided = comment(state=CommentState.REJECTED, decided_by="Mo")
    assert isinstance(already_decided(decided), Conflict)
    assert str(already_decided(decided)) == "this comment was already rejected by Mo"


def test_who_sees_a_comment() -> None:
    pending = comment(state=CommentState.PENDING, author_id=7)
    assert pending.visible_to(7)
    assert not pending.visible_to(8)
    assert not pending.visible_to(None)
    assert pending.visible_to(8, moderator=True)
    assert comment().visible_to(None)


def test_reports_and_rejections_take_a_reason_from_the_one_list() -> None:
    assert parse_report("Spam", "  bought followers ") == (Reason.SPAM, "bought followers")
    with pytest.raises(Invalid) as refused:
        parse_report("boring", "x" * 501)
    assert set(refused.value.errors) == {"reason", "note"}
    assert parse_report("personal-data", "")[0] is parse_reason("personal-data")
    with pytest.raises(Invalid) as rude:
        parse_reason("rude")
    assert rude.value.errors == {
        "reason": "must be one of spam, abuse, harassment, off-topic, misinformation, "
        "personal-data or other"
    }
    assert list(REASON_LABELS) == list(Reason)


# What the database holds from when reports and rejections had lists of their own.
STORED_REPORTS = ("spam", "abuse", "harassment", "misinformation", "other")
STORED_REJECTIONS = ("spam", "abuse", "off-topic", "misinformation", "personal-data", "other")


@pytest.mark.parametrize("stored", sorted({*STORED_REPORTS, *STORED_REJECTIONS}))
def test_every_reason_already_stored_is_still_on_the_list(stored: str) -> None:
    assert parse_reason(stored).value == stored
    assert REASON_LABELS[Reason(stored)]


# Holding for review ----------------------------------------------------------------------------


def context(body: str, *recent: tuple[str, float], words: tuple[str, ...] = ()) -> HoldContext:
    """``recent`` as (text, seconds ago)."""
    earlier = [Recent(text, NOW - timedelta(seconds=ago)) for text, ago in recent]
    return HoldContext(body, earlier, NOW, words)


def test_a_plain_comment_is_not_held() -> None:
    assert hold_reasons(context("Good point.", ("Earlier words", 600))) == []


def test_a_duplicate_of_a_recent_comment_is_held_whatever_its_case_and_spacing() -> None:
    assert hold_reasons(context("Buy  NOW", ("buy now", 3600))) == [
        "the same text as one of the author's recent comments"
    ]
    assert hold_reasons(context("Buy now", ("buy now", 2 * 86_400))) == []


def test_more_than_two_links_are_held() -> None:
    two = "https://a.test https://b.test"
    assert hold_reasons(context(two)) == []
    assert hold_reasons(context(two + " http://c.test")) == ["3 links (more than 2)"]


def test_a_burst_of_comments_is_held() -> None:
    assert hold_reasons(context("four", ("one", 100), ("two", 50))) == []
    assert hold_reasons(context("four", ("one", 100), ("two", 50), ("three", 10))) == [
        "4 comments from the author within 2 minutes"
    ]
    assert hold_reasons(context("four", ("one", 300), ("two", 200), ("three", 10))) == []


def test_blocked_words_hold_a_comment_as_whole_words() -> None:
    assert hold_reasons(context("What a SCAM!", words=("scam",))) == [
        "contains the blocked word “scam”"
    ]
    assert hold_reasons(context("Scampi for dinner", words=("scam",))) == []
    assert hold_reasons(context("anything", words=("", " "))) == []


def test_every_reason_is_given() -> None:
    reasons = hold_reasons(
        context(
            "x https://a.test https://b.test https://c.test",
            ("x https://a.test https://b.test https://c.test", 5),
        )
    )
    assert reasons == [
        "the same text as one of the author's recent comments",
        "3 links (more than 2)",
    ]
    assert holding.HOLD_RULES[-1] is holding.blocked_word
