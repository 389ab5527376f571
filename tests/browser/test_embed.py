"""A partner's page, on another origin, embeds a feed with our one-line snippet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from livefeed.newsroom import publishing
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.browser.loopback_site import LoopbackSite
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser


@pytest.fixture
def partner() -> Iterator[LoopbackSite]:
    """The partner's site: pages are added to ``files`` by each test."""
    site = LoopbackSite({})
    try:
        yield site
    finally:
        site.stop()


def partner_page(site: LoopbackSite, body: str) -> str:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Partner</title></head>"
        f"<body><h1>The Partner Gazette</h1><p>Our coverage:</p>{body}<p>Below the feed</p>"
        "</body></html>"
    )
    site.files["/story.html"] = ("text/html; charset=utf-8", html.encode())
    return site.at("/story.html")


def snippet(server: LiveServer, **options: str) -> str:
    attributes = "".join(f' data-{name}="{value}"' for name, value in options.items())
    return f'<script src="{server.at("/static/embed.js")}"{attributes} async></script>'


def frame_fits(page: Page) -> float:
    """Wait until the frame is exactly as tall as the page inside it; return that height."""
    inner = page.frame_locator("iframe.livefeed-embed").locator("html")
    page.wait_for_function(
        "() => document.querySelector('iframe.livefeed-embed').getBoundingClientRect().height > 0"
    )
    height: float = 0
    for _ in range(2):  # once settled, the two agree; the loop gives a late reflow its chance
        height = inner.evaluate("e => Math.ceil(e.getBoundingClientRect().height)")
        page.wait_for_function(
            "h => document.querySelector('iframe.livefeed-embed')"
            ".getBoundingClientRect().height === h",
            arg=height,
        )
    return height


def test_a_partner_page_embeds_the_feed_and_a_new_post_appears_in_it(
    live_server: LiveServer, new_context: NewContext, partner: LoopbackSite
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Delegates arrive")
    page = new_context().new_page()

    page.goto(partner_page(partner, snippet(live_server, feed=slug, theme="dark")))

    embed: FrameLocator = page.frame_locator("iframe.livefeed-embed")
    expect(embed.locator(".post-headline")).to_have_text(["Delegates arrive"])
    expect(embed.locator("html")).to_have_attribute("data-theme", "dark")
    expect(embed.locator(".live-status")).to_have_attribute("data-state", "live")
    expect(page.locator("iframe.livefeed-embed")).to_have_attribute(
        "title", "Summit in Geneva: live – Livefeed"
    )
    before = frame_fits(page)

    post = make_post(
        svc, editor, slug, headline="Ceasefire announced", body="Both sides **agree**."
    )

    arrived = embed.locator(f"#post-{post.id}")
    expect(arrived.locator("strong")).to_have_text("agree")
    expect(embed.locator(".post-headline")).to_have_text(
        ["Ceasefire announced", "Delegates arrive"]
    )
    assert frame_fits(page) > before
    expect(page.get_by_text("Below the feed")).to_be_visible()
    link = embed.get_by_role("link", name="Open the full live page")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("href", live_server.at(f"/feeds/{slug}"))


def test_an_embed_of_one_tag_shows_only_its_posts_and_keeps_to_its_limit(
    live_server: LiveServer, new_context: NewContext, partner: LoopbackSite
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Old vote news", tags="vote")
    make_post(svc, editor, slug, headline="Weather", tags="weather")
    make_post(svc, editor, slug, headline="Polls open", tags="vote, turnout")
    page = new_context().new_page()

    page.goto(partner_page(partner, snippet(live_server, feed=slug, tag="vote", limit="2")))

    embed = page.frame_locator("iframe.livefeed-embed")
    headlines = embed.locator(".post-headline")
    expect(headlines).to_have_text(["Polls open", "Old vote news"])
    expect(embed.locator(".live-status")).to_have_attribute("data-state", "live")

    make_post(svc, editor, slug, headline="Traffic", tags="roads")
    make_post(svc, editor, slug, headline="Turnout high", tags="vote")

    # Events arrive in order: once the second post is in, the first was seen and left out.
    expect(headlines).to_have_text(["Turnout high", "Polls open"])

    weather = make_post(svc, editor, slug, headline="Storm warning", tags="weather")
    publishing.edit_post(
        svc, editor, slug, weather.id, weather.as_fields() | {"tags": "weather, vote"},
        seen_version=weather.version,
    )  # fmt: skip
    expect(headlines).to_have_text(["Storm warning", "Turnout high"])


def test_only_the_embed_may_be_framed_by_another_site(
    live_server: LiveServer, new_context: NewContext, partner: LoopbackSite
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Delegates arrive")
    frames = "".join(
        f'<iframe title="{path}" src="{live_server.at(path)}"></iframe>'
        for path in (f"/feeds/{slug}/embed", f"/feeds/{slug}", "/login")
    )
    page = new_context().new_page()

    page.goto(partner_page(partner, frames))

    embedded = page.frame_locator(f'iframe[title="/feeds/{slug}/embed"]')
    expect(embedded.locator(".post-headline")).to_have_text("Delegates arrive")
    for path in (f"/feeds/{slug}", "/login"):
        handle = page.locator(f'iframe[title="{path}"]').element_handle()
        frame = handle.content_frame() if handle else None
        assert frame is not None
        # Chromium puts its own error page in place of a page that refuses to be framed.
        frame.wait_for_url("chrome-error://chromewebdata/")


def test_an_editor_copies_the_embed_code_and_it_works_on_a_partner_page(
    live_server: LiveServer, new_context: NewContext, partner: LoopbackSite
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Delegates arrive", tags="geneva")
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    desk = context.new_page()
    log_in(desk, live_server)
    desk.goto(live_server.at(f"/feeds/{slug}"))

    desk.get_by_text("Embed this feed").click()
    desk.get_by_label("Theme").select_option(label="Dark")
    desk.get_by_label("Only posts tagged").fill("Geneva")
    desk.get_by_label("Number of posts").fill("5")
    desk.get_by_role("button", name="Copy embed code").click()

    expect(desk.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    code = desk.evaluate("navigator.clipboard.readText()")
    expect(desk.get_by_label("Embed code")).to_have_value(code)
    assert code == (
        f'<script src="{live_server.at("/static/embed.js")}" data-feed="{slug}"'
        ' data-theme="dark" data-tag="geneva" data-limit="5" async></script>'
    )

    reader = new_context().new_page()
    reader.goto(partner_page(partner, code))
    embed = reader.frame_locator("iframe.livefeed-embed")
    expect(embed.locator(".post-headline")).to_have_text(["Delegates arrive"])
    expect(embed.locator("html")).to_have_attribute("data-theme", "dark")
    make_post(svc, editor, slug, headline="Talks resume", tags="geneva")
    expect(embed.locator(".post-headline")).to_have_text(["Talks resume", "Delegates arrive"])
