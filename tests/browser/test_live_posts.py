"""A post that arrives live is the post the page shows after a reload: its event carries what it
says and its particulars, and live.js builds the rest as _post.html renders it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from livefeed.newsroom import publishing
from livefeed.newsroom.verification import set_verification
from tests.browser.conftest import LiveServer, NewContext
from tests.browser.test_live import open_reader
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser

# Each post as a tree of (tag, attributes, children), text with its spaces folded: the page's
# markup and the one live.js builds may differ in the template's indentation, and in how a
# link's parameters are percent-encoded, never in what they say or link to.
SHAPE = """ids => ids.map(id => {
  function shape(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.nodeValue.replace(/\\s+/g, " ");
      return text.trim() ? text : null;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) { return null; }
    const attributes = {};
    for (const attribute of node.attributes) {
      let value = attribute.value;
      if (attribute.name === "href") { value = decodeURIComponent(value); }
      if (attribute.name === "class") { value = value.replace(/\\s*\\bis-new\\b/, ""); }
      attributes[attribute.name] = value;
    }
    const children = [];
    for (const child of node.childNodes) {
      const kept = shape(child);
      if (kept !== null) { children.push(kept); }
    }
    return [node.tagName, attributes, children];
  }
  const article = document.getElementById("post-" + id);
  return article ? shape(article) : null;
})"""


def shapes(page: Page, ids: list[int]) -> list[Any]:
    found: list[Any] = page.evaluate(SHAPE, ids)
    return found


def test_a_post_built_from_its_event_is_the_post_the_page_renders(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Delegates arrive")
    page = open_reader(new_context, live_server)

    tagged = make_post(
        svc, editor, slug, headline="Ceasefire announced", body="Both sides **agree**.",
        tags=["talks", "قمة"], key_event=True,
    )  # fmt: skip
    untitled = make_post(
        svc, editor, slug, headline="", body="No headline, only words & a quote.",
        **{"quote.text": "We will sign.", "quote.attribution": "The envoy"},
    )  # fmt: skip
    pinned = make_post(svc, editor, slug, headline="Read this first", pinned=True)
    disputed = make_post(svc, editor, slug, headline="A claim", body="Said on the radio.")
    ids = [tagged.id, untitled.id, pinned.id, disputed.id]
    expect(page.locator(f"#post-{disputed.id}")).to_be_visible()
    set_verification(
        svc, editor, slug, disputed.id,
        {"verification": "disputed", "sourcing": "A minister, on the radio"},
    )  # fmt: skip
    publishing.retract_post(svc, editor, slug, tagged.id, "The talks were called off.")
    expect(page.locator(f"#post-{tagged.id}.is-retracted")).to_be_visible()
    expect(page.locator(f"#post-{disputed.id} .verification")).to_be_visible()

    # Its share tools are the post's own: its short address, its title.
    short = page.locator(f"#post-{pinned.id} .short-url-value")
    expect(short).to_have_text(svc.urls.short(pinned.short_code))
    share = page.locator(f"#post-{pinned.id} .post-share")
    assert share.get_attribute("data-share-title") == "Read this first"

    live = shapes(page, ids)
    page.reload()
    rendered = shapes(page, ids)

    assert None not in live
    assert None not in rendered
    for built, served in zip(live, rendered, strict=True):
        assert built == served
