"""The desk's side of revisions: correcting a post, retracting it, and its history."""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.revisions import RevisionKind
from livefeed.domain.users import User
from livefeed.newsroom import publishing, revisions
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_post
from tests.web.conftest import XSS, Page, field_errors, log_in, squeeze, submit
from tests.web.reader.test_pages import assert_inert


def edit_form(desk: TestClient, post_id: int) -> dict[str, str]:
    values = Page(desk.get(f"/feeds/summit/posts/{post_id}/edit").text).values
    return {name: value for name, value in values.items() if name != "csrf_token"}


def save(desk: TestClient, post_id: int, form: dict[str, str]) -> httpx.Response:
    return submit(desk, f"/feeds/summit/posts/{post_id}/edit", form | {"intent": "save"})


# Correcting


def test_the_edit_form_offers_a_correction_with_its_note(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    html = desk.get(f"/feeds/summit/posts/{post.id}/edit").text
    page = Page(html)

    boxes = [attrs for attrs in page.tags("input") if attrs.get("name") == "correction"]
    assert [box.get("type") for box in boxes] == ["checkbox"]
    assert "correction" not in page.checked
    assert page.values["correction_note"] == ""
    assert "This is a correction" in html


def test_an_editor_corrects_a_post_with_a_note(
    desk: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Minister Smyth resigns")
    form = edit_form(desk, post.id)
    clock.advance(300)

    response = save(
        desk,
        post.id,
        form
        | {
            "headline": "Minister Smith resigns",
            "correction": "on",
            "correction_note": "The minister's name was misspelt.",
        },
    )

    assert response.status_code == 303
    corrected = reading.get_post(svc, "summit", post.id)[1]
    assert corrected.headline == "Minister Smith resigns"
    assert [(c.note, c.headline) for c in corrected.corrections] == [
        ("The minister's name was misspelt.", "Minister Smyth resigns")
    ]
    assert "Corrected" in desk.get("/feeds/summit").text


def test_a_plain_save_is_a_minor_edit(desk: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume")

    assert save(desk, post.id, edit_form(desk, post.id) | {"headline": "Talks go on"}).is_redirect

    edited = reading.get_post(svc, "summit", post.id)[1]
    assert (edited.headline, edited.corrections) == ("Talks go on", ())
    (kept,) = revisions.history(svc, editor, "summit", post.id)[2]
    assert (kept.kind, kept.headline) == (RevisionKind.EDIT, "Talks resume")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"correction": "on", "correction_note": ""}, "say what was corrected"),
        ({"correction_note": "A stray note"}, "mark the edit as a correction"),
    ],
)
def test_a_correction_without_its_note_keeps_what_was_typed(
    desk: TestClient, svc: Services, editor: User, extra: dict[str, str], message: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume")
    form = edit_form(desk, post.id) | {"headline": "Talks collapse"} | extra

    response = save(desk, post.id, form)

    assert response.status_code == 422
    assert message in field_errors(response.text)["correction_note"]
    page = Page(response.text)
    assert page.values["headline"] == "Talks collapse"
    assert page.values["correction_note"] == extra["correction_note"]
    assert ("correction" in page.checked) is ("correction" in extra)
    assert reading.get_post(svc, "summit", post.id)[1].version == 1


# Retracting


def test_an_editor_retracts_a_post_from_its_tools(
    desk: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Bridge closed")
    tools = desk.get("/feeds/summit").text
    assert f'href="/feeds/summit/posts/{post.id}/retract"' in tools

    page = desk.get(f"/feeds/summit/posts/{post.id}/retract")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    form = Page(page.text).values
    clock.advance(60)

    refused = submit(desk, f"/feeds/summit/posts/{post.id}/retract", {"version": form["version"]})
    assert refused.status_code == 422
    assert field_errors(refused.text)["reason"]

    done = submit(
        desk,
        f"/feeds/summit/posts/{post.id}/retract",
        {"version": form["version"], "reason": "The bridge never closed."},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/feeds/summit#post-{post.id}"
    retracted = reading.get_post(svc, "summit", post.id)[1]
    assert retracted.retraction is not None
    assert retracted.retraction.reason == "The bridge never closed."
    feed = squeeze(desk.get("/feeds/summit").text)
    # No more editing, and no second retraction; deleting is still possible.
    assert f'href="/feeds/summit/posts/{post.id}/edit"' not in feed
    assert f'href="/feeds/summit/posts/{post.id}/retract"' not in feed
    assert f'href="/feeds/summit/posts/{post.id}/delete"' in feed
    edit_page = desk.get(f"/feeds/summit/posts/{post.id}/edit").text
    assert "can no longer be edited" in edit_page
    assert 'name="headline"' not in edit_page


def test_a_stale_retraction_says_why_and_keeps_the_reason(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    form = Page(desk.get(f"/feeds/summit/posts/{post.id}/retract").text).values
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "New"}, seen_version=1
    )

    response = submit(
        desk,
        f"/feeds/summit/posts/{post.id}/retract",
        {"version": form["version"], "reason": "Wrong"},
    )

    assert response.status_code == 409
    assert re.search(r'role="alert">[^<]*changed by someone else', response.text)
    assert Page(response.text).values["reason"] == "Wrong"
    assert not reading.get_post(svc, "summit", post.id)[1].is_retracted


def test_retracting_needs_the_form_token_and_the_right(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    url = f"/feeds/summit/posts/{post.id}/retract"

    assert client.get(url).headers["location"].startswith("/login?next=")
    contributor = make_contributor(svc)
    log_in(client, contributor.email)
    assert submit(client, url, {"reason": "Wrong"}).status_code == 403
    log_in(client, editor.email)
    assert client.post(url, data={"reason": "Wrong", "csrf_token": "forged"}).status_code == 403
    assert not reading.get_post(svc, "summit", post.id)[1].is_retracted


# The history


def test_editors_see_the_history_on_the_posts_page(
    desk: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%", body="Counted **early**.")
    clock.advance(60)
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Turnout 54%"},
        seen_version=1, correction=True, correction_note="Digits swapped.",
    )  # fmt: skip
    clock.advance(60)
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Turnout 54%",
        "tags": "turnout"}, seen_version=2,
    )  # fmt: skip

    html = desk.get(f"/feeds/summit/posts/{post.id}").text
    history = squeeze(re.search(r'<section class="history".*?</section>', html, re.S).group(0))

    lines = re.findall(r'<p class="revision-line">(.*?)</p>', history, re.S)
    said = [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in lines]
    assert [line.split(": ", 1)[1] for line in said] == [
        "Anna Editor edited it (not shown to readers)",
        "Anna Editor corrected it — Digits swapped.",
    ]
    assert "18:02 GMT, 25 November 2026" in lines[0]
    assert "<summary>Version 2, as it was before</summary>" in history
    assert "<summary>Version 1, as it was before</summary>" in history
    assert '<p class="earlier-headline">Turnout 45%</p>' in history
    assert "<p>Counted <strong>early</strong>.</p>" in history
    assert f'href="/feeds/summit/posts/{post.id}#history"' in desk.get("/feeds/summit").text


def test_readers_and_contributors_see_no_history(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Turnout 54%"},
        seen_version=1,
    )  # fmt: skip
    url = f"/feeds/summit/posts/{post.id}"

    read = client.get(url)
    assert 'id="history"' not in read.text
    assert "Turnout 45%" not in read.text, "a minor edit's earlier wording stays in the newsroom"
    contributor = make_contributor(svc)
    log_in(client, contributor.email)
    assert 'id="history"' not in client.get(url).text


@pytest.mark.parametrize("payload", XSS)
def test_the_history_shows_what_was_typed_as_text(
    desk: TestClient, svc: Services, editor: User, payload: str
) -> None:
    make_feed(svc, editor)
    post = make_post(
        svc, editor, headline=payload, body=payload, tags="safe", **{"quote.text": payload}
    )
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Clean", "body": "",
        "quote.text": ""}, seen_version=1, correction=True, correction_note=payload,
    )  # fmt: skip

    assert_inert(desk.get(f"/feeds/summit/posts/{post.id}").text, payload)
