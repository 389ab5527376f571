"""A comment's words: what a reader may type, and how it reaches the page.

A comment is plain text. Nothing a reader types is ever markup: the text is escaped whole, and
only then are ``http(s)://`` addresses turned into links, so no input can reach the page as
anything but text and links that say where they go.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape
from urllib.parse import urlsplit

from livefeed.domain.errors import Invalid

BODY_LENGTH = 2_000
NAME_LENGTH = 60
NAME_MIN_LENGTH = 2
NOTE_LENGTH = 500


# Text rules ------------------------------------------------------------------------------------

# C0 controls but the line feed, DEL, C1 controls, and the Unicode line and paragraph separators
# (which end a line in JavaScript and some terminals).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Characters that reorder or hide text around them: in a name they let one reader pose as
# another ("Anna" followed by a right-to-left override), so names refuse them.
_DECEPTIVE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _as_text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid.field(field, "must be text")
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _refuse_controls(text: str, field: str) -> None:
    found = _CONTROL.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        position = found.start() + 1
        at = f"{position:,}"
        raise Invalid.field(
            field,
            "must not contain control characters (found %(code)s at character %(at)s)",
            code=code,
            at=at,
        )


def _check_length(text: str, field: str, limit: int) -> None:
    if len(text) > limit:
        most, count = f"{limit:,}", f"{len(text):,}"
        raise Invalid.field(
            field, "must be at most %(most)s characters (it has %(count)s)", most=most, count=count
        )


def clean_body(value: object, field: str = "body") -> str:
    """A comment's text: trimmed, 1 to 2,000 characters, line breaks kept, no other controls."""
    text = _as_text(value, field)
    if not text:
        raise Invalid.field(field, "write something first: the comment is empty")
    _refuse_controls(text, field)
    _check_length(text, field, BODY_LENGTH)
    return text


def clean_note(value: object, field: str = "note") -> str:
    """The optional words that go with a report."""
    text = _as_text(value, field)
    _refuse_controls(text, field)
    _check_length(text, field, NOTE_LENGTH)
    return text


def clean_guest_name(value: object, field: str = "name") -> str:
    """The name a guest comments under: one line, 2 to 60 characters, nothing deceptive."""
    text = _as_text(value, field)
    if not text:
        raise Invalid.field(field, "give the name to show with your comment")
    if "\n" in text:
        raise Invalid.field(field, "must be one line")
    _refuse_controls(text, field)
    if _DECEPTIVE.search(text):
        raise Invalid.field(field, "must not contain invisible or text-reordering characters")
    text = re.sub(r"\s+", " ", text)
    if len(text) < NAME_MIN_LENGTH:
        raise Invalid.field(field, "must be at least %(least)d characters", least=NAME_MIN_LENGTH)
    _check_length(text, field, NAME_LENGTH)
    return text


# Rendering -------------------------------------------------------------------------------------

# An address runs to the next space or to a character that cannot be part of one as typed.
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# Punctuation that ends a sentence more often than it ends an address.
_TRAILING = ".,;:!?'*"


def _link_end(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def links_in(text: str) -> list[str]:
    """The http(s) addresses a comment's text holds, as they will be linked."""
    found: list[str] = []
    for match in _URL.finditer(text):
        url = _link_end(match.group())
        try:
            host = urlsplit(url).hostname
        except ValueError:
            continue
        if host:
            found.append(url)
    return found


def render_text(text: str) -> str:
    """A comment as HTML: everything escaped, addresses made links, line breaks kept."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = _link_end(match.group())
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if not host:
            continue
        start = match.start()
        parts.append(escape(text[position:start]))
        parts.append(f'<a rel="nofollow ugc noopener" href="{escape(url)}">{escape(url)}</a>')
        position = start + len(url)
    parts.append(escape(text[position:]))
    return "".join(parts).replace("\n", "<br>\n")
