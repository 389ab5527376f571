"""The compose form's markup that compose.js and charcount.js build on, and where they load.

The script finds the form by ``data-compose`` (the key of the copy kept on the device: user,
feed, post or "new"), sends it with the button marked ``data-primary``, and counts characters
against ``maxlength`` (one-line fields, which the browser also enforces) or ``data-maxlength``
(text the browser must not cut short on a paste: the server refuses it and keeps it instead).
The limits must be the ones the server applies.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.domain import posts
from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_feed, make_post
from tests.web.conftest import (
    COMPOSE_SCRIPT,
    KEPT_FORMS_SCRIPT,
    Page,
    script_tag,
    submit,
    without_our_script,
)

CHARCOUNT_SCRIPT = script_tag("charcount.js")

LIMITS = {
    "headline": ("maxlength", posts.HEADLINE_LENGTH),
    "body": ("data-maxlength", posts.BODY_LENGTH),
    "quote.text": ("data-maxlength", posts.QUOTE_LENGTH),
    "quote.attribution": ("maxlength", posts.NAME_LENGTH),
    "image.alt": ("maxlength", posts.CAPTION_LENGTH),
    "image.caption": ("maxlength", posts.CAPTION_LENGTH),
    "image.credit": ("maxlength", posts.NAME_LENGTH),
    "read_more.title": ("maxlength", posts.HEADLINE_LENGTH),
    "read_more.summary": ("data-maxlength", posts.SUMMARY_LENGTH),
}


def form_of(html: str) -> dict[str, str]:
    forms = [attrs for attrs in Page(html).tags("form") if "data-compose" in attrs]
    assert len(forms) == 1, "the page should hold exactly one compose form"
    return forms[0]


def fields_by_name(html: str) -> dict[str, dict[str, str]]:
    page = Page(html)
    return {
        attrs["name"]: attrs
        for attrs in page.tags("input") + page.tags("textarea")
        if attrs.get("name")
    }


def primary_buttons(html: str) -> list[dict[str, str]]:
    return [attrs for attrs in Page(html).tags("button") if "data-primary" in attrs]


def assert_limits(html: str) -> None:
    fields = fields_by_name(html)
    for name, (attribute, limit) in LIMITS.items():
        assert fields[name].get(attribute) == str(limit), f"{name} should carry {attribute}"
    # A multi-line field is never cut short by the browser.
    for name, (attribute, _) in LIMITS.items():
        if attribute == "data-maxlength":
            assert "maxlength" not in fields[name], name


def test_the_new_post_form_carries_its_key_its_main_button_and_its_limits(
    desk: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)

    html = desk.get("/feeds/summit").text

    assert form_of(html)["data-compose"] == f"{editor.id}/{feed.id}/new"
    [publish] = primary_buttons(html)
    assert (publish["type"], publish["name"], publish["value"]) == ("submit", "intent", "publish")
    assert_limits(html)


def test_the_edit_form_carries_the_posts_key_and_the_version_it_was_based_on(
    desk: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)

    html = desk.get(f"/feeds/summit/posts/{post.id}/edit").text

    assert form_of(html)["data-compose"] == f"{editor.id}/{feed.id}/{post.id}"
    [save] = primary_buttons(html)
    assert (save["type"], save["name"], save["value"]) == ("submit", "intent", "save")
    assert fields_by_name(html)["version"] == {
        "type": "hidden",
        "name": "version",
        "value": str(post.version),
    }
    assert_limits(html)


def test_a_form_sent_back_still_carries_what_the_script_needs(
    desk: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)

    response = submit(desk, "/feeds/summit/posts", {"intent": "publish"})

    assert response.status_code == 422
    assert form_of(response.text)["data-compose"] == f"{editor.id}/{feed.id}/new"
    assert len(primary_buttons(response.text)) == 1
    # The script tells a form sent back by its error message, and keeps its copy.
    assert 'class="form-error"' in response.text


@pytest.mark.parametrize("script", ["compose.js", "charcount.js"])
def test_the_scripts_are_served(client: TestClient, script: str) -> None:
    response = client.get(f"/static/{script}")

    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "form[data-compose]" in response.text


def test_the_counts_come_with_the_compose_form(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    for path in ("/feeds/summit", f"/feeds/summit/posts/{post.id}/edit"):
        assert desk.get(path).text.count(CHARCOUNT_SCRIPT) == 1, path
    assert CHARCOUNT_SCRIPT not in desk.get("/desk").text


def test_both_scripts_count_as_our_own_in_page_checks(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)

    html = desk.get("/feeds/summit").text

    assert COMPOSE_SCRIPT in html
    assert KEPT_FORMS_SCRIPT in html
    assert CHARCOUNT_SCRIPT in html
    cleaned = without_our_script(html)
    assert "compose.js" not in cleaned
    assert "kept-forms.js" not in cleaned
    assert "charcount.js" not in cleaned


@pytest.mark.parametrize("path", ["/desk", "/feeds/summit", "/feeds/summit/posts/{post}/edit"])
def test_every_page_a_signed_in_user_sees_loads_the_script_once(
    desk: TestClient, svc: Services, editor: User, path: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    html = desk.get(path.format(post=post.id)).text

    assert html.count(COMPOSE_SCRIPT) == 1
    # What it keeps of a form comes just before it.
    assert html.count(KEPT_FORMS_SCRIPT + "\n" + COMPOSE_SCRIPT) == 1


def test_readers_do_not_get_the_script(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    for path in ("/", "/feeds/summit", f"/feeds/summit/posts/{post.id}"):
        page = client.get(path).text
        assert "compose.js" not in page, path
        assert "kept-forms.js" not in page, path
