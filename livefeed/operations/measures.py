"""The numbers an operator watches that live in the database: outbox depth, scheduler lag,
and how much of the connection pool is in use."""

from __future__ import annotations

from dataclasses import dataclass

from livefeed.services import Services
from livefeed.store import gauges


@dataclass(frozen=True)
class Sample:
    # Deliveries waiting, by outbox: webhooks, alerts, mail.
    outboxes: dict[str, int]
    # How late the most overdue scheduled post is, in seconds (0: none is overdue).
    scheduler_lag: float
    pool_in_use: int
    pool_size: int


def sample(svc: Services) -> Sample:
    """One reading, in one read transaction; blocking, so call it from a thread."""
    now = svc.clock()
    with svc.db.read() as conn:
        outbox = gauges.outbox_depths(conn)
        overdue = gauges.oldest_overdue_post(conn, now)
    in_use, size = svc.db.pool_use()
    lag = 0.0 if overdue is None else max(0.0, (now - overdue).total_seconds())
    return Sample(outbox, lag, in_use, size)


def outbox_waiting(svc: Services, outbox: str) -> bool:
    """Whether ``outbox`` (webhooks, alerts, mail) holds a delivery not yet made; blocking."""
    with svc.db.read() as conn:
        return gauges.holds_pending(conn, outbox)
