"""How a reader asks to read a feed: the order, key events only, one tag, a search.

Each is a link of its own (``?order=oldest``, ``?view=key-events``, ``?tag=``, ``?q=``), so
the page works without JavaScript and a view can be shared. A value left at its default is
left out of the link, so each view has one address.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urlencode

from livefeed.domain.errors import Invalid
from livefeed.domain.text import clean_tags
from livefeed.domain.verification import Verification

# A search reaches the index as plain words only: at most this many, each at most this long.
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+")


class Order(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass(frozen=True)
class View:
    order: Order = Order.NEWEST
    key_events_only: bool = False
    tag: str | None = None
    query: str = ""
    # The "Confirmed only" view: posts in that verification state alone; None: every post.
    only: Verification | None = None
    # The order a feed reads in when the reader did not choose (an ended feed may read from
    # the start); a link to that order needs no ``?order=``.
    default_order: Order = Order.NEWEST

    @property
    def words(self) -> list[str]:
        return search_words(self.query)

    @property
    def is_search(self) -> bool:
        return bool(self.words)

    @property
    def oldest_first(self) -> bool:
        return self.order is Order.OLDEST

    def link(self, cursor: str | None = None, **changes: object) -> str:
        """The query string of this view with ``changes`` (``""`` when all is default), from
        the position ``cursor`` if given."""
        view = replace(self, **changes)  # type: ignore[arg-type]
        params: dict[str, str] = {}
        order = Order(view.order)  # a template may give the order as its word
        if order is not view.default_order:
            params["order"] = order.value
        if view.key_events_only:
            params["view"] = "key-events"
        if view.tag:
            params["tag"] = view.tag
        if view.query.strip():
            params["q"] = view.query.strip()
        if view.only is not None:
            params["only"] = view.only.value
        if cursor:
            params["cursor"] = cursor
        return "?" + urlencode(params) if params else ""

    def key(self) -> str:
        """What tells one view's page from another's (the page cache's validator)."""
        return self.link() or "-"


def parse_view(
    params: Mapping[str, str], *, default_order: Order = Order.NEWEST, language: str = "en"
) -> View:
    """The view a page's query string asks for; a value it cannot be is refused, named. A tag
    is read as the feed's ``language`` writes it, as its posts' tags were."""
    order = params.get("order") or default_order.value
    if order not in (Order.NEWEST.value, Order.OLDEST.value):
        raise Invalid.field("order", "must be “newest” or “oldest”")
    shown = params.get("view") or "all"
    if shown not in ("all", "key-events"):
        raise Invalid.field("view", "must be “all” or “key-events”")
    tag = None
    if params.get("tag"):
        tags = clean_tags(params["tag"], "tag", language=language)
        if len(tags) != 1:
            raise Invalid.field("tag", "must be one tag")
        tag = tags[0]
    query = params.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        raise Invalid.field("q", "at most %(limit)d characters", limit=MAX_QUERY_LENGTH)
    return View(
        order=Order(order),
        key_events_only=shown == "key-events",
        tag=tag,
        query=query.strip(),
        only=parse_only(params.get("only")),
        default_order=default_order,
    )


def parse_only(text: str | None) -> Verification | None:
    """The ``only`` of a feed page's address: ``confirmed`` for the "Confirmed only" view."""
    if not text:
        return None
    if text != Verification.CONFIRMED.value:
        raise Invalid.field("only", "must be confirmed, or left out for every post")
    return Verification.CONFIRMED


def search_words(query: str) -> list[str]:
    """The words of a search, lower-cased, in order, once each: letters and digits only, so
    quotes, operators and markup a reader types are simply not there."""
    words: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", query).casefold()):
        word = word.strip("_")[:MAX_WORD_LENGTH]
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def highlight(html: str, words: list[str]) -> str:
    """``html`` (already safe) with each word found, at the start of a word, in ``<mark>``.

    Only text between tags is touched, and never inside an entity such as ``&amp;``; the words
    are letters and digits, which escaping leaves alone, so marking adds nothing but the tags.
    """
    if not words:
        return html
    pattern = re.compile(
        r"(?<![&#\w])((?:" + "|".join(re.escape(w) for w in words) + r")\w*)", re.IGNORECASE
    )
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(
        part if part.startswith("<") else pattern.sub(r"<mark>\1</mark>", part) for part in parts
    )
