"""The items an agency's wire delivered, by feed and ninjs uri (see ``schema.wire_items``).

A delivery claims a version before making its change and settles it once the change is
written. A claim nobody settled within ``UNSETTLED`` (the instance stopped in between) is free
for the wire's next try, so a version is never lost to a crash; a claim being worked on now is
not, so two deliveries at once still make one change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from livefeed.store.intake_schema import wire_items

# Far longer than a change takes, far shorter than a wire waits before it tries again.
UNSETTLED = timedelta(minutes=2)


@dataclass(frozen=True)
class WireItem:
    version: int
    post_id: int | None
    settled: bool = True


def find(conn: Connection, feed_id: int, uri: str) -> WireItem | None:
    row = conn.execute(
        select(wire_items.c.version, wire_items.c.post_id, wire_items.c.settled).where(
            wire_items.c.feed_id == feed_id, wire_items.c.uri == uri
        )
    ).first()
    return WireItem(row.version, row.post_id, row.settled) if row else None


def claim(conn: Connection, feed_id: int, uri: str, version: int, now: datetime) -> bool:
    """Take ``version`` of the item, unless it (or a newer one) was taken already and is
    settled or being worked on: whoever claims first writes the post, so two deliveries at
    once make one."""
    c = wire_items.c
    abandoned = and_(c.version == version, c.settled.is_(False), c.received_at < now - UNSETTLED)
    taken = conn.execute(
        update(wire_items)
        .where(c.feed_id == feed_id, c.uri == uri, or_(c.version < version, abandoned))
        .values(version=version, received_at=now, settled=False)
    ).rowcount
    if taken:
        return True
    if find(conn, feed_id, uri) is not None:
        return False
    try:
        with conn.begin_nested():
            conn.execute(
                insert(wire_items).values(
                    feed_id=feed_id, uri=uri, version=version, received_at=now, settled=False
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
        conn.execute(
            update(wire_items).where(*where).values(version=before.version, settled=before.settled)
        )


def settle(conn: Connection, feed_id: int, uri: str, post_id: int | None) -> None:
    """The claimed version's change is written: the post it made or changed, if any."""
    values: dict[str, object] = {"settled": True}
    if post_id is not None:
        values["post_id"] = post_id
    conn.execute(
        update(wire_items)
        .where(wire_items.c.feed_id == feed_id, wire_items.c.uri == uri)
        .values(**values)
    )
