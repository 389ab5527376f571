"""An agency's wire into a feed: ninjs items delivered to ``POST …/ingest``.

A new item waits in the editors' Contributions queue, or goes out at once when an editor sends
it with ``publish``. A newer version of an item (the same ``uri``) edits the post it became,
and a correction signal makes the edit a public correction with the wire's note; a canceled or
killed item is retracted with the wire's reason (or withdrawn from the queue if it never went
out). Each version is taken once: the item's uri and newest version are kept per feed, and a
delivery of a version already taken changes nothing, so a wire that retries is read once.

A version is claimed before its change is made, given back if the change fails and settled
once it is written, so two deliveries at once make one post, a refused change leaves the wire
free to try again, and so does a change an instance never finished (it stopped in between). A
new item's post is made under a key of the item's own, as a client's ``Idempotency-Key``: a
try after such a stop finds the post the first one made instead of making a second.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from livefeed.access.permissions import require_right
from livefeed.domain.access import Right
from livefeed.domain.errors import Invalid
from livefeed.domain.formats.ninjs import Item, read_item
from livefeed.domain.idempotency import Once
from livefeed.domain.posts import Post, PostState, parse_post_input
from livefeed.domain.users import User
from livefeed.domain.workflow import UNPUBLISHED
from livefeed.newsroom import publishing, workflow
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import wire_items
from livefeed.store.wire_items import WireItem

# The names a post's fields have in ninjs, for a problem found in an item's words.
_NINJS_NAMES = {"headline": "headlines", "body": "bodies"}
MAX_ITEMS = 100


@dataclass(frozen=True)
class Taken:
    """What became of one item: ``queued``, ``published``, ``edited``, ``corrected``,
    ``retracted``, ``withdrawn`` or ``unchanged`` (a version already taken)."""

    uri: str
    version: int
    outcome: str
    post: Post | None


def read_delivery(body: dict[str, Any]) -> tuple[list[Item], bool]:
    """The items of a delivery (``{"items": [...], "publish": true}``) and whether to publish
    them; :class:`Invalid` naming the field at fault (``items[2].versioncreated``)."""
    publish = body.get("publish", False)
    if not isinstance(publish, bool):
        raise Invalid.field("publish", "must be true or false")
    raw = body.get("items")
    if not isinstance(raw, list) or not raw:
        raise Invalid.field("items", "must be a list of one or more ninjs items")
    if len(raw) > MAX_ITEMS:
        raise Invalid.field("items", "a delivery holds at most %(most)d items", most=MAX_ITEMS)
    items = []
    for index, one in enumerate(raw):
        place = f"items[{index}]"
        item = read_item(one, place)
        _check_words(item, place)
        items.append(item)
    return items, publish


def _check_words(item: Item, place: str) -> None:
    if item.pubstatus == "canceled" or item.kill is not None:
        return
    try:
        parse_post_input(fields_of(item))
    except Invalid as error:
        raise Invalid(
            {
                ".".join(filter(None, (place, _NINJS_NAMES.get(name, name)))): message
                for name, message in error.errors.items()
            }
        ) from None


def fields_of(item: Item) -> dict[str, object]:
    return {"headline": item.headline, "body": item.body}


def ingest(svc: Services, actor: User | None, slug: str, body: dict[str, Any]) -> list[Taken]:
    items, publish = read_delivery(body)
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        require_right(conn, actor, feed.id, Right.PUBLISH if publish else Right.CONTRIBUTE)
    return [_take(svc, actor, slug, feed.id, item, publish) for item in items]


def _take(
    svc: Services, actor: User | None, slug: str, feed_id: int, item: Item, publish: bool
) -> Taken:
    with svc.db.write() as conn:
        before = wire_items.find(conn, feed_id, item.uri)
        if not wire_items.claim(conn, feed_id, item.uri, item.version, svc.clock()):
            post = _current(svc, actor, slug, before)
            return Taken(item.uri, item.version, "unchanged", post)
    try:
        outcome, post = _apply(svc, actor, slug, feed_id, item, before, publish)
    except BaseException:
        with svc.db.write() as conn:
            wire_items.release(conn, feed_id, item.uri, before)
        raise
    with svc.db.write() as conn:
        wire_items.settle(conn, feed_id, item.uri, post.id if post is not None else None)
    return Taken(item.uri, item.version, outcome, post)


def _made_once(feed_id: int, item: Item) -> Once:
    """The key a new item's post is made under: one per item and feed, whatever its version."""
    key = hashlib.sha256(f"wire {feed_id} {item.uri}".encode()).hexdigest()
    return Once(f"wire-{key}", key)


def _current(svc: Services, actor: User | None, slug: str, before: WireItem | None) -> Post | None:
    if before is None or before.post_id is None:
        return None
    return workflow.visible_post(svc, actor, slug, before.post_id)[1]


def _apply(
    svc: Services,
    actor: User | None,
    slug: str,
    feed_id: int,
    item: Item,
    before: WireItem | None,
    publish: bool,
) -> tuple[str, Post | None]:
    withdrawn = item.pubstatus == "canceled" or item.kill is not None
    reason = item.kill or item.note or "Withdrawn by the wire"
    post = _current(svc, actor, slug, before)
    if post is None:
        if withdrawn:
            return "withdrawn", None
        once = _made_once(feed_id, item)
        if publish:
            made = publishing.publish_post(svc, actor, slug, fields_of(item), once=once)
            return "published", made
        made = workflow.start_post(
            svc, actor, slug, fields_of(item), state=PostState.SUBMITTED, once=once
        )
        return "queued", made
    if post.state in UNPUBLISHED:
        if withdrawn:
            return "withdrawn", workflow.delete_post(svc, actor, slug, post.id)
        return "edited", workflow.update_post(svc, actor, slug, post.id, fields=fields_of(item))
    if post.state is not PostState.PUBLISHED or post.is_retracted:
        return "unchanged", post
    if withdrawn:
        return "retracted", publishing.retract_post(svc, actor, slug, post.id, reason)
    corrected = publishing.edit_post(
        svc, actor, slug, post.id, fields_of(item), seen_version=None,
        correction=item.correction is not None, correction_note=item.correction,
    )  # fmt: skip
    return ("corrected" if item.correction is not None else "edited"), corrected
