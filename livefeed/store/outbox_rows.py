"""What the outboxes' tables share: a row is claimed for sending by one sender only.

A sender reads the rows due, then claims each with a conditional update on what it read (its
attempts and when it was due): of several senders (instances) that read it at once, the
database lets one win, which moves the row's next attempt to the end of its lease.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Table, update


def claim(
    conn: Connection,
    table: Table,
    row_id: int,
    *,
    attempts: int,
    next_attempt_at: datetime,
    lease_until: datetime,
) -> bool:
    """Take the row for sending unless another sender took it since it was read."""
    result = conn.execute(
        update(table)
        .where(
            table.c.id == row_id,
            table.c.state == "pending",
            table.c.attempts == attempts,
            table.c.next_attempt_at == next_attempt_at,
        )
        .values(attempts=attempts + 1, next_attempt_at=lease_until)
    )
    return result.rowcount == 1
