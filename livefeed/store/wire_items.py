"""The items an agency's wire delivered, by feed and ninjs uri (see ``schema.wire_items``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from livefeed.store.schema import wire_items


@dataclass(frozen=True)
class WireItem:
    version: int
    post_id: int | None


def find(conn: Connection, feed_id: int, uri: str) -> WireItem | None:
    row = conn.execute(
        select(wire_items.c.version, wire_items.c.post_id).where(
            wire_items.c.feed_id == feed_id, wire_items.c.uri == uri
        )
    ).first()
    return WireItem(row.version, row.post_id) if row else None


def claim(conn: Connection, feed_id: int, uri: str, version: int, now: datetime) -> bool:
    """Take ``version`` of the item, unless it (or a newer one) was taken already: whoever
    claims first writes the post, so two deliveries at once make one."""
    taken = conn.execute(
        update(wire_items)
        .where(
            wire_items.c.feed_id == feed_id,
            wire_items.c.uri == uri,
            wire_items.c.version < version,
        )
        .values(version=version, received_at=now)
    ).rowcount
    if taken:
        return True
    if find(conn, feed_id, uri) is not None:
        return False
    try:
        with conn.begin_nested():
            conn.execute(
                insert(wire_items).values(
                    feed_id=feed_id, uri=uri, version=version, received_at=now
                )
            )
    except IntegrityError:
        return False
    return True


def release(conn: Connection, feed_id: int, uri: str, before: WireItem | None) -> None:
    """Give back a claim whose change failed, so the wire's next try is taken."""
    where = (wire_items.c.feed_id == feed_id, wire_items.c.uri == uri)
    if before is None:
        conn.execute(delete(wire_items).where(*where))
    else:
        conn.execute(update(wire_items).where(*where).values(version=before.version))


def set_post(conn: Connection, feed_id: int, uri: str, post_id: int) -> None:
    conn.execute(
        update(wire_items)
        .where(wire_items.c.feed_id == feed_id, wire_items.c.uri == uri)
        .values(post_id=post_id)
    )
