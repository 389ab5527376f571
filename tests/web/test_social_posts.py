"""Social posts over HTTP: pasted in the compose form or sent as the API's embed.url, shown as a
card that loads nothing from another site, and the site's own embed only on its own page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.newsroom import embed_checks
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from livefeed.web.reader.static_export import export_feed
from tests.factories import make_feed, make_post
from tests.social_sites import HOSTILE_HTML, Social, social_sites
from tests.web.api.feed_api import assert_problem
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import Page, bearer, field_errors, submit

POSTS = "/api/v1/feeds/summit/posts"
# Our origin, by path or by name (the media storage addresses pictures absolutely).
OURS = {"", "livefeed.test"}


@pytest.fixture
def social(svc: Services, editor: User) -> Iterator[Social]:
    make_feed(svc, editor)
    with social_sites(svc) as sites:
        yield sites


def loaded_from(html: str) -> set[str]:
    """Every host the page makes a browser load something from (pictures, scripts, frames,
    styles, media)."""
    page = Page(html)
    found = set()
    for tag, attrs in page.elements:
        addresses = [attrs.get("src", ""), attrs.get("poster", "")]
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            addresses.append(attrs.get("href", ""))
        for candidate in attrs.get("srcset", "").split(","):
            addresses.append(candidate.strip().split(" ")[0])
        found |= {urlsplit(address).netloc for address in addresses if address}
    return found


def card_of(html: str) -> str:
    found = re.search(r'<aside class="social-post.*?</aside>', html, re.S)
    assert found, "no social post card"
    return found.group(0)


# The compose form -------------------------------------------------------------------------------


def test_a_post_pasted_in_the_form_shows_as_a_card_loading_nothing_elsewhere(
    desk: TestClient, client: TestClient, svc: Services, social: Social
) -> None:
    url = social.chirp_post()
    assert 'name="embed.url"' in desk.get("/feeds/summit").text

    response = submit(
        desk,
        "/feeds/summit/posts",
        {"body": "Seen in Geneva.", "embed.url": url, "intent": "publish"},
    )
    assert response.status_code == 303, response.text
    desk.cookies.clear()
    page = client.get("/feeds/summit").text

    card = card_of(page)
    assert "Talks resume at nine in Geneva." in card
    assert "Anna Reporter" in card
    assert f'href="{url}"' in card
    assert "Show the original" in card
    assert "<script" not in card
    assert "<iframe" not in page
    assert loaded_from(page) <= OURS
    assert re.search(r'<img class="social-post-image" src="http://livefeed.test/media/[^"]+"', card)


def test_a_bad_address_keeps_what_was_typed_and_names_the_field(
    desk: TestClient, social: Social
) -> None:
    response = submit(
        desk,
        "/feeds/summit/posts",
        {"body": "Words I typed.", "embed.url": social.page_without_oembed(), "intent": "publish"},
    )

    assert response.status_code == 422
    assert "not a site we know" in field_errors(response.text)["embed.url"]
    values = Page(response.text).values
    assert values["body"] == "Words I typed."
    assert values["embed.url"] == social.page_without_oembed()


def test_the_card_arrives_live_through_the_stream(
    client: TestClient, svc: Services, editor: User, social: Social
) -> None:
    before = make_post(svc, editor, headline="Opening")

    make_post(svc, editor, body="Seen this?", **{"embed.url": social.chirp_post()})

    answer = client.get("/feeds/summit/updates", params={"since": before.seq})
    (event,) = answer.json()["events"]
    card = card_of(event["html"])
    assert "Talks resume at nine in Geneva." in card
    assert loaded_from(event["html"]) <= OURS


# The API ------------------------------------------------------------------------------------------


def test_the_api_takes_embed_url_and_shows_the_snapshot(
    client: TestClient, token: str, social: Social
) -> None:
    url = social.chirp_post()

    response = client.post(POSTS, json={"embed": {"url": url}}, headers=bearer(token))

    assert response.status_code == 201, response.text
    embed = response.json()["embed"]
    assert embed["url"] == url
    assert embed["provider"] == "Chirp"
    assert embed["author_name"] == "Anna Reporter"
    assert embed["available"] is True
    assert embed["image_url"].startswith("http://livefeed.test/media/")
    assert "<script" not in embed["html"]
    assert embed["original_url"].endswith("/original")
    document = spec("http://livefeed.test")
    assert (
        problems(
            document,
            response.json(),
            response_schema(document, "/api/v1/feeds/{slug}/posts", "post", "201"),
        )
        == []
    )


def test_a_patch_changes_or_removes_the_embed(
    client: TestClient, token: str, social: Social
) -> None:
    made = client.post(POSTS, json={"headline": "Reactions"}, headers=bearer(token)).json()
    path = f"{POSTS}/{made['id']}"

    added = client.patch(
        path, json={"version": 1, "embed": {"url": social.mastodon_post()}}, headers=bearer(token)
    )
    removed = client.patch(path, json={"version": 2, "embed": None}, headers=bearer(token))

    assert added.status_code == 200, added.text
    assert added.json()["embed"]["provider"] == "mastodon.test"
    assert "embed" not in removed.json()


@pytest.mark.parametrize("url", ["not an address", "javascript:alert(1)", "ftp://x.test/1"])
def test_a_bad_address_is_a_problem_naming_embed_url(
    client: TestClient, token: str, social: Social, url: str
) -> None:
    response = client.post(POSTS, json={"embed": {"url": url}}, headers=bearer(token))

    assert_problem(response, 422, "embed.url")


def test_a_site_without_oembed_is_a_clear_problem(
    client: TestClient, token: str, social: Social
) -> None:
    response = client.post(
        POSTS, json={"embed": {"url": social.page_without_oembed()}}, headers=bearer(token)
    )

    assert_problem(response, 422, "embed.url")
    assert "not a site we know" in response.json()["errors"][0]["message"]


# The original, on request ---------------------------------------------------------------------


def test_the_original_is_served_under_a_policy_naming_its_site_alone(
    client: TestClient, svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post(html=HOSTILE_HTML)})
    assert post.embed is not None

    response = client.get(f"/embeds/{post.embed.id}/original")

    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert f"script-src {social.origin('chirp.test')};" in policy
    assert f"frame-src {social.origin('chirp.test')};" in policy
    assert "default-src 'none'" in policy
    assert "sandbox allow-scripts" in policy
    assert "'self'" not in policy.split("frame-ancestors")[0]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert post.embed.original_html in response.text


def test_the_feed_page_frames_our_own_pages_only(
    client: TestClient, svc: Services, editor: User, social: Social
) -> None:
    make_post(svc, editor, **{"embed.url": social.chirp_post()})

    policy = client.get("/feeds/summit").headers["content-security-policy"]

    assert "chirp.test" not in policy
    assert "script-src 'self';" in policy


def test_the_original_of_a_post_readers_cannot_see_is_not_there(
    client: TestClient, token: str, social: Social
) -> None:
    draft = client.post(
        POSTS, json={"embed": {"url": social.chirp_post()}, "state": "draft"}, headers=bearer(token)
    ).json()

    assert client.get(draft["embed"]["original_url"]).status_code == 404


def test_a_deleted_original_is_marked_for_readers(
    client: TestClient, svc: Services, editor: User, social: Social
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    assert post.embed is not None
    social.delete(post.embed.endpoint)

    embed_checks.check(svc)

    card = card_of(client.get("/feeds/summit").text)
    assert "Original no longer available" in card
    assert "Show the original" not in card
    assert "Talks resume at nine in Geneva." in card
    assert client.get(f"/embeds/{post.embed.id}/original").status_code == 404
    api = client.get(f"{POSTS}/{post.id}").json()
    assert api["embed"]["available"] is False


# Carried elsewhere ------------------------------------------------------------------------------


def test_atom_and_json_ld_carry_the_card_s_words_and_link(
    client: TestClient, svc: Services, editor: User, social: Social
) -> None:
    url = social.chirp_post()
    make_post(svc, editor, headline="Reactions", body="", **{"embed.url": url})

    atom = client.get("/feeds/summit/feed.atom").text
    rss = client.get("/feeds/summit/feed.rss").text
    page = client.get("/feeds/summit").text

    for document in (atom, rss):
        assert "Talks resume at nine in Geneva." in document
        assert f'<a href="{url}">' in unescape(document)
        assert "widgets.js" not in document
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    )
    (update,) = data["liveBlogUpdate"]
    shared = update["sharedContent"]
    assert shared["@type"] == "SocialMediaPosting"
    assert shared["url"] == url
    assert shared["author"]["name"] == "Anna Reporter"
    assert shared["text"].startswith("Talks resume at nine in Geneva.")


def test_the_static_copy_keeps_the_card_and_its_picture(
    svc: Services, editor: User, social: Social, tmp_path: Path
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    assert post.embed is not None

    copy = tmp_path / "copy"
    export_feed(svc, "summit", copy, say=lambda line: None)

    page = (copy / "index.html").read_text("utf-8")
    card = card_of(page)
    assert "Talks resume at nine in Geneva." in card
    picture = post.embed.image_url.rsplit("/", 1)[1]
    assert (copy / "media" / picture).is_file()
    assert "social-post.js" not in page
    assert loaded_from(page) <= OURS
