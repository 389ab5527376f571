"""Invitations: a one-time link that lets its bearer make an account and join a feed's team.

The link is the only copy of a random secret; the site keeps its hash. It works once, until it
expires, and only while whoever sent it could still send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from livefeed.domain.access import FeedRole
from livefeed.domain.users import Role

LIFETIME = timedelta(days=7)


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Invitation:
    id: int
    email: str
    feed_id: int | None
    feed_role: FeedRole | None
    site_role: Role
    invited_by: int | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    withdrawn_at: datetime | None = None

    def state(self, now: datetime) -> InvitationState:
        if self.withdrawn_at is not None:
            return InvitationState.WITHDRAWN
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING
