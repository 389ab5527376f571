"""What an operator watches in the tables: work waiting in the outboxes and the schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, inspect, select, text

from livefeed.store import lifecycle
from livefeed.store.alert_schema import push_alerts
from livefeed.store.mail_schema import mail_outbox
from livefeed.store.webhook_schema import webhook_deliveries

OUTBOXES = {"webhooks": webhook_deliveries, "alerts": push_alerts, "mail": mail_outbox}


def outbox_depths(conn: Connection) -> dict[str, int]:
    """Deliveries not yet made in each outbox (waiting, being sent, or between retries):
    webhook calls, readers' alerts, mail."""
    return {
        name: int(conn.execute(select(func.count()).where(table.c.state == "pending")).scalar_one())
        for name, table in OUTBOXES.items()
    }


def holds_pending(conn: Connection, outbox: str) -> bool:
    """Whether ``outbox`` holds a delivery not yet made, as ``outbox_depths`` counts them."""
    table = OUTBOXES[outbox]
    query = select(table.c.id).where(table.c.state == "pending").limit(1)
    return conn.execute(query).first() is not None


def oldest_overdue_post(conn: Connection, now: datetime) -> datetime | None:
    """When the longest-overdue scheduled post was due, among feeds that may publish it: the
    soonest scheduled post, if its time has come."""
    due = lifecycle.next_due(conn)
    return due if due is not None and due <= now else None


def schema_revision(conn: Connection) -> str | None:
    """The migration the database is at (``None`` before the first); raises unless the
    database answers. Read directly: Alembic's own reader logs a line each time it is asked."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    revision: str | None = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return revision
