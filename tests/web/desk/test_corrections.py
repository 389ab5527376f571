"""Corrections and retractions as readers meet them: the pages, the live events, the feeds
their apps follow, and the structured data search engines read."""

from __future__ import annotations

import json
import re
from typing import Any

import feedparser
import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.posts import Post
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.web.conftest import XSS, Page, squeeze
from tests.web.reader.test_pages import assert_inert


def correct(svc: Services, editor: User, post: Post, note: str, **changes: Any) -> Post:
    current = reading.get_post(svc, "summit", post.id)[1]
    return publishing.edit_post(
        svc, editor, "summit", post.id, current.as_fields() | changes,
        seen_version=current.version, correction=True, correction_note=note,
    )  # fmt: skip


def article(html: str, post_id: int) -> str:
    found = re.search(rf'<article[^>]* id="post-{post_id}".*?</article>', html, re.S)
    assert found, f"post {post_id} is not on the page"
    return found.group(0)


def test_a_reader_sees_the_correction_and_can_read_the_earlier_wording(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Minister Smyth resigns", body="Smyth has **gone**.")
    clock.advance(300)
    correct(
        svc, editor, post, "The minister's name was misspelt.",
        headline="Minister Smith resigns", body="Smith has **gone**.",
    )  # fmt: skip

    for url in ("/feeds/summit", f"/feeds/summit/posts/{post.id}"):
        shown = squeeze(article(client.get(url).text, post.id))
        assert "Minister Smith resigns" in shown
        assert (
            '<p><strong>Corrected</strong><time datetime="2026-11-25T18:05:00Z">18:05 GMT</time>'
            " — The minister&#39;s name was misspelt.</p>"
        ) in shown
        details = re.search(r"<details>.*?</details>", shown, re.S)
        assert details, url
        assert "<summary>Earlier wording</summary>" in details.group(0)
        assert '<p class="earlier-headline">Minister Smyth resigns</p>' in details.group(0)
        assert "<p>Smyth has <strong>gone</strong>.</p>" in details.group(0)


def test_each_correction_shows_with_its_own_earlier_wording(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    clock.advance(60)
    correct(svc, editor, post, "Digits swapped.", headline="Turnout 54%")
    clock.advance(60)
    correct(svc, editor, post, "More precise figure.", headline="Turnout 54.2%")

    shown = article(client.get("/feeds/summit").text, post.id)
    page = Page(shown)

    assert shown.count('class="post-correction"') == 2
    assert [a.get("datetime") for a in page.tags("time")][1:] == [
        "2026-11-25T18:01:00Z",
        "2026-11-25T18:02:00Z",
    ]
    assert re.findall(r'<p class="earlier-headline">([^<]*)</p>', shown) == [
        "Turnout 45%",
        "Turnout 54%",
    ]


def test_a_minor_edit_is_not_shown_to_readers(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume")
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Talks resume at noon"},
        seen_version=1,
    )  # fmt: skip

    shown = article(client.get("/feeds/summit").text, post.id)

    assert "Talks resume at noon" in shown
    assert "Corrected" not in shown
    assert "Talks resume<" not in shown
    assert "Earlier wording" not in shown


@pytest.mark.parametrize("payload", XSS)
def test_the_earlier_wording_and_the_note_stay_text(
    client: TestClient, svc: Services, editor: User, payload: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline=payload, body=payload)
    correct(svc, editor, post, payload, headline="Cleaned up", body="Cleaned up.")
    retracted = make_post(svc, editor, headline="Wrong")
    publishing.retract_post(svc, editor, "summit", retracted.id, payload)

    for url in ("/feeds/summit", f"/feeds/summit/posts/{post.id}"):
        html = client.get(url).text
        assert_inert(html, payload)
        shown = article(html, post.id)
        assert f"— {escape(payload)}</p>" in shown, "the note is shown as typed"
        assert f'<p class="earlier-headline">{escape(payload)}</p>' in shown
    assert f"— {escape(payload)}</p>" in article(client.get("/feeds/summit").text, retracted.id)


def test_a_retracted_post_stays_in_place_struck_through_with_its_reason(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    older = make_post(svc, editor, headline="Storm eases")
    post = make_post(svc, editor, headline="Bridge closed")
    newer = make_post(svc, editor, headline="Traffic moving")
    clock.advance(1200)
    publishing.retract_post(svc, editor, "summit", post.id, "The bridge never closed.")

    html = client.get("/feeds/summit").text
    shown = squeeze(article(html, post.id))

    assert re.findall(r'id="post-(\d+)"', html)[:3] == [str(newer.id), str(post.id), str(older.id)]
    assert 'class="post is-retracted"' in shown
    assert "Bridge closed" in shown
    assert (
        '<p class="post-retraction"><strong>Retracted</strong>'
        '<time datetime="2026-11-25T18:20:00Z">18:20 GMT</time> — The bridge never closed.</p>'
    ) in shown
    assert "Retracted" in article(client.get(f"/feeds/summit/posts/{post.id}").text, post.id)


def test_the_post_json_carries_corrections_and_the_retraction(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    clock.advance(60)
    correct(svc, editor, post, "Digits swapped.", headline="Turnout 54%")
    clock.advance(60)
    publishing.retract_post(svc, editor, "summit", post.id, "The count was stopped.")

    data = client.get(f"/api/v1/feeds/summit/posts/{post.id}").json()

    assert data["corrections"] == [{"at": "2026-11-25T18:01:00Z", "note": "Digits swapped."}]
    assert (data["retracted"], data["retraction_reason"], data["retracted_at"]) == (
        True,
        "The count was stopped.",
        "2026-11-25T18:02:00Z",
    )
    untouched = client.get(f"/api/v1/feeds/summit/posts/{make_post(svc, editor).id}").json()
    assert (untouched["corrections"], untouched["retracted"]) == ([], False)
    assert untouched["retraction_reason"] is None


def test_open_pages_are_sent_the_corrected_and_the_retracted_post(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    seen = reading.get_feed(svc, "summit").last_seq

    correct(svc, editor, post, "Digits swapped.", headline="Turnout 54%")
    (corrected,) = client.get(f"/feeds/summit/updates?since={seen}").json()["events"]
    publishing.retract_post(svc, editor, "summit", post.id, "The count was stopped.")
    (retracted,) = client.get(f"/feeds/summit/updates?since={seen + 1}").json()["events"]

    assert [corrected["type"], retracted["type"]] == ["post.updated", "post.updated"]
    assert corrected["data"]["headline"] == "Turnout 54%"
    assert "— Digits swapped.</p>" in corrected["html"]
    assert '<p class="earlier-headline">Turnout 45%</p>' in corrected["html"]
    assert "retracted" not in corrected["post"]
    assert retracted["post"]["retracted"] is True
    assert "— The count was stopped.</p>" in retracted["html"]
    assert retracted["data"]["id"] == post.id


def test_feed_readers_get_an_updated_entry_with_the_notes(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    other = make_post(svc, editor, headline="Bridge closed")
    before = client.get("/feeds/summit/feed.atom")
    clock.advance(60)
    correct(svc, editor, post, "Digits <swapped>.", headline="Turnout 54%")
    publishing.retract_post(svc, editor, "summit", other.id, "It never closed.")

    after = client.get("/feeds/summit/feed.atom", headers={"If-None-Match": before.headers["etag"]})

    assert after.status_code == 200
    document = feedparser.parse(after.content)
    assert not document.bozo
    entries = {entry.link: entry for entry in document.entries}
    corrected = entries[f"http://livefeed.test/feeds/summit/posts/{post.id}"]
    assert corrected.updated == "2026-11-25T18:01:00+00:00"
    assert "<p><em>Corrected 18:01 GMT — Digits &lt;swapped&gt;.</em></p>" in (
        corrected.content[0].value
    )
    retracted = entries[f"http://livefeed.test/feeds/summit/posts/{other.id}"]
    assert retracted.title == "Retracted: Bridge closed"
    assert "<strong>Retracted 18:01 GMT</strong> — It never closed." in (retracted.content[0].value)


def test_search_engines_read_the_correction_and_the_retraction(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Turnout 45%")
    correct(svc, editor, post, "Digits swapped.", headline="Turnout 54%")
    other = make_post(svc, editor, headline="Bridge closed")
    publishing.retract_post(svc, editor, "summit", other.id, "It never closed.")

    block = re.search(
        r'<script type="application/ld\+json">([^<]*)</script>', client.get("/feeds/summit").text
    )
    assert block
    updates = {u["url"].rsplit("-", 1)[1]: u for u in json.loads(block.group(1))["liveBlogUpdate"]}

    assert updates[str(post.id)]["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Digits swapped.",
            "datePublished": "2026-11-25T18:00:00Z",
        }
    ]
    assert updates[str(other.id)]["creativeWorkStatus"] == "Retracted"
    assert "correction" not in updates[str(other.id)]
