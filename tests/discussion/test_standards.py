"""The community standards: the site's and a feed's own, who may write them, how their
markdown is made safe, and accepting them, at sign-up or with a first comment.

On SQLite and PostgreSQL, through the use cases that the pages call.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from livefeed.access import audit
from livefeed.discussion import reader_accounts as readers
from livefeed.discussion import standards
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.reader_accounts import MUST_ACCEPT, STANDARDS_FIELD
from livefeed.domain.standards import DEFAULT_STANDARDS
from livefeed.services import Services
from tests.conftest import Clock
from tests.discussion.signed_up_readers import comment, open_discussion, sign_up, stored_comments
from tests.factories import join, make_admin, make_editor, make_feed, make_user

# The community standards


def test_the_site_shows_the_default_standards_until_an_admin_writes_some(svc: Services) -> None:
    shown = standards.site_standards(svc)
    assert shown.text == DEFAULT_STANDARDS
    assert "<strong>Be civil.</strong>" in shown.html
    assert shown.updated_at is None


def test_an_admin_rewrites_the_sites_standards_and_can_bring_the_default_back(
    svc: Services, clock: Clock
) -> None:
    admin = make_admin(svc)

    shown = standards.set_site_standards(svc, admin, "Be *kind*.")

    assert shown.html == "<p>Be <em>kind</em>.</p>\n"
    assert shown.updated_at == clock.now
    assert standards.set_site_standards(svc, admin, "  ").text == DEFAULT_STANDARDS
    actions = [entry.action for entry in audit.entries(svc, admin)]
    assert actions.count("standards.changed") == 2


def test_only_admins_write_the_sites_standards(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    for actor in (None, editor, make_user(svc, "rita@readers.test", name="Rita")):
        with pytest.raises(Forbidden):
            standards.set_site_standards(svc, actor, "Anything goes.")
    assert standards.site_standards(svc).text == DEFAULT_STANDARDS


class Elements(HTMLParser):
    """Every element of a fragment and its attributes, as a browser would build them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<div onclick="alert(1)">hi</div>',
        "[x](http://example.org/ 'a\" onmouseover=\"alert(1)')",
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_the_standards_markdown_is_sanitised(svc: Services, text: str) -> None:
    shown = standards.set_site_standards(svc, make_admin(svc), text)

    elements = Elements(shown.html).found
    assert {tag for tag, _ in elements} <= {"p", "a"}
    for _, attrs in elements:
        assert not [name for name in attrs if name.startswith("on")], shown.html
        assert not str(attrs.get("href", "")).startswith("javascript"), shown.html
    assert shown.text == text


def test_a_javascript_link_in_the_standards_is_refused(svc: Services) -> None:
    with pytest.raises(Invalid) as caught:
        standards.set_site_standards(svc, make_admin(svc), "[x](javascript:alert(1))")
    assert set(caught.value.errors) == {"community_standards"}
    assert standards.site_standards(svc).text == DEFAULT_STANDARDS


def test_a_feed_may_have_its_own_standards_and_go_back_to_the_sites(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    make_feed(svc, editor, slug="election", title="Election night")
    standards.set_site_standards(svc, make_admin(svc), "The site's rules.")

    own = standards.set_feed_standards(svc, editor, "summit", "Summit **rules**.")

    assert (own.own, own.html) == (True, "<p>Summit <strong>rules</strong>.</p>\n")
    assert standards.feed_standards(svc, "summit")[1] == own
    other = standards.feed_standards(svc, "election")[1]
    assert (other.own, other.text) == (False, "The site's rules.")
    back = standards.set_feed_standards(svc, editor, "summit", "")
    assert (back.own, back.text) == (False, "The site's rules.")


def test_only_those_who_run_the_feed_set_its_standards(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    contributor = make_user(svc, "carl@newsroom.test", name="Carl")
    join(svc, contributor, "summit", FeedRole.CONTRIBUTOR)
    reader = make_user(svc, "rita@readers.test", name="Rita")

    for actor in (None, contributor, reader):
        with pytest.raises(Forbidden):
            standards.set_feed_standards(svc, actor, "summit", "Mine now.")
        assert standards.feed_standards_for_form(svc, actor, feed) is None
    assert standards.feed_standards_for_form(svc, editor, feed) == ""
    assert standards.feed_standards_for_form(svc, make_admin(svc), feed) == ""
    assert not standards.feed_standards(svc, "summit")[1].own


def test_a_reader_who_has_not_accepted_is_refused_by_the_comment_check(
    svc: Services, clock: Clock
) -> None:
    reader = make_user(svc, "rita@readers.test", name="Rita")
    with svc.db.write() as conn, pytest.raises(Invalid) as caught:
        standards.check_standards(conn, reader, "", clock.now)
    assert caught.value.errors == {STANDARDS_FIELD: MUST_ACCEPT}
    assert not readers.has_accepted_standards(svc, reader)


def test_accepting_with_a_first_comment_counts_once_and_for_all(
    svc: Services, clock: Clock
) -> None:
    reader = make_user(svc, "rita@readers.test", name="Rita")
    accepted_at = clock.now
    with svc.db.write() as conn:
        standards.check_standards(conn, reader, "on", clock.now)
    clock.advance(3600)
    with svc.db.write() as conn:
        standards.check_standards(conn, reader, "", clock.now)
        standards.check_standards(conn, reader, "on", clock.now)
    assert readers.account(svc, reader).standards_accepted_at == accepted_at


def test_accepting_from_the_standards_page_counts_too(svc: Services, clock: Clock) -> None:
    reader = make_user(svc, "rita@readers.test", name="Rita")
    readers.accept_standards(svc, reader)
    with svc.db.write() as conn:
        standards.check_standards(conn, reader, "", clock.now)
    assert readers.has_accepted_standards(svc, reader)


def test_a_guest_must_accept_with_every_comment(svc: Services, clock: Clock) -> None:
    with svc.db.write() as conn:
        standards.check_standards(conn, None, "on", clock.now)
        with pytest.raises(Invalid):
            standards.check_standards(conn, None, "", clock.now)


# Comments: accepting the standards first


def test_a_first_comment_needs_the_standards_accepted(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    open_discussion(svc, editor)
    reader = make_user(svc, "rita@readers.test", name="Rita")

    for _ in range(8):  # more than the comment limit allows in a minute: none is counted
        with pytest.raises(Invalid) as caught:
            comment(svc, reader, "First!")
        assert caught.value.errors == {STANDARDS_FIELD: MUST_ACCEPT}
    assert stored_comments(svc) == []

    first = comment(svc, reader, "First!", accept_standards="on")
    second = comment(svc, reader, "And a second thought.")

    assert [c["id"] for c in stored_comments(svc)] == [first.id, second.id]
    assert readers.has_accepted_standards(svc, reader)


def test_a_reader_who_accepted_at_sign_up_comments_straight_away(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    open_discussion(svc, editor)
    reader = sign_up(svc).user

    assert comment(svc, reader, "Hello").body == "Hello"
