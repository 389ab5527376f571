"""The named rate limits: how many of what, per account or per address, in which window.

A policy's limits are all kept at once: a comment must fit in the account's minute, the
account's hour and the address's minute. Limits per address are looser than per account
because many people share one address (a newsroom's office, a mobile carrier's NAT).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Per(Enum):
    """What a limit counts by."""

    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class Limit:
    """At most ``count`` within any ``window`` seconds, for each account or each address."""

    count: int
    window: int
    per: Per

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

    def refuse_message(self, wait: int) -> str:
        return self.refusal.format(wait=describe_wait(wait))


MINUTE = 60
HOUR = 60 * MINUTE
LOGIN_WINDOW = 15 * MINUTE
# Failed logins allowed per address, as a multiple of those allowed per account.
ADDRESS_LOGIN_FACTOR = 10


def default_policies(*, login_attempts: int) -> Mapping[str, Policy]:
    """Every policy, by name; ``login_attempts`` is ``LIVEFEED_LOGIN_ATTEMPTS``."""
    policies = (
        Policy(
            "signup",
            (Limit(5, HOUR, Per.ADDRESS),),
            "too many accounts were made from your network: try again in {wait}",
        ),
        Policy(
            "login",
            (
                Limit(login_attempts, LOGIN_WINDOW, Per.ACCOUNT),
                Limit(login_attempts * ADDRESS_LOGIN_FACTOR, LOGIN_WINDOW, Per.ADDRESS),
            ),
            "too many failed logins: try again in {wait}",
        ),
        Policy(
            "comment",
            (
                Limit(5, MINUTE, Per.ACCOUNT),
                Limit(60, HOUR, Per.ACCOUNT),
                Limit(30, MINUTE, Per.ADDRESS),
            ),
            "you are commenting too fast: try again in {wait}",
        ),
        Policy(
            "report",
            (Limit(10, 10 * MINUTE, Per.ACCOUNT), Limit(30, 10 * MINUTE, Per.ADDRESS)),
            "too many reports in a short time: try again in {wait}",
        ),
    )
    return {policy.name: policy for policy in policies}


def describe_wait(seconds: int) -> str:
    """``40 seconds`` under a minute, else whole minutes rounded up (``14 minutes``)."""
    if seconds < MINUTE:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / MINUTE)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
