"""When an outbox tries again: the one schedule webhook deliveries and mail share.

A failed attempt waits 30 s, then twice as long after each further failure, never more than an
hour apart; a day after the item was queued it is given up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=1)


def after_failure(created_at: datetime, attempts: int, now: datetime) -> tuple[str, datetime]:
    """``("pending", when to try next)`` after the ``attempts``-th failure, or ``("failed",
    now)`` once the item has waited a day."""
    give_up = created_at + GIVE_UP_AFTER
    if now >= give_up:
        return "failed", now
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
    return "pending", min(now + wait, give_up)
