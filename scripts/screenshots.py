"""Take the screenshots in docs/screenshots/ from the real server and a real browser.

Starts ``livefeed serve`` on a temporary SQLite database with the demo feed seeded and an Arabic
feed beside it, signs in an editor, and saves what a reader and an editor see. The browser
reaches loopback only; outside images (the demo's placeholder photos) are answered with a
generated gradient, so the pictures show the layout rather than broken-image icons.

Usage: ``.venv/bin/python scripts/screenshots.py`` (or ``make screenshots``). Needs Debian's
``/usr/bin/chromium``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    FloatRect,
    Page,
    Route,
    expect,
    sync_playwright,
)

from livefeed.access import accounts
from livefeed.domain.users import Role
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = frozenset({"127.0.0.1", "localhost"})
DEMO_SLUG = "climate-summit-night"
ARABIC_SLUG = "doha-ceasefire-talks"
EDITOR_EMAIL = "editor@livefeed.local"
EDITOR_NAME = "Jo Lindqvist"
START_TIMEOUT = 60.0
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGE_HEIGHT = 1800


def say(message: str) -> None:
    print(message, flush=True)


# --- A stand-in for outside images -------------------------------------------------------------


def png(width: int, height: int, pixels: list[bytes]) -> bytes:
    """An RGB PNG from rows of ``width * 3`` bytes each."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in pixels)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


@cache
def placeholder(seed: str, width: int, height: int) -> bytes:
    """A soft diagonal gradient in two muted colours picked by ``seed``: calm, and distinct
    from one picture to the next. Drawn small; the browser scales it to the image's box."""
    digest = hashlib.sha256(seed.encode()).digest()
    start = [60 + digest[i] % 90 for i in range(3)]
    end = [150 + digest[i + 3] % 80 for i in range(3)]
    rows = []
    span = width + height - 2 or 1
    for y in range(height):
        row = bytearray()
        for x in range(width):
            t = (x + y) / span
            row += bytes(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        rows.append(bytes(row))
    return png(width, height, rows)


def image_size(url: str) -> tuple[int, int]:
    """The shape the URL asks for (``…/1200/800``), drawn at most 240 pixels wide."""
    found = re.search(r"/(\d{2,4})/(\d{2,4})/?$", urlsplit(url).path)
    width, height = (int(found[1]), int(found[2])) if found else (1200, 800)
    scale = min(1.0, 240 / width)
    return max(1, round(width * scale)), max(1, round(height * scale))


def only_loopback(route: Route) -> None:
    request = route.request
    if urlsplit(request.url).hostname in LOOPBACK:
        route.continue_()
    elif request.resource_type == "image":
        body = placeholder(urlsplit(request.url).path, *image_size(request.url))
        route.fulfill(status=200, content_type="image/png", body=body)
    else:
        route.abort()


# --- The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def add_editor(settings: Settings, password: str) -> None:
    """Migrate and add the editor before ``serve`` runs: as the site's admin, they may work on
    the demo feed that ``serve`` seeds, and ``serve`` makes no admin of its own."""
    svc = Services.build(settings)
    try:
        upgrade(svc.db)
        accounts.add_user(svc, EDITOR_EMAIL, password, role=Role.ADMIN, display_name=EDITOR_NAME)
    finally:
        svc.close()


@contextmanager
def live_server(workdir: Path, password: str) -> Iterator[str]:
    """``livefeed serve`` with the demo seeded; yields its origin once ``GET /`` answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    values = {
        "LIVEFEED_DATABASE_URL": f"sqlite:///{workdir / 'live.db'}",
        "LIVEFEED_PUBLIC_URL": url,
        "LIVEFEED_SEED_DEMO": "true",
    }
    settings = Settings.from_env(values, env_file=None)
    add_editor(settings, password)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEFEED_")}
    env.update(values, PYTHONUNBUFFERED="1")
    log = workdir / "serve.log"
    command = Path(sys.executable).with_name("livefeed")
    say(f"Starting livefeed serve on {url} (seeding the demo feed)…")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(command), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(process, url + "/", log)
        # Once the demo is seeded: on a site that already has a feed, no demo is seeded.
        add_arabic_feed(settings)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        say("Server stopped.")


def wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            sys.exit(f"livefeed serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own loopback URL)
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"livefeed serve did not answer {url} in time:\n{log.read_text()}")
        time.sleep(0.1)


# --- The Arabic feed -----------------------------------------------------------------------------

ARABIC_FEED = {
    "slug": ARABIC_SLUG,
    "title": "محادثات وقف إطلاق النار في الدوحة: تغطية مباشرة",
    "lead": "يجتمع الوسطاء مع وفدَي الطرفين لليوم الثاني على التوالي سعيًا إلى اتفاق على "
    "هدنة وتبادل للأسرى.",
    "notes": "جميع الأوقات بتوقيت الدوحة.",
    "tags": "مفاوضات, الدوحة",
    "timezone": "Asia/Qatar",
    "language": "ar",
}
# Oldest first, each with its minute in the story; the newest lands a few minutes before now.
ARABIC_POSTS: list[tuple[int, dict[str, object]]] = [
    (0, {
        "headline": "الوفود تصل إلى مقر المحادثات",
        "body": "وصل وفدا الطرفين صباح اليوم إلى مقر المفاوضات في العاصمة القطرية وسط "
        "إجراءات أمنية مشددة، ويُتوقع أن تبدأ الجلسة الأولى قبل الظهر بمشاركة الوسطاء "
        "القطريين والمصريين.",
        "verification": "confirmed",
    }),
    (35, {
        "headline": "تقارير عن تقدم في ملف تبادل الأسرى",
        "body": "نقلت وسائل إعلام محلية عن مصادر مطلعة أن الجانبين اقتربا من التوافق على "
        "المرحلة الأولى من صفقة التبادل. لم يتسنَّ لنا التحقق من ذلك بشكل مستقل.",
        "verification": "unverified",
        "sourcing": "بحسب مصادر مطلعة على سير المفاوضات",
    }),
    (70, {
        "headline": "رئيس الوزراء القطري: «الساعات المقبلة حاسمة»",
        "body": "جاءت التصريحات في مؤتمر صحفي مقتضب عقب انتهاء الجلسة الثانية من المحادثات.",
        "quote.text": "نحن أقرب إلى الاتفاق من أي وقت مضى، لكن الساعات المقبلة ستكون حاسمة، "
        "ولا يزال أمامنا عمل كثير.",
        "quote.attribution": "رئيس مجلس الوزراء وزير الخارجية القطري",
        "verification": "confirmed",
    }),
    (110, {
        "headline": "الوسطاء يعلنون اتفاقًا مبدئيًا على هدنة لمدة ستة أسابيع",
        "body": "أعلن الوسطاء في بيان مشترك أن الطرفين وافقا مبدئيًا على وقف لإطلاق النار "
        "يبدأ سريانه خلال **ثمانٍ وأربعين ساعة**، على أن تُستكمل التفاصيل الفنية في جولة "
        "لاحقة من المحادثات.",
        "key_event": True,
        "verification": "confirmed",
    }),
]  # fmt: skip
ARABIC_NEWEST_AGE = timedelta(minutes=6)


def add_arabic_feed(settings: Settings) -> None:
    """The Arabic feed, opened and written through the publishing use cases as an editor's desk
    would, each post stamped with its moment in the story."""
    svc = Services.build(settings)
    try:
        editor = accounts.by_email(svc, EDITOR_EMAIL)
        last = max(minute for minute, _ in ARABIC_POSTS)
        start = svc.clock().replace(second=0, microsecond=0) - ARABIC_NEWEST_AGE
        start -= timedelta(minutes=last)
        publishing.create_feed(at(svc, start), editor, ARABIC_FEED)
        for minute, fields in ARABIC_POSTS:
            moment = start + timedelta(minutes=minute)
            publishing.publish_post(at(svc, moment), editor, ARABIC_SLUG, fields)
    finally:
        svc.close()


def at(svc: Services, moment: datetime) -> Services:
    return dataclasses.replace(svc, clock=lambda: moment)


# --- The pictures --------------------------------------------------------------------------------


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(**options)
    context.route("**/*", only_loopback)
    return context


def settle(page: Page) -> None:
    """Wait for every image, lazy ones included, before the picture is taken."""
    page.evaluate(
        """async () => {
            for (const img of document.images) img.loading = "eager";
            await Promise.all([...document.images].map((img) => img.decode().catch(() => {})));
        }"""
    )


def save(page: Page, name: str, *, height: int | None = None) -> int:
    """The viewport, or the page from the top down to ``height`` pixels or the end of its
    content, whichever comes first (no blank band under a short page); the height taken."""
    path = OUT / name
    settle(page)
    if height is None:
        page.screenshot(path=path)
        taken = page.viewport_size["height"] if page.viewport_size else DESKTOP["height"]
    else:
        total = page.evaluate("Math.ceil(document.body.getBoundingClientRect().bottom) + 16")
        width = page.viewport_size["width"] if page.viewport_size else DESKTOP["width"]
        clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": min(height, total)}
        page.screenshot(path=path, full_page=True, clip=clip)
        taken = round(clip["height"])
    say(f"Saved {path.relative_to(ROOT)}")
    return taken


def log_in(page: Page, origin: str, password: str) -> None:
    page.goto(f"{origin}/login")
    page.get_by_label("Email address").fill(EDITOR_EMAIL)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{origin}/desk")


def take(browser: Browser, origin: str, password: str) -> None:
    feed_url = f"{origin}/feeds/{DEMO_SLUG}"

    say("Reader, desktop…")
    page = new_context(browser, viewport=DESKTOP).new_page()
    page.goto(feed_url)
    english = save(page, "feed.png", height=PAGE_HEIGHT)

    say("Reader, desktop, the Arabic feed…")
    # As tall as the English picture, so the two sit side by side in the README.
    page = new_context(browser, viewport={**DESKTOP, "height": english}).new_page()
    page.goto(f"{origin}/feeds/{ARABIC_SLUG}")
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    save(page, "feed-ar.png")

    say("Reader, phone…")
    page = new_context(
        browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    ).new_page()
    page.goto(feed_url)
    save(page, "feed-phone.png")

    say("Editor, desk…")
    page = new_context(browser, viewport=DESKTOP).new_page()
    log_in(page, origin, password)
    save(page, "desk-list.png", height=PAGE_HEIGHT)

    say("Editor, feed page with the compose form and a preview…")
    page.goto(feed_url)
    compose = page.get_by_role("region", name="New post")
    compose.get_by_label("Headline").fill("Delegates leave the hall as the lights go down")
    compose.get_by_label("Text", exact=True).fill(
        "The last delegations are leaving the plenary hall, **some of them applauding** "
        "the cleaning crews on their way out.\n\nOur reporters will file reaction overnight."
    )
    compose.get_by_label("Quoted words", exact=True).fill("Two weeks, one sentence, no sleep.")
    compose.get_by_label("Who said it", exact=True).fill("A delegate from the Pacific group")
    compose.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview")).to_be_visible()
    # Down to the form's end, measured on the page: the preview keeps the reader's scroll place.
    bottom = compose.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")
    save(page, "desk.png", height=round(bottom) + 40)


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit(f"Chromium is not installed at {CHROMIUM}")
    OUT.mkdir(parents=True, exist_ok=True)
    password = "screenshots-" + os.urandom(6).hex()
    with (
        tempfile.TemporaryDirectory(prefix="livefeed-shots-") as tmp,
        live_server(Path(tmp), password) as origin,
        sync_playwright() as driver,
    ):
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            take(browser, origin, password)
        finally:
            browser.close()
    say(f"Done: {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
