"""What the use cases call: ``svc.limits.hit("comment", account=user.id, address=address)``.

Counts are kept per account, per client address and per the two together, under the policies
of ``policies``. Accounts and addresses are stored as digests (no email addresses in Redis),
and an IPv6 address counts as its /64, the block one subscriber is given and may pick any
address from.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Callable, Mapping
from datetime import datetime

from livefeed.access.rate_limits.counters import Bucket, Counter, MemoryCounter, Mode
from livefeed.access.rate_limits.policies import Limit, Per, Policy, default_policies
from livefeed.access.rate_limits.redis_counter import SharedCounter
from livefeed.domain.errors import TooManyRequests
from livefeed.settings import Settings

Account = str | int


class RateLimiter:
    """Named policies over one counter; every method takes the policy's name and the keys.

    Give whichever of ``account`` and ``address`` the caller has: a limit counting by one that
    is not given is skipped (a guest has no account; a pair needs both), but at least one limit
    must be left to count by. ``only`` narrows a policy to its limits counting by that.
    """

    def __init__(
        self, policies: Mapping[str, Policy], counter: Counter, clock: Callable[[], datetime]
    ) -> None:
        self.policies = dict(policies)
        self._counter = counter
        self._clock = clock

    def hit(
        self, policy: str, *, account: Account | None = None, address: str | None = None
    ) -> None:
        """Count one action, or refuse it with :class:`TooManyRequests` and count nothing.

        A refusal carries ``retry_after``, the seconds until the action would fit again.
        """
        self._refuse_after(policy, account, address, Mode.TAKE)

    def check(
        self,
        policy: str,
        *,
        account: Account | None = None,
        address: str | None = None,
        only: Per | None = None,
    ) -> None:
        """Refuse as :meth:`hit` would, but count nothing (before trying a password)."""
        self._refuse_after(policy, account, address, Mode.PEEK, only)

    def record(
        self, policy: str, *, account: Account | None = None, address: str | None = None
    ) -> None:
        """Count one that already happened (a failed login), never refusing."""
        self._take(policy, account, address, Mode.ADD, None)

    def clear(
        self,
        policy: str,
        *,
        account: Account | None = None,
        address: str | None = None,
        only: Per | None = None,
    ) -> None:
        """Forget what was counted for these keys (a good login clears its pair's failures)."""
        counted = self._counted(self._policy(policy), account, address, only)
        self._counter.forget([bucket.key for _, bucket in counted])

    def close(self) -> None:
        self._counter.close()

    def _refuse_after(
        self,
        name: str,
        account: Account | None,
        address: str | None,
        mode: Mode,
        only: Per | None = None,
    ) -> None:
        wait, limit = self._take(name, account, address, mode, only)
        if wait > 0:
            seconds = math.ceil(wait)
            message = self._policy(name).refuse_message(limit, seconds)
            raise TooManyRequests(message, retry_after=seconds)

    def _take(
        self, name: str, account: Account | None, address: str | None, mode: Mode, only: Per | None
    ) -> tuple[float, Limit]:
        """The longest wait, and the limit that sets it: the one whose words the refusal uses."""
        counted = self._counted(self._policy(name), account, address, only)
        waits = self._counter.take(
            [bucket for _, bucket in counted], self._clock().timestamp(), mode
        )
        limits = [limit for limit, _ in counted]
        return max(zip(waits, limits, strict=True), key=lambda found: found[0])

    def _policy(self, name: str) -> Policy:
        try:
            return self.policies[name]
        except KeyError:
            raise ValueError(f"there is no rate limit policy named {name!r}") from None

    def _counted(
        self, policy: Policy, account: Account | None, address: str | None, only: Per | None
    ) -> list[tuple[Limit, Bucket]]:
        """Each of the policy's limits that these keys can count, with its bucket."""
        keys = {
            Per.ACCOUNT: None if account is None else _digest(str(account)),
            Per.ADDRESS: None if address is None else _digest(address_key(address)),
            # The address first and then a newline, which no address holds: however odd the
            # account typed, two different pairs never share a key.
            Per.PAIR: (
                None
                if account is None or address is None
                else _digest(f"{address_key(address)}\n{account}")
            ),
        }
        counted = [
            (
                limit,
                Bucket(
                    f"{policy.name}:{limit.per.value}:{limit.window}:{key}",
                    limit.count,
                    limit.window,
                ),
            )
            for limit in policy.limits
            if (only is None or limit.per is only) and (key := keys[limit.per]) is not None
        ]
        if not counted:
            # Counting nothing would mean no limit at all: a caller's mistake, not a user's.
            needs = " or ".join(dict.fromkeys(_NEEDS[limit.per] for limit in policy.limits))
            raise ValueError(f"the {policy.name} limit needs {needs} to count by")
        return counted


# What each kind of limit must be given, named to a caller that gave too little.
_NEEDS = {
    Per.ACCOUNT: "an account",
    Per.ADDRESS: "an address",
    Per.PAIR: "an account with an address",
}


def address_key(address: str) -> str:
    """What an address is counted as: itself, its IPv4 form if mapped, an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an IP (a test client's name): counted as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _digest(value: str) -> str:
    return hashlib.blake2b(value.encode("utf-8"), digest_size=12).hexdigest()


def limiter_for(settings: Settings, clock: Callable[[], datetime]) -> RateLimiter:
    """Counts shared through ``LIVEFEED_REDIS_URL`` if set, else in this process."""
    counter: Counter = SharedCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
    return RateLimiter(default_policies(login_attempts=settings.login_attempts), counter, clock)
