"""Who may do what: site roles, the team of each feed, and the reach of an API token.

A user's rights on a feed come from three things: whether they are a site admin (every right
on every feed), their role in that feed's team, and, when they act through an API token, the
token's scope, which can only narrow what the account itself may do. Everything here is plain
data and rules, so the permission matrix can be tested without a database or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from livefeed.domain.errors import N_, Forbidden, Invalid


class FeedRole(StrEnum):
    """A place in one feed's team."""

    EDITOR = "editor"
    CONTRIBUTOR = "contributor"
    MODERATOR = "moderator"


# The desk shows a role by its value, translated: these put each value in the catalogs.
FEED_ROLE_NAMES = {
    FeedRole.EDITOR: N_("editor"),
    FeedRole.CONTRIBUTOR: N_("contributor"),
    FeedRole.MODERATOR: N_("moderator"),
}


class Right(StrEnum):
    """One thing a person may do on a feed."""

    # Write drafts, submit them to the editors, see what became of them.
    CONTRIBUTE = "contribute"
    # Publish, schedule, edit, correct, retract, delete and pin posts; shorten links to them.
    PUBLISH = "publish"
    # Change the feed's settings, start it, end it, reopen it.
    RUN_FEED = "run_feed"
    # Add, change and remove the members of the feed's team.
    MANAGE_TEAM = "manage_team"
    # Approve, reject, hide and restore comments; ban readers from the discussion.
    MODERATE = "moderate"


# An editor runs the feed, so every lesser task is theirs too: they can stand in for a missing
# contributor or moderator on a busy night.
ROLE_RIGHTS: dict[FeedRole, frozenset[Right]] = {
    FeedRole.EDITOR: frozenset(Right),
    FeedRole.CONTRIBUTOR: frozenset({Right.CONTRIBUTE}),
    FeedRole.MODERATOR: frozenset({Right.MODERATE}),
}

_REFUSALS: dict[Right, str] = {
    Right.CONTRIBUTE: "only the feed’s team can write posts for it",
    Right.PUBLISH: "only the feed’s editors can publish, edit or delete its posts",
    Right.RUN_FEED: "only the feed’s editors can change or end the feed",
    Right.MANAGE_TEAM: "only the feed’s editors can change its team",
    Right.MODERATE: "only the feed’s moderators and editors can moderate its discussion",
}


@dataclass(frozen=True)
class TokenScope:
    """What an API token may reach: some feeds (or all) and at most one role (or the account's).

    A scoped token never does site administration, even for an admin: that is what an
    unscoped token, or the desk, is for.
    """

    feed_ids: frozenset[int] | None = None
    role: FeedRole | None = None

    @property
    def unrestricted(self) -> bool:
        return self.feed_ids is None and self.role is None

    def allows_feed(self, feed_id: int) -> bool:
        return self.feed_ids is None or feed_id in self.feed_ids


def rights_on_feed(
    *, is_admin: bool, role: FeedRole | None, scope: TokenScope | None, feed_id: int
) -> frozenset[Right]:
    """The rights of someone on one feed, given their site and team roles and their token."""
    rights = frozenset(Right) if is_admin else ROLE_RIGHTS.get(role, frozenset()) if role else None
    if not rights:
        return frozenset()
    if scope is None:
        return rights
    if not scope.allows_feed(feed_id):
        return frozenset()
    return rights & ROLE_RIGHTS[scope.role] if scope.role else rights


def require(rights: frozenset[Right], right: Right) -> None:
    if right not in rights:
        raise Forbidden(_REFUSALS[right])


def parse_feed_role(value: object, field: str = "role") -> FeedRole:
    names = [role.value for role in FeedRole]
    if not isinstance(value, str) or value.strip().lower() not in names:
        raise Invalid.field(
            field, "must be %(some)s or %(last)s", some=", ".join(names[:-1]), last=names[-1]
        )
    return FeedRole(value.strip().lower())


@dataclass(frozen=True)
class Membership:
    """One person's place in one feed's team."""

    feed_id: int
    user_id: int
    email: str
    display_name: str
    role: FeedRole
    added_at: datetime
