"""What readers see: the home page, a feed, a post, a tag, and the pages for what is not there."""

from __future__ import annotations

import re
from html import unescape

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.web.conftest import XSS, Page, post_ids, squeeze, without_our_script

FULL_POST = {
    "headline": "Leaders agree a text",
    "body": "The draft runs to *twelve* pages.",
    "quote.text": "We have a deal.\n\nIt holds.",
    "quote.attribution": "The chair",
    "image.url": "https://images.example.org/hall.jpg",
    "image.alt": "Delegates applauding in the hall",
    "image.caption": "The plenary hall",
    "image.credit": "Agency",
    "read_more.url": "https://news.example.org/deal",
    "read_more.title": "What is in the deal",
    "read_more.summary": "Six points explained.",
    "read_more.image_url": "https://images.example.org/deal.jpg",
    "tags": "geneva, deal",
}


def one(page: Page, tag: str, **attrs: str) -> dict[str, str]:
    found = [
        element
        for element in page.tags(tag)
        if all(element.get(name.rstrip("_")) == value for name, value in attrs.items())
    ]
    assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
    return found[0]


def older_link(html: str) -> str | None:
    found = re.search(r'<a class="button" rel="next" href="([^"]+)">Show older posts</a>', html)
    return unescape(found.group(1)) if found else None


def test_a_feed_page_shows_the_story_in_the_feeds_own_zone(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor, timezone="Asia/Tokyo")
    clock.advance(5 * 60)  # 18:05 UTC is 03:05 the next morning in Tokyo
    post = make_post(svc, editor, headline="Talks resume")

    response = client.get("/feeds/summit")

    assert response.status_code == 200
    html = response.text
    assert '<h1 id="feed-title">Summit in Geneva: live</h1>' in html
    assert '<span class="badge badge-live">Live</span>' in html
    assert (
        'Last updated <time datetime="2026-11-25T18:05:00Z">03:05 JST, 26 November 2026</time>'
        in html
    )
    assert '<div class="lead prose"><p>Leaders meet for a <strong>second</strong> day.</p>' in html
    assert re.search(r'<aside class="notes prose"[^>]*><p>Times are local\.</p>', html)
    assert '<a href="/tags/politics">politics</a>' in html
    assert '<a href="/tags/world">world</a>' in html
    assert (
        f'<a class="post-time" href="/feeds/summit/posts/{post.id}">'
        '<time datetime="2026-11-25T18:05:00Z">03:05<span class="zone"> JST</span></time>'
    ) in html
    assert f'id="post-{post.id}-headline">Talks resume</h3>' in html


def test_an_ended_feed_says_so(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor, timezone="America/New_York")
    clock.advance(60 * 60)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)

    html = client.get("/feeds/summit").text

    assert '<span class="badge badge-ended">Ended</span>' in html
    assert "badge-live" not in html
    assert "14:00 EST, 25 November 2026</time>" in html


def test_every_post_shows_its_time_in_the_feed_zone_and_links_to_itself(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor, timezone="Europe/Berlin")
    posted = []
    for minutes in (1, 7, 30):
        clock.advance(minutes * 60)
        posted.append((make_post(svc, editor, headline=f"After {minutes}"), clock.now))

    page = Page(client.get("/feeds/summit").text)

    times = {element["datetime"] for element in page.tags("time")}
    permalinks = {
        element["href"] for element in page.tags("a") if "post-time" in element.get("class", "")
    }
    for post, moment in posted:
        assert moment.strftime("%Y-%m-%dT%H:%M:%SZ") in times
        assert f"/feeds/summit/posts/{post.id}" in permalinks
    html = client.get("/feeds/summit").text
    assert '19:01<span class="zone"> CET</span>' in html
    assert '19:38<span class="zone"> CET</span>' in html


def test_a_post_shows_its_quote_image_and_read_more_card(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = publishing.publish_post(svc, editor, "summit", FULL_POST)

    for url in ("/feeds/summit", f"/feeds/summit/posts/{post.id}"):
        html = squeeze(client.get(url).text)
        assert (
            '<figure class="post-quote"><blockquote><p>We have a deal.</p><p>It holds.</p>'
            "</blockquote><figcaption>The chair</figcaption></figure>"
        ) in html
        page = Page(html)
        image = one(page, "img", src="https://images.example.org/hall.jpg")
        assert image["alt"] == "Delegates applauding in the hall"
        assert (
            '<figcaption>The plenary hall <span class="credit">Photo: Agency</span></figcaption>'
        ) in html
        card = one(page, "a", class_="read-more-link")
        assert card["href"] == "https://news.example.org/deal"
        assert '<span class="read-more-title">What is in the deal</span>' in html
        assert '<span class="read-more-summary">Six points explained.</span>' in html
        assert '<aside class="read-more" aria-label="Read more">' in html
        assert "<p>The draft runs to <em>twelve</em> pages.</p>" in html
        assert '<a href="/tags/geneva">geneva</a>' in html


def test_the_pinned_post_comes_first_and_key_events_are_listed(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    key = make_post(svc, editor, headline="Deal reached", key_event=True)
    clock.advance()
    pinned = make_post(svc, editor, headline="Summary so far", pinned=True)
    clock.advance()
    newest = make_post(svc, editor, headline="Press conference")

    html = client.get("/feeds/summit").text

    assert post_ids(html) == [pinned.id, newest.id, key.id]
    assert '<span class="flag flag-pinned">Pinned</span>' in html
    box = re.search(r'<nav class="key-events".*?</nav>', html, re.S)
    assert box, "no key events box"
    assert f'href="#post-{key.id}"' in box.group(0)
    assert "Deal reached" in box.group(0)
    assert "Press conference" not in box.group(0)


def test_show_older_posts_pages_through_every_post_once_without_javascript(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    published = []
    for number in range(45):
        if number % 3 == 0:
            clock.advance()  # the rest share a publish time, so ties must be settled by id
        published.append(make_post(svc, editor, headline=f"Update {number}").id)

    seen: list[int] = []
    pages = 0
    url: str | None = "/feeds/summit"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        assert "<script" not in without_our_script(response.text)
        seen += post_ids(response.text)
        pages += 1
        url = older_link(response.text)
        assert pages <= 5, "the older-posts links go round in circles"

    assert pages == 3
    assert seen == list(reversed(published))
    assert len(set(seen)) == 45


def test_the_pinned_post_stays_on_the_first_page_when_paging(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    published = []
    for number in range(45):
        clock.advance()
        published.append(
            make_post(svc, editor, headline=f"Update {number}", pinned=number == 10).id
        )

    seen: list[int] = []
    first = True
    url: str | None = "/feeds/summit"
    while url is not None:
        html = client.get(url).text
        ids = post_ids(html)
        if first:
            assert ids[0] == published[10]
            assert '<div class="lead prose">' in html
        else:
            assert '<div class="lead prose">' not in html
        first = False
        seen += ids
        url = older_link(html)

    assert sorted(seen) == sorted(published)
    assert len(seen) == len(set(seen))


def test_a_post_page_names_its_canonical_address(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume")

    response = client.get(f"/feeds/summit/posts/{post.id}")

    assert response.status_code == 200
    page = Page(response.text)
    canonical = one(page, "link", rel="canonical")
    assert canonical["href"] == f"http://livefeed.test/feeds/summit/posts/{post.id}"
    assert f'<h1 class="post-headline" id="post-{post.id}-headline">Talks resume</h1>' in (
        response.text
    )
    assert '<a href="/feeds/summit">Summit in Geneva: live</a>' in response.text


def test_the_home_page_lists_live_feeds_before_ended_ones(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor, slug="old-story", title="The old story")
    clock.advance()
    make_feed(svc, editor, slug="new-story", title="The new story")
    clock.advance()
    # Ending a feed touches it last; it must still come after the live one.
    publishing.set_feed_status(svc, editor, "old-story", FeedStatus.ENDED)

    html = client.get("/").text

    assert html.index("The new story") < html.index("Recently ended") < html.index("The old story")
    assert re.search(r'badge-live">Live</span>\s*<span class="feed-card-title">The new story', html)
    assert re.search(
        r'badge-ended">Ended</span>\s*<span class="feed-card-title">The old story', html
    )


def test_a_tag_page_lists_the_feeds_and_posts_that_carry_it(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, tags="politics")
    tagged = make_post(svc, editor, headline="Tagged update", tags="geneva")
    make_post(svc, editor, headline="Other update", tags="weather")

    response = client.get("/tags/geneva")

    assert response.status_code == 200
    assert "<h1>Tagged “geneva”</h1>" in response.text
    assert post_ids(response.text) == [tagged.id]
    feed_page = client.get("/tags/politics").text
    assert '<span class="feed-card-title">Summit in Geneva: live</span>' in feed_page
    assert "No updates carry this tag." in feed_page


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/no-such-feed",
        "/feeds/summit/posts/abc",
        "/feeds/summit/posts/999999",
        "/feeds/summit/posts/2147483648",
        "/feeds/summit/posts/99999999999999999999999",
        "/feeds/no-such-feed/posts/1",
        "/tags/Not%20a%20tag!",
        "/no/such/page",
    ],
)
def test_what_is_not_there_is_a_404_page(
    client: TestClient, svc: Services, editor: User, url: str
) -> None:
    make_feed(svc, editor)

    response = client.get(url)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert '<a href="/">Back to the live feeds</a>' in response.text


def test_a_deleted_post_has_no_page(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.delete_post(svc, editor, "summit", post.id)

    assert client.get(f"/feeds/summit/posts/{post.id}").status_code == 404
    assert post.id not in post_ids(client.get("/feeds/summit").text)


def assert_inert(html: str, payload: str) -> None:
    """Nothing on the page runs script: no script element, handler or javascript: address."""
    assert "<script" not in without_our_script(html).lower()
    if "<" in payload:
        assert payload not in html, "the text was written into the page unescaped"
    page = Page(html)
    assert not page.names() & {"iframe", "svg", "object", "embed"}
    for tag, attrs in page.elements:
        if tag == "script" and attrs.get("type") != "application/ld+json":
            assert attrs.get("src", "").startswith("/static/"), f"<script {attrs}>"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=…> on the page"
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not squeezed.startswith("javascript:"), f"<{tag} {name}={value!r}>"


@pytest.mark.parametrize("payload", XSS)
def test_what_editors_type_is_shown_as_text_never_as_markup(
    client: TestClient, svc: Services, editor: User, payload: str
) -> None:
    make_feed(svc, editor, title=payload, lead=payload, notes=payload, tags="geneva")
    post = publishing.publish_post(
        svc,
        editor,
        "summit",
        FULL_POST
        | {
            "headline": payload,
            "body": payload,
            "quote.text": payload,
            "quote.attribution": payload,
            "image.caption": payload,
            "image.credit": payload,
            "image.alt": payload,
            "read_more.title": payload,
            "read_more.summary": payload,
        },
    )

    for url in ("/", "/feeds/summit", f"/feeds/summit/posts/{post.id}", "/tags/geneva"):
        html = client.get(url).text
        assert_inert(html, payload)
        assert str(escape(payload)) in html, f"{url} does not show the text as typed"


@pytest.mark.parametrize(
    "url", ["/", "/feeds/summit", "/feeds/summit/posts/1", "/tags/geneva", "/login", "/nope"]
)
def test_every_page_has_the_landmarks_and_one_main_heading(
    client: TestClient, svc: Services, editor: User, url: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, tags="geneva")
    assert post.id == 1

    page = Page(client.get(url).text)

    names = [name for name, _ in page.elements]
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in names, f"{url} has no <{landmark}>"
    assert names.count("main") == 1
    assert names.count("h1") == 1
    assert one(page, "html")["lang"] == "en"
    assert one(page, "a", class_="skip-link")["href"] == "#main"


def test_an_error_page_quotes_what_was_asked_for_as_it_was_typed(client: TestClient) -> None:
    response = client.get("/tags/Not%20A%20Tag!")

    assert response.status_code == 404
    assert "<p>“Not A Tag!” is not a tag.</p>" in response.text
