"""What a template shows a person that is not in the catalog: text and attributes with letters.

Jinja's own parts (``{{ … }}``, ``{% … %}``, ``{# … #}``) are taken out first, so a message
given to ``_()`` or ``ngettext()`` counts as in the catalog, and so does any value the page
puts in (a feed's title, a post). What is left is the template's own words, which must be none.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# A tag whose name is a value (``<{{ heading }}>``): without a name in its place, the parser
# would read the whole tag as text.
_TAG_NAME = re.compile(r"(?<=<)/?\{\{.*?\}\}", re.S)
_LETTER = re.compile(r"[^\W\d_]")
# Attributes a person reads or hears (a screen reader speaks the aria- ones).
READ_ATTRIBUTES = {
    "title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription",
    "aria-valuetext", "label", "content", "data-confirm", "data-label",
}  # fmt: skip
# Names that are the same in every language (the services a post is shared to are brands).
PROPER_NAMES = {
    "RSS", "Atom", "JSON", "Feed", "JSON Feed", "Markdown", "C2PA", "OK", "UTC",
    "WhatsApp", "Bluesky", "X", "Facebook", "LinkedIn",
}  # fmt: skip
# A tag whose name the template chooses (`<{{ level }}>`): without a name in its place the
# parser would read the whole tag, attributes and all, as text.
_CHOSEN_TAG = re.compile(r"(</?)\{\{.*?\}\}", re.S)
_META_CONTENT = {"description", "og:description", "twitter:description"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping = 0
        # A key to press (``<kbd>j</kbd>``) is the key's own letter, the same in every language.
        self._keys = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        if tag == "kbd":
            self._keys += 1
        values = dict(attrs)
        for name, value in attrs:
            if value is None or name not in READ_ATTRIBUTES:
                continue
            if name == "content" and values.get("name") not in _META_CONTENT:
                continue
            self._check(value, f'{tag} {name}="{value}"')
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self._check(values.get("value") or "", f'input value="{values.get("value")}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1
        if tag == "kbd" and self._keys:
            self._keys -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._keys:
            self._check(data, data.strip())

    def _check(self, text: str, where: str) -> None:
        words = text.strip()
        if _LETTER.search(words) and words not in PROPER_NAMES:
            self.found.append(where)


def untranslated(template_source: str) -> list[str]:
    """Each piece of the template's own text a person would read, outside the catalog."""
    parser = _Visible()
    named = _TAG_NAME.sub(
        lambda found: "/span" if found.group().startswith("/") else "span", template_source
    )
    parser.feed(_JINJA.sub(" ", named))
    parser.close()
    return parser.found
