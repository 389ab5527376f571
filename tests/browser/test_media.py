"""Uploads in a real browser: an editor drops a picture on the compose form, readers get srcset.

The picture is drawn in the page itself (a canvas made into a File) and handed over by a real
``drop`` event carrying a DataTransfer, as a drag from the desktop would. The server behind is
``livefeed serve``; the reader looks from a context of their own.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests import media_files as files
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed

pytestmark = pytest.mark.browser

ALT = "A crowd waits at the closed gate of the conference centre"
CAPTION = "The main gate at dawn, before the talks."

DROP_A_PICTURE = """async (target, [width, height]) => {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, "#b3001b");
  gradient.addColorStop(1, "#0a4fa6");
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.9));
  const data = new DataTransfer();
  data.items.add(new File([blob], "gate.jpg", { type: "image/jpeg" }));
  const options = { dataTransfer: data, bubbles: true, cancelable: true };
  target.dispatchEvent(new DragEvent("dragenter", options));
  target.dispatchEvent(new DragEvent("dragover", options));
  return target.dispatchEvent(new DragEvent("drop", options));
}"""


def field(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_label(label, exact=True)


def open_compose(server: LiveServer, new_context: NewContext) -> tuple[Page, Locator]:
    make_feed(server.svc, server.editor, slug=server.slug)
    page = new_context().new_page()
    log_in(page, server)
    page.goto(server.at(f"/feeds/{server.slug}"))
    return page, page.get_by_role("region", name="New post")


def test_an_editor_drops_a_picture_and_readers_get_every_size(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    desk, compose = open_compose(live_server, new_context)
    field(compose, "Headline (optional when there is text)").fill("Crowds gather at the gate")

    # Dropped on the form, not on a field: the drop is the form's, and the page stays put.
    dropped = compose.locator("[data-upload-drop]").evaluate(DROP_A_PICTURE, [2400, 1600])
    assert dropped is False, "the drop was not taken (the browser would open the file)"
    status = compose.locator("#f-image-file-status")
    expect(status).to_contain_text("describe it for readers who cannot see it")
    expect(field(compose, "Description for screen readers (alt text)")).to_be_focused()

    field(compose, "Description for screen readers (alt text)").fill(ALT)
    field(compose, "Caption").fill(CAPTION)
    field(compose, "Credit").fill("Ines Moreau")
    # Publishing at once: the upload goes first, then the post with the picture's address.
    compose.get_by_role("button", name="Publish").click()

    expect(desk).to_have_url(re.compile(rf"/feeds/{slug}#post-\d+$"))
    media = re.compile(r"^http://127\.0\.0\.1:\d+/media/[0-9a-f]{64}-1600\.jpg$")

    for viewport, loaded in (
        ({"width": 1280, "height": 900}, 960),
        ({"width": 360, "height": 740}, 480),
    ):
        reader = new_context(viewport=viewport).new_page()
        reader.goto(live_server.at(f"/feeds/{slug}"))
        post = reader.locator("article.post").first
        expect(post.locator(".post-headline")).to_have_text("Crowds gather at the gate")
        figure = post.locator("figure.post-figure")
        image = figure.locator("img")
        expect(image).to_have_attribute("alt", ALT)
        expect(image).to_have_attribute("src", media)
        expect(image).to_have_attribute(
            "srcset", re.compile(r"-480\.jpg 480w, \S+-960\.jpg 960w, \S+-1600\.jpg 1600w$")
        )
        expect(image).to_have_attribute("width", "1600")
        expect(image).to_have_attribute("height", "1067")
        expect(figure.locator("figcaption")).to_contain_text(CAPTION)
        expect(figure.locator("figcaption")).to_contain_text("Ines Moreau")

        image.scroll_into_view_if_needed()
        reader.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        # The browser chose the size that fits its screen from the srcset, and loaded it.
        current = image.evaluate("img => img.currentSrc")
        assert current.endswith(f"-{loaded}.jpg"), current
        fetched = reader.evaluate(
            "src => performance.getEntriesByName(src).map((e) => e.responseStatus)", current
        )
        assert fetched == [200]
        # The picture's box was reserved before it loaded (width and height): no layout shift.
        ratio = image.evaluate(
            "img => img.getBoundingClientRect().width / img.getBoundingClientRect().height"
        )
        assert abs(ratio - 1.5) < 0.01


def test_a_picture_chosen_with_its_description_uploads_at_once(
    live_server: LiveServer, new_context: NewContext
) -> None:
    _, compose = open_compose(live_server, new_context)
    field(compose, "Description for screen readers (alt text)").fill("A map of the route")

    picker = compose.get_by_label("Upload a picture")
    picker.focus()  # a keyboard user reaches it with Tab like any field
    expect(picker).to_be_focused()
    picker.set_input_files(
        files=[{"name": "route.png", "mimeType": "image/png", "buffer": files.png(700, 350)}]
    )

    status = compose.locator("#f-image-file-status")
    expect(status).to_have_text(
        "Uploaded: 700 × 350 pixels, in 2 sizes. Check the description and caption before "
        "publishing."
    )
    expect(field(compose, "Image address")).to_have_value(
        re.compile(r"/media/[0-9a-f]{64}-700\.png$")
    )
    expect(field(compose, "Description for screen readers (alt text)")).to_have_value(
        "A map of the route"
    )
    expect(compose.locator(".upload-preview")).to_have_attribute("src", re.compile(r"-480\.png$"))


def test_a_refused_file_is_explained_next_to_the_field(
    live_server: LiveServer, new_context: NewContext
) -> None:
    _, compose = open_compose(live_server, new_context)
    field(compose, "Description for screen readers (alt text)").fill("Minutes")

    compose.get_by_label("Upload a picture").set_input_files(
        files=[{"name": "minutes.jpg", "mimeType": "image/jpeg", "buffer": b"Minutes\n" * 50}]
    )

    status = compose.locator("#f-image-file-status")
    expect(status).to_have_text(
        "Not uploaded: is not a JPEG, PNG, GIF or WebP picture, or an MP4 or WebM video "
        "(told from its content, not its name)"
    )
    expect(status).to_have_attribute("data-state", "error")
    expect(field(compose, "Image address")).to_have_value("")


def test_the_upload_fits_a_phone(live_server: LiveServer, new_context: NewContext) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug)
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, live_server)
    page.goto(live_server.at(f"/feeds/{slug}"))

    expect(page.get_by_label("Upload a picture")).to_be_visible()
    expect(page.get_by_label("Upload a video")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the page is {scroll_width}px wide on a 360px screen"
