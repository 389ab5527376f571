"""The named rate limits: how many of what, per account, per address or per the two together,
in which window.

A policy's limits are all kept at once: a comment must fit in the account's minute, the
account's hour and the address's minute. Limits per address are looser than per account
because many people share one address (a newsroom's office, a mobile carrier's NAT).

Failed logins are never counted per account alone: anyone may type an account's address, so a
limit per account would let a stranger keep its owner out (OWASP ASVS 2.2.1). They are counted
per account and address together, with a day's window behind the quarter hour so a guesser
waits longer and longer, and per address against one network trying many accounts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from livefeed.domain.errors import N_, Message


class Per(Enum):
    """What a limit counts by."""

    ACCOUNT = "account"
    ADDRESS = "address"
    PAIR = "pair"  # an account from one address: what only that network can use up


@dataclass(frozen=True)
class Limit:
    """At most ``count`` within any ``window`` seconds, for each account, address or pair.

    ``refusal`` replaces the policy's message when this limit is the one that refuses, for a
    policy whose limits are about different people (one pair, or everyone at an address).
    """

    count: int
    window: int
    per: Per
    refusal: str = ""

    def __post_init__(self) -> None:
        if self.count < 1 or self.window < 1:
            raise ValueError("a limit needs a count and a window of at least 1")


@dataclass(frozen=True)
class Policy:
    """One kind of action and its limits; ``refusal`` is the message, with ``{wait}``."""

    name: str
    limits: tuple[Limit, ...]
    refusal: str

    def __post_init__(self) -> None:
        # Counts are stored under (policy, per, window): two limits sharing those would share
        # one count and the tighter one would silently win.
        seen = {(limit.per, limit.window) for limit in self.limits}
        if len(seen) != len(self.limits):
            raise ValueError(f"{self.name}: two limits count by the same thing in the same window")

    def refuse_message(self, limit: Limit, wait: int) -> str:
        return Message(limit.refusal or self.refusal, wait=describe_wait(wait))


MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
LOGIN_WINDOW = 15 * MINUTE
# Failed logins allowed per pair in a day, as a multiple of those in the quarter hour.
DAILY_LOGIN_FACTOR = 4
# Failed logins allowed per address, as a multiple of those allowed per pair.
ADDRESS_LOGIN_FACTOR = 10


def default_policies(*, login_attempts: int) -> Mapping[str, Policy]:
    """Every policy, by name; ``login_attempts`` is ``LIVEFEED_LOGIN_ATTEMPTS``."""
    pair_refusal = N_(
        "too many failed logins for this account from your network: try again in %(wait)s"
    )
    policies = (
        Policy(
            "signup",
            (Limit(5, HOUR, Per.ADDRESS),),
            N_("too many accounts were made from your network: try again in %(wait)s"),
        ),
        Policy(
            "login",
            (
                Limit(login_attempts, LOGIN_WINDOW, Per.PAIR, pair_refusal),
                Limit(login_attempts * DAILY_LOGIN_FACTOR, DAY, Per.PAIR, pair_refusal),
                Limit(login_attempts * ADDRESS_LOGIN_FACTOR, LOGIN_WINDOW, Per.ADDRESS),
            ),
            N_("too many failed logins from your network: try again in %(wait)s"),
        ),
        # Re-entering one's password while signed in: only the session's holder can fail it,
        # so it may count per account without letting a stranger lock anyone out.
        Policy(
            "confirm_password",
            (
                Limit(login_attempts, LOGIN_WINDOW, Per.ACCOUNT),
                Limit(login_attempts * DAILY_LOGIN_FACTOR, DAY, Per.ACCOUNT),
            ),
            N_("too many wrong passwords: try again in %(wait)s"),
        ),
        # Asking for a reset link: per address, and per account so that nobody can fill its
        # owner's mailbox; the account's count is kept whether or not the address has one, so
        # a refusal tells nothing about who is registered.
        Policy(
            "password_reset",
            (Limit(3, HOUR, Per.ACCOUNT), Limit(10, HOUR, Per.ADDRESS)),
            N_("too many reset links were asked for: try again in %(wait)s"),
        ),
        Policy(
            "comment",
            (
                Limit(5, MINUTE, Per.ACCOUNT),
                Limit(60, HOUR, Per.ACCOUNT),
                Limit(30, MINUTE, Per.ADDRESS),
            ),
            N_("you are commenting too fast: try again in %(wait)s"),
        ),
        Policy(
            "report",
            (Limit(10, 10 * MINUTE, Per.ACCOUNT), Limit(30, 10 * MINUTE, Per.ADDRESS)),
            N_("too many reports in a short time: try again in %(wait)s"),
        ),
        # Publish-to-screen beacons: a page sends one as it closes, a few a minute at most.
        Policy(
            "latency",
            (Limit(30, MINUTE, Per.ADDRESS),),
            N_("too many latency reports from your network: try again in %(wait)s"),
        ),
    )
    return {policy.name: policy for policy in policies}


def describe_wait(seconds: int) -> str:
    """``40 seconds`` under a minute, whole minutes rounded up under an hour (``14 minutes``),
    else whole hours rounded up (``23 hours``): never a wait shorter than the real one."""
    if seconds < MINUTE:
        return _count(seconds, "second")
    if seconds < HOUR:
        return _count(math.ceil(seconds / MINUTE), "minute")
    return _count(math.ceil(seconds / HOUR), "hour")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'s' if number != 1 else ''}"
