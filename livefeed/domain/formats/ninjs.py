"""IPTC ninjs 2.x: a news item in JSON, one document or a list of them.

Each item is one post: ``headlines`` and ``bodies`` (the ``main`` role, or the first one; HTML
or plain text by ``contenttype``), ``firstcreated`` and ``versioncreated``,
``pubstatus`` (an item ``canceled`` is retracted, one ``withheld`` left out) and ``uri``,
which a later version of the same item shares. A list may carry several versions of one item:
the newest wins, the others become its earlier wordings. Fields this site has no use for are
ignored.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from livefeed.domain.errors import Invalid
from livefeed.domain.feeds import EARLIEST_YEAR, LATEST_YEAR
from livefeed.domain.formats.document import Feed, Post, plain
from livefeed.domain.formats.text import load_json, markdown_of

MAX_URI = 1000
_VERSION = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Item:
    """One ninjs item as this site reads it."""

    uri: str
    version: int
    headline: str
    body: str
    firstcreated: datetime
    versioncreated: datetime
    pubstatus: str
    # What the wire says about this version: a correction's note, or why it was killed.
    correction: str | None
    kill: str | None
    # The wire's note to editors (``ednote``): a cancel's reason when it sends no kill signal.
    note: str
    keywords: tuple[str, ...]


def parse(text: str, now: datetime) -> Feed:
    data = load_json(text)
    items = data if isinstance(data, list) else [data]
    read = [
        read_item(item, f"[{index}]" if isinstance(data, list) else "")
        for index, item in enumerate(items)
    ]
    if not read:
        raise Invalid.field("[0]", "a list of ninjs items must hold at least one")
    newest: dict[str, list[Item]] = {}
    for item in sorted(read, key=lambda one: one.version):
        newest.setdefault(item.uri, []).append(item)
    first = read[0]
    feed = Feed(
        uri="urn:ninjs:sha256:" + hashlib.sha256("\n".join(sorted(newest)).encode()).hexdigest(),
        slug=_slug(first.headline) or "ninjs",
        title=first.headline[:200] or "Imported wire items",
        created_at=now,
        tags=[keyword for item in read for keyword in item.keywords],
    )
    for versions in newest.values():
        if versions[-1].pubstatus == "withheld":
            continue
        feed.posts.append(post_of(versions))
    return feed


def post_of(versions: list[Item]) -> Post:
    """A post from every version of one item, oldest first. A version that cancels or kills
    the item need not repeat its words: the post keeps the last wording it had."""
    last = versions[-1]
    withdrawn = last.pubstatus == "canceled" or last.kill is not None
    worded = versions[:-1] if withdrawn and len(versions) > 1 else versions
    shown = worded[-1]
    post = Post(
        published_at=versions[0].firstcreated,
        headline=shown.headline,
        body=shown.body,
        uri=last.uri,
        edited_at=last.versioncreated if len(versions) > 1 else None,
    )
    for before, after in itertools.pairwise(worded):
        post.earlier.append((after.versioncreated, None, before.headline, before.body))
    if shown.correction is not None and post.earlier:
        post.correction = (shown.versioncreated, shown.correction)
    if withdrawn:
        post.retraction = (last.versioncreated, last.kill or last.note or "Withdrawn by the wire")
    return post


def read_item(item: Any, place: str) -> Item:
    """One item, or :class:`Invalid` naming the field at fault (``[2].versioncreated``)."""

    def at(name: str) -> str:
        return f"{place}.{name}" if place else name

    if not isinstance(item, dict):
        raise Invalid.field(place or "item", "must be a ninjs object")
    uri = item.get("uri")
    if not isinstance(uri, str) or not uri.strip() or len(uri) > MAX_URI:
        raise Invalid.field(
            at("uri"), "must be the item's identifier, up to %(most)d characters", most=MAX_URI
        )
    version = item.get("version", "1")
    if isinstance(version, bool) or not _VERSION.fullmatch(str(version)):
        raise Invalid.field(at("version"), 'must be a whole number, like "2"')
    pubstatus = item.get("pubstatus", "usable")
    if pubstatus not in ("usable", "withheld", "canceled"):
        raise Invalid.field(at("pubstatus"), "must be usable, withheld or canceled")
    created = _moment(item, "firstcreated", at, None)
    changed = _moment(item, "versioncreated", at, created)
    created = created or changed
    if created is None or changed is None:
        raise Invalid.field(at("versioncreated"), "must say when this version was made")
    headline = _text(item, "headlines", at, html=False)
    body = _text(item, "bodies", at, html=True)
    if not headline and not body and pubstatus == "usable":
        raise Invalid.field(at("headlines"), "an item needs a headline or a body")
    correction, kill = _signals(item, at)
    return Item(
        uri=uri.strip(), version=int(version), headline=headline, body=body,
        firstcreated=created, versioncreated=changed, pubstatus=pubstatus,
        correction=correction, kill=kill, note=_note(item, at), keywords=_keywords(item, at),
    )  # fmt: skip


def _moment(item: dict[str, Any], name: str, at: Any, default: datetime | None) -> datetime | None:
    value = item.get(name)
    if value is None:
        return default
    problem = "must be a date and time with its offset, like 2026-05-14T21:12:00Z"
    if not isinstance(value, str):
        raise Invalid.field(at(name), problem)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid.field(at(name), problem) from None
    if parsed.tzinfo is None or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise Invalid.field(at(name), problem)
    return parsed.astimezone(UTC)


def _text(item: dict[str, Any], name: str, at: Any, *, html: bool) -> str:
    parts = item.get(name, [])
    if not isinstance(parts, list) or not all(
        isinstance(part, dict) and isinstance(part.get("value"), str) for part in parts
    ):
        raise Invalid.field(at(name), "must be a list of objects, each with a value")
    if not parts:
        return ""
    main = next((part for part in parts if part.get("role") == "main"), parts[0])
    value: str = main["value"]
    if not html:
        return " ".join(value.split())
    if str(main.get("contenttype", "text/plain")).startswith("text/html"):
        return markdown_of(value)
    return "\n\n".join(plain(block) for block in value.split("\n\n") if block.strip())


def _keywords(item: dict[str, Any], at: Any) -> tuple[str, ...]:
    keywords = item.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(word, str) for word in keywords):
        raise Invalid.field(at("keywords"), "must be a list of strings")
    return tuple(word.strip() for word in keywords if word.strip())


def _signals(item: dict[str, Any], at: Any) -> tuple[str | None, str | None]:
    """ninjs 2.x ``signals``: a list of ``{"name", "uri", ...}`` (a correction, a kill), with a
    note in ``rel``/``name`` terms; the wire's own words for it come from ``ednote``."""
    signals = item.get("signals", item.get("signal", []))
    if isinstance(signals, dict):
        signals = [signals]
    if not isinstance(signals, list) or not all(isinstance(one, dict) for one in signals):
        raise Invalid.field(at("signals"), "must be a list of objects")
    note = _note(item, at)
    names = {
        str(one.get("name") or one.get("uri") or one.get("qcode") or "").lower() for one in signals
    }
    correction = kill = None
    if any("correction" in name for name in names):
        correction = note.strip() or "Corrected by the wire"
    if any("kill" in name for name in names):
        kill = note.strip() or "Killed by the wire"
    return correction, kill


def _note(item: dict[str, Any], at: Any) -> str:
    note = item.get("ednote", "")
    if not isinstance(note, str):
        raise Invalid.field(at("ednote"), "must be a string")
    return note.strip()


def _slug(headline: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")[:60].strip("-")
