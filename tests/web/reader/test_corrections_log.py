"""The corrections log: its page, its Atom document, the feed page's link to it, the JSON-LD
corrections and the site's policies, and the verification state in the feeds for apps."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import feedparser
import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.newsroom import publishing, verification
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_feed, make_post
from tests.web.reader.test_seo import json_ld

LOG = "/feeds/summit/corrections"


def corrected_story(svc: Services, editor: User, clock: Clock) -> dict[str, int]:
    """A correction, a retraction and a change of state, a minute apart, plus a minor edit."""
    make_feed(svc, editor, default_verification="unverified")
    wrong = make_post(svc, editor, headline="Ten ministers arrive", body="They came by train.")
    gone = make_post(svc, editor, headline="Talks collapse")
    claim = make_post(svc, editor, headline="Ceasefire agreed")
    minor = make_post(svc, editor, headline="Lunch is served")
    clock.advance(60)
    publishing.edit_post(
        svc, editor, "summit", wrong.id,
        {**wrong.as_fields(), "headline": "Twelve ministers arrive", "body": "They came by air."},
        seen_version=wrong.version, correction=True, correction_note="There were twelve.",
    )  # fmt: skip
    clock.advance(60)
    publishing.retract_post(svc, editor, "summit", gone.id, "The talks go on.")
    clock.advance(60)
    verification.set_verification(
        svc, editor, "summit", claim.id,
        {"verification": "confirmed", "sourcing": "Both delegations confirm"},
    )  # fmt: skip
    publishing.edit_post(
        svc, editor, "summit", minor.id, {**minor.as_fields(), "headline": "Lunch is late"},
        seen_version=minor.version,
    )  # fmt: skip
    return {"wrong": wrong.id, "gone": gone.id, "claim": claim.id, "minor": minor.id}


def entries(html: str) -> list[tuple[str, int, str]]:
    found = re.findall(
        r'<li class="correction-entry" data-kind="([a-z]+)" data-post-id="(\d+)">(.*?)</li>',
        html,
        re.S,
    )
    return [(kind, int(post_id), body) for kind, post_id, body in found]


def test_the_log_lists_corrections_retractions_and_changes_of_state_newest_first(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    ids = corrected_story(svc, editor, clock)

    response = client.get(LOG)

    assert response.status_code == 200
    listed = entries(response.text)
    assert [(kind, post_id) for kind, post_id, _ in listed] == [
        ("verification", ids["claim"]),
        ("retraction", ids["gone"]),
        ("correction", ids["wrong"]),
    ]
    verified, retracted, corrected = (body for _, _, body in listed)
    assert "Now confirmed: Ceasefire agreed" in verified
    assert "Unconfirmed → Confirmed" in unescape(verified)
    assert "Both delegations confirm" in verified
    assert "Retracted: Talks collapse" in retracted
    assert "The talks go on." in retracted
    assert "There were twelve." in corrected
    # The word diff: only the words that changed are marked.
    assert "<del>Ten</del><ins>Twelve</ins> ministers arrive" in corrected
    assert "They came by <del>train.</del><ins>air.</ins>" in corrected
    assert "Lunch" not in response.text  # a minor edit is the newsroom's own


def test_the_feed_page_links_the_log_with_its_count_only_when_there_is_one(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    assert "corrections-link" not in client.get("/feeds/summit").text
    assert entries(client.get(LOG).text) == []

    corrected_story_more(svc, editor)

    link = re.search(
        r'<a class="corrections-link" href="([^"]+)">([^<]+)</a>', client.get("/feeds/summit").text
    )
    assert link is not None
    assert link.groups() == (LOG, "3 corrections")


def corrected_story_more(svc: Services, editor: User) -> dict[str, int]:
    first = make_post(svc, editor, headline="Ten ministers")
    second = make_post(svc, editor, headline="Two ministers")
    publishing.edit_post(
        svc, editor, "summit", first.id, {**first.as_fields(), "headline": "Twelve ministers"},
        seen_version=first.version, correction=True, correction_note="Twelve.",
    )  # fmt: skip
    publishing.retract_post(svc, editor, "summit", second.id, "Wrong feed.")
    verification.set_verification(svc, editor, "summit", first.id, {"verification": "disputed"})
    return {"first": first.id, "second": second.id}


def test_the_logs_atom_parses_cleanly_with_one_entry_per_change(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    ids = corrected_story(svc, editor, clock)

    response = client.get(f"{LOG}.atom")
    parsed = feedparser.parse(response.content)

    assert response.headers["content-type"].startswith("application/atom+xml")
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "Summit in Geneva: live: corrections"
    assert [entry.title for entry in parsed.entries] == [
        "Now confirmed: Ceasefire agreed",
        "Retracted: Talks collapse",
        "Corrected: Twelve ministers arrive",
    ]
    assert [entry.link for entry in parsed.entries] == [
        f"http://livefeed.test/feeds/summit/posts/{ids[name]}"
        for name in ("claim", "gone", "wrong")
    ]
    corrected = parsed.entries[2]
    assert {tag.term for tag in corrected.tags} == {"correction", "verification:unverified"}
    assert "<del>Ten</del><ins>Twelve</ins>" in corrected.content[0].value
    assert "[-Ten-]{+Twelve+}" in corrected.content[0].value
    assert len({entry.id for entry in parsed.entries}) == 3


def test_json_ld_carries_each_correction_of_a_corrected_update(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    ids = corrected_story(svc, editor, clock)

    data = json_ld(client.get("/feeds/summit").text)

    updates = {update["url"].rsplit("-", 1)[1]: update for update in data["liveBlogUpdate"]}
    corrected = updates[str(ids["wrong"])]
    assert corrected["headline"] == "Twelve ministers arrive"
    (correction,) = corrected["correction"]
    assert set(correction) == {"@type", "text", "datePublished"}
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "There were twelve."
    assert correction["datePublished"] == "2026-11-25T18:01:00Z"
    for name in ("gone", "claim", "minor"):
        assert "correction" not in updates[str(ids[name])]
    assert updates[str(ids["gone"])]["creativeWorkStatus"] == "Retracted"
    # No policy set: none is claimed, and the publisher stays a plain organisation.
    assert data["publisher"]["@type"] == "Organization"
    assert "publishingPrinciples" not in data


def test_the_sites_policies_are_the_publishers(
    settings: Settings, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    with_policies = replace(
        settings,
        corrections_policy_url="https://news.example.org/corrections",
        publishing_principles_url="https://news.example.org/principles",
        verification_policy_url="https://news.example.org/verification",
    )
    site = Services.build(with_policies, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        with TestClient(create_app(with_policies, site)) as client:
            data = json_ld(client.get("/feeds/summit").text)
    finally:
        site.close()

    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "Livefeed",
        "url": "http://livefeed.test/",
        "correctionsPolicy": "https://news.example.org/corrections",
        "publishingPrinciples": "https://news.example.org/principles",
        "verificationFactCheckingPolicy": "https://news.example.org/verification",
    }
    assert data["publishingPrinciples"] == "https://news.example.org/principles"


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_feeds_for_apps_carry_the_state_as_a_category(
    client: TestClient, svc: Services, editor: User, fmt: str
) -> None:
    make_feed(svc, editor, default_verification="unverified")
    make_post(svc, editor, headline="Rumour", tags="geneva")
    make_post(svc, editor, headline="Fact", verification="confirmed")

    body = client.get(f"/feeds/summit/feed.{fmt}")

    if fmt == "json":
        items = {item["title"]: item["tags"] for item in body.json()["items"]}
    else:
        parsed = feedparser.parse(body.content)
        assert parsed.bozo == 0
        items = {entry.title: [tag.term for tag in entry.tags] for entry in parsed.entries}
    assert items == {
        "Rumour": ["geneva", "verification:unverified"],
        "Fact": ["verification:confirmed"],
    }
