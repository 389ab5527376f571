"""A feed that ran for days, read without JavaScript: dates, day separators, the key events
box, "Last updated", the reading options, search, older pages, Follow and /tags."""

from __future__ import annotations

import re
from html import unescape

from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.web.conftest import bearer, post_ids, squeeze

DAY = 24 * 60 * 60


def four_days(svc: Services, editor: User, clock: Clock) -> list[int]:
    """Two posts a day for four days, from 25 November; one key event each day."""
    make_feed(svc, editor)
    ids = []
    for day in range(4):
        if day:
            clock.advance(DAY - 2 * 60 * 60)
        for number in range(2):
            clock.advance(60 * 60)
            ids.append(
                make_post(
                    svc, editor, headline=f"Day {day + 1} update {number + 1}",
                    key_event=number == 0,
                ).id
            )  # fmt: skip
    return ids


def text_of(html: str, css_class: str) -> list[str]:
    found = re.findall(rf'<(\w+) class="{css_class}"[^>]*>(.*?)</\1>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", inner)).strip() for _, inner in found]


def test_a_post_not_from_today_shows_its_date_and_the_days_are_separated(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    ids = four_days(svc, editor, clock)
    html = squeeze(client.get("/feeds/summit").text)

    # Today is 28 November (the clock's day): its posts keep the date for screen readers only.
    assert html.count('<span class="post-date">, ') == 6
    assert html.count('<span class="post-date visually-hidden">, 28 November 2026</span>') == 2
    for day in ("25", "26", "27"):
        assert f'<span class="post-date">, {day} November 2026</span>' in html
    assert text_of(html, "day-separator") == [
        "Saturday 28 November",
        "Friday 27 November",
        "Thursday 26 November",
        "Wednesday 25 November",
    ]
    assert post_ids(html) == list(reversed(ids))


def test_the_key_events_box_shows_dates_the_newest_five_and_all_of_them_behind_a_summary(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    four_days(svc, editor, clock)
    for number in range(3):
        make_post(svc, editor, headline=f"Late key event {number}", key_event=True)
    html = squeeze(client.get("/feeds/summit").text)

    top = re.search(r'<ol class="key-events-top">(.*?)</ol>', html, re.S)
    assert top is not None
    entries = re.findall(r"<li data-post-id=\"\d+\">(.*?)</li>", top.group(1))
    assert len(entries) == 5
    # A date on each, and no space of its own inside the link before the words.
    assert re.match(r'<a href="#post-\d+"><time datetime="[^"]+">\w{3} \d+ \w{3}, \d\d:\d\d</time>'
                    r'<span class="key-event-headline">', entries[0])  # fmt: skip
    assert "Wed 25 Nov, 19:00" in html
    assert '<summary>Show all <span class="key-events-count">7</span> key events</summary>' in html
    everything = re.search(r'<details class="key-events-all">.*?</details>', html, re.S)
    assert everything is not None
    assert everything.group(0).count("<li ") == 7


def test_last_updated_is_the_last_news_not_a_settings_edit(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    clock.advance(60 * 60)
    make_post(svc, editor, headline="The news")  # 19:00 UTC: 19:00 GMT
    clock.advance(3 * DAY)
    publishing.update_feed(
        svc, editor, "summit",
        {"slug": "summit", "title": "Summit in Geneva: live", "lead": "", "notes": "",
         "tags": "", "timezone": "Europe/London", "audio_stream_url": "https://radio.example.org/live"},
    )  # fmt: skip
    stamp = 'Last updated <time datetime="2026-11-25T19:00:00Z">19:00 GMT, 25 November 2026</time>'
    assert stamp in client.get("/feeds/summit").text
    assert stamp in client.get("/").text

    clock.advance(60)
    post = make_post(svc, editor, headline="More news")
    clock.advance(60)
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"body": "Edited."},
        seen_version=post.version,
    )  # fmt: skip
    assert 'Last updated <time datetime="2026-11-28T19:02:00Z">' in client.get("/feeds/summit").text


def test_the_home_page_lists_the_feed_with_the_latest_news_first(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor, slug="quiet", title="Quiet story")
    make_post(svc, editor, "quiet", headline="Old news")
    clock.advance(60)
    make_feed(svc, editor, slug="busy", title="Busy story")
    make_post(svc, editor, "busy", headline="New news")
    clock.advance(60)
    publishing.update_feed(
        svc, editor, "quiet",
        {"slug": "quiet", "title": "Quiet story", "lead": "", "notes": "", "tags": "",
         "timezone": "UTC", "audio_stream_url": "https://radio.example.org/live"},
    )  # fmt: skip
    html = client.get("/").text
    assert html.index("Busy story") < html.index("Quiet story")


def test_oldest_first_and_key_events_only_are_pages_of_their_own(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    ids = four_days(svc, editor, clock)
    oldest = client.get("/feeds/summit?order=oldest")
    assert post_ids(oldest.text) == ids
    assert 'data-order="oldest"' in oldest.text
    assert (
        '<a href="/feeds/summit?order=oldest" aria-current="page">Oldest first</a>' in oldest.text
    )
    keys = client.get("/feeds/summit?view=key-events")
    assert post_ids(keys.text) == list(reversed(ids[::2]))
    assert 'data-key-events-only="true"' in keys.text
    both = client.get("/feeds/summit?order=oldest&view=key-events")
    assert post_ids(both.text) == ids[::2]
    assert client.get("/feeds/summit?order=sideways").status_code in (400, 422)


def test_the_feed_page_filters_by_its_own_tags(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    tagged = make_post(svc, editor, headline="Tagged", tags="politics").id
    make_post(svc, editor, headline="Not tagged")
    html = client.get("/feeds/summit?tag=politics").text
    assert post_ids(html) == [tagged]
    assert 'data-tag="politics"' in html
    assert "Showing posts tagged “politics”" in html


def test_pages_of_older_posts_keep_the_view_and_lead_back_to_live(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    ids = []
    for number in range(25):
        clock.advance()
        ids.append(make_post(svc, editor, headline=f"Update {number}").id)
    first = client.get("/feeds/summit?order=oldest").text
    link = re.search(r'<a class="button" rel="next" href="([^"]+)">Show later posts</a>', first)
    assert link is not None
    second = client.get(unescape(link.group(1))).text
    assert post_ids(first) + post_ids(second) == ids
    assert '<a class="button" href="/feeds/summit?order=oldest">Back to live</a>' in second
    assert "data-live-feed" not in second
    assert "Back to live" not in first


def test_search_finds_highlights_and_shrugs_off_hostile_text(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="Ceasefire talks", body="The *ceasefire* holds & lasts.")
    make_post(svc, editor, headline="Other", body="Nothing.")
    html = client.get("/feeds/summit?q=ceasefire").text
    assert "1 result for “ceasefire”" in html
    assert "<mark>Ceasefire</mark> talks" in html
    assert "<em><mark>ceasefire</mark></em> holds &amp; lasts" in html
    assert "data-live-feed" not in html
    for hostile in ['" OR 1=1 --', "<script>alert(1)</script>", "NEAR(", "*", "\\"]:
        response = client.get("/feeds/summit", params={"q": hostile})
        assert response.status_code == 200
        assert "<script>alert" not in response.text


def test_follow_offers_the_feed_documents_on_feed_tag_and_home_pages(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="Tagged", tags="politics")
    origin = svc.urls.origin
    for path, documents in (
        ("/feeds/summit", "/feeds/summit/feed"),
        ("/tags/politics", "/tags/politics/feed"),
        ("/", "/feeds"),
    ):
        html = client.get(path).text
        assert "<summary>Follow</summary>" in html, path
        for ext in ("atom", "rss", "json"):
            assert f'value="{origin}{documents}.{ext}"' in html, path
            assert client.get(f"{documents}.{ext}").status_code == 200
    tag = client.get("/tags/politics").text
    assert '<link rel="alternate" type="application/atom+xml"' in tag
    assert 'href="/tags/politics/feed.json"' in tag


def test_tags_lists_every_tag_with_its_count(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="One", tags="politics, world")
    make_post(svc, editor, headline="Two", tags="politics")
    gone = make_post(svc, editor, headline="Three", tags="gone")
    publishing.delete_post(svc, editor, "summit", gone.id)
    html = squeeze(client.get("/tags").text)
    assert re.findall(
        r'<a href="/tags/([\w-]+)">[\w-]+</a>\s*<span class="tag-count">([^<]+)</span>', html
    ) == [
        ("politics", "2 updates"),
        ("world", "1 update"),
    ]


def test_an_ended_feed_may_read_from_the_start(
    client: TestClient, svc: Services, editor: User, clock: Clock, token: str
) -> None:
    feed = make_feed(svc, editor)
    ids = []
    for number in range(3):
        clock.advance()
        ids.append(make_post(svc, editor, headline=f"Update {number}").id)
    bad = client.patch(
        "/api/v1/feeds/summit", json={"ended_order": "sideways"}, headers=bearer(token)
    )
    assert bad.status_code == 422
    assert "ended_order" in bad.text
    changed = client.patch(
        "/api/v1/feeds/summit", json={"ended_order": "oldest"}, headers=bearer(token)
    )
    assert changed.json()["ended_order"] == "oldest"
    # While it is live, the news comes first.
    assert post_ids(client.get("/feeds/summit").text) == list(reversed(ids))
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    assert post_ids(client.get("/feeds/summit").text) == ids
    assert post_ids(client.get("/feeds/summit?order=newest").text) == list(reversed(ids))
    # A PATCH of something else keeps the choice; the desk's form offers it.
    client.patch("/api/v1/feeds/summit", json={"title": "Renamed"}, headers=bearer(token))
    assert reading.get_feed(svc, feed.slug).ended_order == "oldest"


def test_the_feed_form_offers_how_an_ended_feed_reads(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    form = desk.get("/desk/feeds/summit/edit").text
    assert 'name="ended_order" value="oldest"' in form
    assert 'id="f-ended-order-newest" name="ended_order" value="newest" checked' in form


def test_a_post_page_shows_its_date(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Today")
    html = client.get(f"/feeds/summit/posts/{post.id}").text
    assert '<span class="post-date">, 25 November 2026</span>' in html
