"""Right-to-left pages: stylesheets that follow the page's direction, and typed names and titles
isolated from the words around them (the browser tests draw both: tests/browser/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from livefeed.domain import languages
from livefeed.domain.access import FeedRole
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web import rendering
from tests.factories import join, make_feed, make_post, make_user

STATIC = Path(rendering.__file__).with_name("static")
STYLESHEETS = ("livefeed.css", "moderation.css")
# A side named outright: in a property (margin-left, border-top-right-radius, right) or in a
# value that puts a box or its text on one side (text-align: left, float: right).
PHYSICAL_PROPERTY = re.compile(r"(?<![\w-])[\w-]*\b(?:left|right)\b[\w-]*\s*:")
PHYSICAL_VALUE = re.compile(
    r"(?<![\w-])(?:text-align|float|clear|background-position|caption-side)\s*:[^;}]*\b(?:left|right)\b"
)
# translateX and its kin move a box along the line, which runs the other way on such a page.
SIDEWAYS_TRANSFORM = re.compile(r"\b(?:translateX|translate3d|translate|skewX|rotateY)\s*\(")
# Four values of a box's sides (top right bottom left): the right and the left must agree.
FOUR_SIDES = re.compile(
    r"(?<![\w-])(?:margin|padding|inset|border-width|border-style|border-color)\s*:\s*([^;}]+)"
)
# Corners (top-left top-right bottom-right bottom-left): each pair across the page must agree.
CORNERS = re.compile(r"(?<![\w-])border-radius\s*:\s*([^;}/]+)")
# Places where a physical side is right in either direction, each with the reason. None yet.
ALLOWED: dict[str, str] = {}


def declarations(name: str) -> str:
    """The stylesheet without its comments, which may well speak of left and right."""
    return re.sub(r"/\*.*?\*/", "", (STATIC / name).read_text(), flags=re.DOTALL)


def values(text: str) -> list[str]:
    """A shorthand's values, a function such as max(1rem, calc(…)) counting as one."""
    found: list[str] = []
    depth, current = 0, ""
    for char in text.replace("!important", "").strip() + " ":
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char.isspace() and depth == 0:
            if current:
                found.append(current)
            current = ""
        else:
            current += char
    return found


@pytest.mark.parametrize("name", STYLESHEETS)
def test_the_stylesheets_name_no_side_of_the_page(name: str) -> None:
    css = declarations(name)
    found = [
        match.group(0)
        for pattern in (PHYSICAL_PROPERTY, PHYSICAL_VALUE, SIDEWAYS_TRANSFORM)
        for match in pattern.finditer(css)
    ]
    for match in FOUR_SIDES.finditer(css):
        sides = values(match.group(1))
        if len(sides) == 4 and sides[1] != sides[3]:
            found.append(match.group(0))
    for match in CORNERS.finditer(css):
        corners = values(match.group(1))
        if (len(corners) in (2, 3) and corners[0] != corners[1]) or (
            len(corners) == 4 and (corners[0], corners[3]) != (corners[1], corners[2])
        ):
            found.append(match.group(0))
    assert [text for text in found if text not in ALLOWED] == []


def test_the_check_finds_each_kind_of_side() -> None:
    """The patterns above are the test: each must catch what it is there for."""
    assert PHYSICAL_PROPERTY.search(".a { margin-left: 1rem; }")
    assert PHYSICAL_PROPERTY.search(".a { border-top-right-radius: 2px; }")
    assert PHYSICAL_PROPERTY.search(".a { position: fixed; right: 0; }")
    assert not PHYSICAL_PROPERTY.search(".a { margin-inline-start: 1rem; inset-inline: 0; }")
    assert PHYSICAL_VALUE.search(".a { text-align: right; }")
    assert PHYSICAL_VALUE.search(".a { float: left; }")
    assert not PHYSICAL_VALUE.search(".a { text-align: end; }")
    assert SIDEWAYS_TRANSFORM.search(".a { transform: translateX(4px); }")
    assert values("0.5rem max(1rem, calc((100% - 2rem) / 2)) 0 1rem") == [
        "0.5rem",
        "max(1rem, calc((100% - 2rem) / 2))",
        "0",
        "1rem",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna Editor", False),
        ("Jane Doe (AP), 2026!", False),
        ("سارة", True),
        ("שלום", True),
        ("Anna \u2067x\u2069", True),
        ("٣", True),
    ],
)
def test_text_that_runs_right_to_left_is_told_apart(text: str, expected: bool) -> None:
    assert languages.holds_right_to_left(text) is expected


def jane(svc: Services) -> User:
    """An editor of the summit feed whose name ends in a sign that takes a side from its
    neighbours: among right-to-left words the full stop would leave her name."""
    jane = make_user(svc, "jane@newsroom.test", name="Jane Doe Jr.")
    join(svc, jane, "summit", FeedRole.EDITOR)
    return jane


def test_a_name_is_isolated_on_a_right_to_left_page(
    client: TestClient, svc: Services, editor: User
) -> None:
    # The reader's Arabic, and the feed's own language once feeds have one.
    make_feed(svc, editor, title="قمة جنيف", language="ar")
    make_post(svc, jane(svc), headline="Talks resume", tags="geneva", **{"quote.text": "We agree",
              "quote.attribution": "Jane Doe Jr."})  # fmt: skip
    page = client.get("/feeds/summit", headers={"Accept-Language": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page
    assert "<bdi>Jane Doe Jr.</bdi></p>" in page
    assert "<figcaption><bdi>Jane Doe Jr.</bdi></figcaption>" in page
    assert "><bdi>geneva</bdi></a>" in page


def test_right_to_left_text_is_isolated_on_a_left_to_right_page(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, title="قمة جنيف (مباشر)")
    page = client.get("/", headers={"Accept-Language": "en"}).text
    assert '<span class="feed-card-title"><bdi>قمة جنيف (مباشر)</bdi></span>' in page


def test_left_to_right_text_on_a_left_to_right_page_is_left_as_it_is(
    client: TestClient, svc: Services, editor: User
) -> None:
    """Nothing there can be reordered: the page carries no element it does not need."""
    make_feed(svc, editor)
    make_post(svc, jane(svc), headline="Talks resume")
    page = client.get("/feeds/summit", headers={"Accept-Language": "en"}).text
    assert '<p class="byline">By Jane Doe Jr.</p>' in page
    assert "<bdi>" not in page
