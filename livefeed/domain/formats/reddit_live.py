"""A Reddit Live thread: what its API answers for ``/live/{thread}/about`` and
``/live/{thread}`` (the updates, a Listing of ``LiveUpdate`` things), kept together in one file
as ``{"about": ..., "updates": ...}``. ``updates`` may be one Listing or the list of pages read
one after another; each answer may keep Reddit's ``{"kind", "data"}`` envelope or not.

An update's ``body`` is Markdown already; ``created_utc`` is seconds since 1970 in UTC; an
update its author struck out (``stricken``) stays in the record as a retraction, as readers of
the thread saw it struck through. Authors are Reddit usernames, with no address, so each gets an
account of its own under the reserved ``reddit.invalid`` domain, which no mail ever reaches.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from livefeed.domain.errors import Invalid
from livefeed.domain.formats.document import Feed, Post
from livefeed.domain.formats.text import load_json

STRUCK = "Struck out in the Reddit Live thread"


def parse(text: str, now: datetime) -> Feed:
    data = load_json(text)
    if not isinstance(data, dict) or "about" not in data or "updates" not in data:
        raise Invalid.field("about", 'the file must hold {"about": ..., "updates": ...}')
    about = _unwrap(data["about"])
    if not isinstance(about, dict):
        raise Invalid.field("about", "must be the thread's about object")
    thread = about.get("id") or about.get("name")
    if not isinstance(thread, str) or not thread:
        raise Invalid.field("about.id", "must be the thread's id")
    title = about.get("title")
    if not isinstance(title, str) or not title.strip():
        raise Invalid.field("about.title", "must be the thread's title")
    description = about.get("description", "")
    if not isinstance(description, str):
        raise Invalid.field("about.description", "must be a string")
    created = (
        _when(about.get("created_utc"), "about.created_utc") if "created_utc" in about else now
    )
    feed = Feed(
        uri=f"https://www.reddit.com/live/{thread}",
        slug=thread.lower().removeprefix("liveupdateevent_")[:60],
        title=" ".join(title.split())[:200],
        created_at=created,
        lead=description.strip(),
        live=about.get("state") == "live",
    )
    seen: set[str] = set()
    for place, update in _updates(data["updates"]):
        post = _post(update, place, feed)
        if post.uri in seen:
            continue  # the next page repeats an update the previous ended with
        seen.add(str(post.uri))
        feed.posts.append(post)
    return feed


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict) and "kind" in value and "data" in value:
        return value["data"]
    return value


def _updates(value: Any) -> list[tuple[str, dict[str, Any]]]:
    pages = value if isinstance(value, list) else [value]
    found = []
    for number, page in enumerate(pages):
        listing = _unwrap(page)
        where = f"updates[{number}]" if isinstance(value, list) else "updates"
        children = listing.get("children") if isinstance(listing, dict) else None
        if not isinstance(children, list):
            raise Invalid.field(where + ".children", "must be the Listing's list of updates")
        for index, child in enumerate(children):
            update = _unwrap(child)
            if not isinstance(update, dict):
                at = f"{where}.children[{index}]"
                raise Invalid.field(at, "must be an update")
            found.append((f"{where}.children[{index}]", update))
    return found


def _when(value: Any, place: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid.field(place, "must be seconds since 1970, in UTC")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise Invalid.field(place, "must be seconds since 1970, in UTC") from None


def _post(update: dict[str, Any], place: str, feed: Feed) -> Post:
    body = update.get("body")
    if not isinstance(body, str):
        raise Invalid.field(place + ".body", "must be the update's Markdown")
    ident = update.get("id") or update.get("name")
    if not isinstance(ident, str) or not ident:
        raise Invalid.field(place + ".id", "must be the update's id")
    when = _when(update.get("created_utc"), f"{place}.created_utc")
    author = update.get("author")
    email = None
    if isinstance(author, str) and author and author != "[deleted]":
        email = f"{author.lower()}@reddit.invalid"
        feed.people[email] = f"u/{author}"
    stricken = update.get("stricken", False)
    if not isinstance(stricken, bool):
        raise Invalid.field(place + ".stricken", "must be true or false")
    if not body.strip():
        raise Invalid.field(place + ".body", "an update needs some text")
    return Post(
        published_at=when,
        body=body.strip(),
        author=email,
        uri=f"{feed.uri}/updates/{ident.removeprefix('LiveUpdate_')}",
        retraction=(when, STRUCK) if stricken else None,
    )
