"""Where a page draws its parts, said from the side its lines begin: the left in a left-to-right
language, the right in a right-to-left one, so one assertion checks both a page and its mirror."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

DIRECTION = {"en": "ltr", "ar": "rtl"}
# Half a pixel either way: edges that meet are computed from the same lengths.
NEAR = 1.0

Box = dict[str, float]


def box(locator: Locator) -> Box:
    expect(locator).to_be_visible()
    found = locator.bounding_box()
    assert found is not None
    return {"start_ltr": found["x"], "end_ltr": found["x"] + found["width"]}


def text_box(locator: Locator) -> Box:
    """Where an element's words are drawn, which a block's own box does not say."""
    expect(locator).to_be_visible()
    left, right = locator.evaluate(
        "element => { const range = document.createRange(); range.selectNodeContents(element);"
        " const r = range.getBoundingClientRect(); return [r.left, r.right]; }"
    )
    return {"start_ltr": left, "end_ltr": right}


def start(found: Box, direction: str) -> float:
    """The edge a line begins at: the left one in English, the right one in Arabic."""
    return found["start_ltr"] if direction == "ltr" else -found["end_ltr"]


def end(found: Box, direction: str) -> float:
    return found["end_ltr"] if direction == "ltr" else -found["start_ltr"]


def starts_together(inner: Box, outer: Box, direction: str) -> bool:
    return abs(start(inner, direction) - start(outer, direction)) <= NEAR


def ends_together(inner: Box, outer: Box, direction: str) -> bool:
    return abs(end(inner, direction) - end(outer, direction)) <= NEAR


def comes_before(first: Box, second: Box, direction: str) -> bool:
    """``first`` is read before ``second`` on one line: to its left in English, right in Arabic."""
    return end(first, direction) <= start(second, direction) + NEAR


def border(element: Locator, side: str) -> str:
    width: str = element.evaluate(
        f"e => getComputedStyle(e).getPropertyValue('border-{side}-width')"
    )
    return width
