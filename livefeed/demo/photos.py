"""The demo's pictures: random placeholders, credited as placeholders so that no reader takes
them for the scenes their captions describe."""

from __future__ import annotations

PLACEHOLDER_CREDIT = "picsum.photos (placeholder)"


def photo(seed: str) -> str:
    return f"https://picsum.photos/seed/{seed}/1200/800"
