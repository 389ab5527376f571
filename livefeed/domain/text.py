"""Rules shared by every free-text and link field: length, control characters, link schemes.

They live here, apart from any one form, so the page, the API and the CLI refuse the same
input with the same words.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from livefeed.domain.errors import Invalid
from livefeed.domain.languages import fold

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\r\n\t]")
# Embeddings, overrides and isolates: invisible, and able to make a headline read otherwise
# than it is stored. The marks (U+200E, U+200F) that right-to-left typing needs stay allowed.
_DIRECTION_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]")

MAX_TAGS = 10
MAX_TAG_LENGTH = 40


def clean_line(value: object, field: str, *, max_length: int, required: bool = False) -> str:
    """One line of text: trimmed, NFC, no control characters or line breaks."""
    text = _as_text(value, field)
    if _LINE_BREAK.search(text) or _CONTROL.search(text):
        raise Invalid.field(field, "must be one line without control characters")
    return _check_length(text, field, max_length=max_length, required=required)


def clean_title(value: object, field: str, *, max_length: int, required: bool = False) -> str:
    """A headline or a title: one line, with no invisible direction controls."""
    text = clean_line(value, field, max_length=max_length, required=required)
    if _DIRECTION_CONTROL.search(text):
        raise Invalid.field(
            field, "must not contain invisible direction controls (U+202A–U+202E, U+2066–U+2069)"
        )
    return text


def clean_text(value: object, field: str, *, max_length: int, required: bool = False) -> str:
    """Several lines of text: line endings made ``\\n``, trimmed, no other control characters."""
    text = _as_text(value, field).replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        raise Invalid.field(field, "must not contain control characters")
    return _check_length(text, field, max_length=max_length, required=required)


def _as_text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid.field(field, "must be text")
    return unicodedata.normalize("NFC", value).strip()


def _check_length(text: str, field: str, *, max_length: int, required: bool) -> str:
    if required and not text:
        raise Invalid.field(field, "is required")
    if len(text) > max_length:
        most, count = f"{max_length:,}", f"{len(text):,}"
        raise Invalid.field(
            field, "must be at most %(most)s characters (it has %(count)s)", most=most, count=count
        )
    return text


def link_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url``, lower-cased; ``None`` for a relative link.

    Browsers drop tabs, newlines and leading spaces before reading a scheme, so they are
    dropped here too: ``java\\nscript:`` is a ``javascript`` link.
    """
    match = _SCHEME.match(_INVISIBLE_IN_SCHEME.sub("", url))
    return match.group(1).lower() if match else None


def clean_web_url(value: object, field: str, *, required: bool = False) -> str:
    """An absolute ``http(s)://`` URL, the only kind a card or a figure may point to."""
    url = clean_line(value, field, max_length=2000, required=required)
    if not url:
        return ""
    parts = urlsplit(url)
    if link_scheme(url) not in ("http", "https") or not parts.netloc:
        raise Invalid.field(field, "must be a full http:// or https:// address")
    return url


def clean_tags(value: object, field: str = "tags", *, language: str = "en") -> tuple[str, ...]:
    """Tags from a list or a comma-separated string: words of any script joined by hyphens,
    in lower case as ``language`` writes it (a Turkish feed's ``Isparta`` is ``ısparta``)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        raw = value.split(",")
    elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        raw = list(value)
    else:
        raise Invalid.field(field, "must be a list of words")
    tags: list[str] = []
    for item in raw:
        tag = re.sub(r"\s+", "-", fold(item.strip(), language))
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH or not is_tag(tag):
            raise Invalid.field(
                field,
                "“%(tag)s” is not a tag: use letters, digits and hyphens, "
                "at most %(limit)d characters",
                tag=tag[:MAX_TAG_LENGTH],
                limit=MAX_TAG_LENGTH,
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise Invalid.field(field, "at most %(limit)d tags", limit=MAX_TAGS)
    return tuple(tags)


def is_tag(text: str) -> bool:
    """Words of letters and digits in any script, joined by single hyphens. A word may carry
    combining marks (Devanagari's vowel signs, Arabic's harakat) but not begin with one."""
    for word in text.split("-"):
        if not word or unicodedata.category(word[0])[0] not in "LN":
            return False
        if any(unicodedata.category(char)[0] not in "LNM" for char in word):
            return False
    return True


def clean_flag(value: object, field: str) -> bool:
    """A checkbox or JSON boolean; a form sends ``on`` when ticked and nothing when not."""
    if isinstance(value, bool):
        return value
    if value is None or value in ("", "0", "false", "off"):
        return False
    if value in ("1", "true", "on", "yes"):
        return True
    raise Invalid.field(field, "must be true or false")
