"""Every page of the desk on a 390 × 844 phone, as an administrator who also edits a feed sees it.

The pages come from the app's own router, so a desk page added later is checked too, or the
test fails until someone says here why it is not a page to check. Each page must fit the screen
(no sideways scroll, nothing past its right edge but inside something that scrolls on purpose),
cut off no name, give every button a finger's height where the finger can reach it, and keep
neighbouring links apart. The newsroom behind them is full: posts, drafts, a contribution, a
scheduled post, comments waiting and reported, a ban, a token, a team and an audit trail, since
an empty table fits any screen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from starlette.routing import Route

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.app import create_app
from tests.browser.busy_newsroom import TITLE, addresses, fill_newsroom
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.browser.loopback_site import LoopbackSite
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_feed, make_post

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
PHONE = {"viewport": {"width": WIDTH, "height": HEIGHT}, "is_mobile": True, "has_touch": True}
# Apple's and Android's guidance for something a finger presses.
FINGER = 44
SETTLING_SECONDS = 5.0

# What counts as a page of the desk: under these paths, from these modules, or a feed's or a
# post's page for its team. Everything else the router serves is the readers' (or the API's).
DESK_PREFIXES = ("/desk", "/moderation", "/account")
DESK_MODULES = (
    "livefeed.web.desk.",
    "livefeed.web.discussion.moderation",
    "livefeed.web.discussion.bans",
    "livefeed.web.discussion.reader_accounts",
)
TEAM_PAGE_ENDINGS = (
    "/edit",
    "/delete",
    "/retract",
    "/team",
    "/contributions",
    "/mine",
    "/revisions",
    "/moderation",
    "/report",
)
# Desk-looking routes that are not pages to check, each with the reason.
SKIPPED: dict[str, str] = {
    "/login": "the way in for someone signed out; signing in leaves it for the desk",
    "/signup": "for someone without an account: a signed-in visit is sent straight back",
    "/media/{name}": "an uploaded file as it is, not a page",
    "/account/data": "a JSON download of the account, not a page",
    "/password-reset/{token}": "opened from a mailed link: test_password_reset.py goes there",
    "/moderation/queue.json": "the JSON the queue's script asks for, not a page",
    "/feeds/{slug}/pulse": "the stream an editor's feed page follows, not a page",
    "/desk/pulse": "the stream the desk's list of feeds follows, not a page",
}
# Whatever is under /api/ answers scripts in JSON: no page there to lay out.
SKIPPED_PREFIXES: dict[str, str] = {"/api/": "JSON for scripts, not a page"}

# One evaluation per page (a few hundred elements each): what does not fit, what is cut off,
# which buttons are too small or out of reach, and which links touch. A visually hidden text
# (the screen readers' words) and the skip link (off screen until focused) are meant to be
# out of sight; an element inside a box that scrolls sideways on purpose is reached by
# scrolling that box, which must fit in turn.
MEASURE = """([width, finger]) => {
  window.scrollTo(0, 0);
  const say = (el) => {
    const names = [...el.classList].map((c) => "." + c).join("");
    const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return el.tagName.toLowerCase() + names + (text ? ` "${text}"` : "");
  };
  const known = new Map();
  const hiddenOnPurpose = (el) => {
    if (!el || el === document.body) return false;
    if (known.has(el)) return known.get(el);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const clipped = (style.clipPath !== "none" || style.clip !== "auto")
      && box.width <= 1 && box.height <= 1;
    const answer = el.matches(".visually-hidden, .skip-link") || clipped
      || hiddenOnPurpose(el.parentElement);
    known.set(el, answer);
    return answer;
  };
  const shown = (el) => {
    if (!el.checkVisibility({ checkVisibilityCSS: true }) || hiddenOnPurpose(el)) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const scrollsOnPurpose = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  const all = [...document.body.querySelectorAll("*")].filter(shown);

  const outside = new Set(all.filter((el) => {
    const box = el.getBoundingClientRect();
    return (box.right > width + 0.5 || box.left < -0.5) && !scrollsOnPurpose(el);
  }));
  const beyond = [...outside]
    .filter((el) => !outside.has(el.parentElement))
    .map((el) => `${say(el)} spans ${Math.round(el.getBoundingClientRect().left)}`
      + `–${Math.round(el.getBoundingClientRect().right)} px`);

  const replaced = "input, textarea, select, img, video, iframe, audio, canvas, svg";
  const clips = (overflow) => overflow === "hidden" || overflow === "clip";
  const cut = all.filter((el) => {
    if (el.matches(replaced) || el.scrollWidth <= el.clientWidth + 1) return false;
    const style = getComputedStyle(el);
    return clips(style.overflowX) || style.textOverflow === "ellipsis";
  }).map((el) => `${say(el)} shows ${el.clientWidth} of ${el.scrollWidth} px`);

  const buttons = all.filter((el) => el.matches(
    "button, input[type=submit], input[type=button], a.button, [role=button]"));
  const small = buttons
    .filter((el) => el.getBoundingClientRect().height < finger - 0.5)
    .map((el) => `${say(el)} is ${Math.round(el.getBoundingClientRect().height)} px tall`);
  // Reached: scrolled to, the button is on screen and nothing (a docked player, a sticky bar)
  // lies over its middle.
  const unreachable = [];
  for (const el of buttons) {
    el.scrollIntoView({ block: "center", inline: "nearest" });
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const inside = box.left >= -0.5 && box.right <= window.innerWidth + 0.5
      && box.top >= -0.5 && box.bottom <= window.innerHeight + 0.5;
    const top = inside ? document.elementFromPoint(x, y) : null;
    if (!top || !(top === el || el.contains(top))) {
      const why = inside ? ` is under ${say(top || document.body)}` : " is off screen";
      unreachable.push(say(el) + why);
    }
  }
  window.scrollTo(0, 0);

  // Neighbouring links and buttons on one line: from the end of the first one's last line to
  // the start of the next one's first line, as a link that wraps is drawn.
  const controls = [...document.querySelectorAll("header a, header button, main a, main button")]
    .filter(shown);
  const touching = [];
  for (let i = 1; i < controls.length; i++) {
    const before = controls[i - 1], after = controls[i];
    if (before.contains(after)) continue;
    const a = [...before.getClientRects()].at(-1), b = after.getClientRects()[0];
    const sameLine = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
      > Math.min(a.height, b.height) / 2;
    const apart = Math.max(b.left - a.right, a.left - b.right);
    if (sameLine && apart < 4) {
      touching.push(`${say(before)} and ${say(after)} are ${Math.round(apart)} px apart`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    beyond, cut, small, unreachable, touching,
  };
}"""


@dataclass
class Findings:
    """What one page got wrong on the phone."""

    url: str
    problems: list[str]

    def __str__(self) -> str:
        return f"{self.url}\n    " + "\n    ".join(self.problems)


def page_routes(server: LiveServer) -> list[Route]:
    """The GET routes of the app the server runs, from a copy of it over the same database."""
    svc = Services.build(server.server.settings, passwords=CHEAP_PASSWORDS)
    try:
        app = create_app(server.server.settings, svc)
        return [r for r in app.routes if isinstance(r, Route) and "GET" in (r.methods or ())]
    finally:
        svc.close()


def looks_like_desk(route: Route) -> bool:
    return (
        route.path.startswith(DESK_PREFIXES)
        or route.endpoint.__module__.startswith(DESK_MODULES)
        or route.path.endswith(TEAM_PAGE_ENDINGS)
    )


def skipped(path: str) -> bool:
    return path in SKIPPED or path.startswith(tuple(SKIPPED_PREFIXES))


def sign_in(page: Page, server: LiveServer, user: User) -> None:
    page.goto(server.at("/login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").tap()
    expect(page).to_have_url(server.at("/desk"))


def measured(page: Page, width: int) -> dict[str, Any]:
    # Measured before its stylesheet has come, a page is laid out without it.
    page.wait_for_load_state()
    found: dict[str, Any] = page.evaluate(MEASURE, [width, FINGER])
    return found


def measure(page: Page) -> list[str]:
    found = measured(page, WIDTH)
    problems: list[str] = []
    # A phone's browser zooms out a page wider than the screen: its window grows with it.
    wide = max(found["scrollWidth"], found["innerWidth"])
    if wide > WIDTH:
        problems.append(f"scrolls sideways: {wide} px wide on a {WIDTH} px phone")
    problems += [f"past the edge: {line}" for line in found["beyond"]]
    problems += [f"cut off: {line}" for line in found["cut"]]
    problems += [f"too small for a finger: {line}" for line in found["small"]]
    problems += [f"out of reach: {line}" for line in found["unreachable"]]
    problems += [f"links run together: {line}" for line in found["touching"]]
    return problems


def visit(page: Page, server: LiveServer, path: str) -> Iterator[str]:
    response = page.goto(server.at(path))
    assert response is not None
    if response.status != 200:
        yield f"answered {response.status}"
        return
    # Sent to log in, the test would check the login form instead of the page.
    if urlsplit(page.url).path == "/login":
        yield "sent to log in"
        return
    yield from measure(page)


def test_every_desk_page_fits_a_phone(live_server: LiveServer, new_context: NewContext) -> None:
    made = fill_newsroom(live_server)
    pages = addresses(made)

    routes = page_routes(live_server)
    paths = {route.path for route in routes}
    unaccounted = sorted(
        route.path
        for route in routes
        if looks_like_desk(route) and route.path not in pages and not skipped(route.path)
    )
    assert not unaccounted, (
        f"desk pages neither checked nor in SKIPPED with a reason: {unaccounted}"
    )
    stale = sorted(set(pages) - paths) + sorted(set(SKIPPED) - paths)
    assert not stale, f"routes the app no longer has: {stale}"

    page = new_context(**PHONE).new_page()
    sign_in(page, live_server, made.admin)
    failed: list[Findings] = []
    for path in [url for urls in pages.values() for url in urls]:
        problems = list(visit(page, live_server, path))
        if problems:
            failed.append(Findings(path, problems))
    report = "\n".join(str(found) for found in failed)
    assert not failed, f"{len(failed)} desk pages do not suit a {WIDTH} px phone:\n{report}"


def test_the_desks_links_stand_apart_on_wider_screens_too(
    live_server: LiveServer, new_context: NewContext
) -> None:
    """Wider than a phone, the desk's feeds are a table again: the links of a row must not run
    together there either ("EditTeamContributionsMy posts")."""
    make_feed(live_server.svc, live_server.editor, slug=live_server.slug, title=TITLE)
    for width in (800, 1280):
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        log_in(page, live_server)
        found = measured(page, width)
        assert not found["touching"], f"at {width} px: {found['touching']}"


@pytest.fixture
def radio() -> Iterator[LoopbackSite]:
    """A stream address that answers nothing: the player says it is offline, at its tallest."""
    site = LoopbackSite({})
    try:
        yield site
    finally:
        site.stop()


COMPOSE_BUTTONS = ("Preview", "Publish", "Save draft")


def in_reach_above_the_player(page: Page, name: str) -> None:
    """The compose form's button ``name`` is on screen, a finger's height, wholly above the
    docked player, and nothing lies over it, once the page has settled: a line of the editors'
    pulse arriving above the form moves it while it is being measured."""
    deadline = time.monotonic() + SETTLING_SECONDS
    while True:
        try:
            _in_reach_above_the_player(page, name)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(100)


def _in_reach_above_the_player(page: Page, name: str) -> None:
    button = page.get_by_role("region", name="New post").get_by_role(
        "button", name=name, exact=True
    )
    box = button.bounding_box()
    dock = page.get_by_role("region", name="Live audio").bounding_box()
    assert box is not None
    assert dock is not None
    assert box["height"] >= FINGER, f"{name} is {box['height']} px tall"
    assert box["y"] >= 0, f"{name} is above the screen"
    assert box["y"] + box["height"] <= dock["y"], f"{name} is under the player"
    middle = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    uncovered = button.evaluate(
        "(button, [x, y]) => button.contains(document.elementFromPoint(x, y))", middle
    )
    assert uncovered, f"{name} is covered"


def test_listen_live_leaves_the_compose_buttons_in_reach_on_a_phone(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, title=TITLE, audio_stream_url=radio.at("/live.mp3"))
    make_post(svc, editor, slug, headline="Delegations return", body="Talks resume at nine.")
    page = new_context(**PHONE).new_page()
    log_in(page, live_server)
    page.goto(live_server.at(f"/feeds/{slug}"))
    compose = page.get_by_role("region", name="New post")
    # The script has run once the publish button carries its shortcut.
    publish = compose.get_by_role("button", name="Publish")
    expect(publish).to_have_attribute("aria-keyshortcuts", re.compile("Enter"))

    page.get_by_role("button", name="Listen Live").tap()
    player = page.get_by_role("region", name="Live audio")
    expect(player).to_be_visible()
    expect(player.locator(".listen-status")).to_have_attribute("data-state", "offline")

    # The editor starts at the top of the form: its buttons stick to the foot of the screen,
    # above the player rather than under it; and where they come to rest, at the form's end.
    compose.get_by_role("heading", name="New post").evaluate(
        "heading => heading.scrollIntoView({block: 'start'})"
    )
    compose.get_by_label("Headline (optional when there is text)", exact=True).fill("Talks resume")
    for name in COMPOSE_BUTTONS:
        in_reach_above_the_player(page, name)
    compose.locator("form").evaluate("form => form.scrollIntoView({block: 'end'})")
    for name in COMPOSE_BUTTONS:
        in_reach_above_the_player(page, name)
    for name in ("Play", "Close the player"):
        expect(player.get_by_role("button", name=name, exact=True)).to_be_in_viewport()

    wide = page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth)")
    assert wide <= WIDTH, f"the feed page is {wide} px wide on a {WIDTH} px phone"
