"""Rate limits: each policy on an injected clock, in memory and shared through a real Redis.

The Redis cases start a redis-server of their own (``private_redis``), so stopping or freezing
it to play an outage disturbs nobody else. Most tests run once per backend.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator

import pytest
import redis

from livefeed.access.rate_limits.counters import Counter, MemoryCounter
from livefeed.access.rate_limits.limiter import RateLimiter, address_key
from livefeed.access.rate_limits.policies import Per, default_policies, describe_wait
from livefeed.access.rate_limits.redis_counter import KEY_PREFIX, SharedCounter
from livefeed.domain.errors import TooManyRequests
from tests.conftest import Clock
from tests.redis_server import RedisServer

A, B = "192.0.2.10", "198.51.100.20"
ANNA, CARL = 41, 42


def limiter_on(counter: Counter, clock: Clock) -> RateLimiter:
    return RateLimiter(default_policies(login_attempts=5), counter, clock)


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest, clock: Clock) -> Iterator[RateLimiter]:
    if request.param == "memory":
        counter: Counter = MemoryCounter()
    else:
        counter = SharedCounter(request.getfixturevalue("redis_url"), retry_pause=0)
    limiter = limiter_on(counter, clock)
    yield limiter
    limiter.close()


@pytest.fixture
def redis_url(private_redis: RedisServer) -> str:
    private_redis.start()
    return private_redis.url


def refusal(limiter: RateLimiter, policy: str, **keys: str | int) -> TooManyRequests:
    with pytest.raises(TooManyRequests) as caught:
        limiter.hit(policy, **keys)  # type: ignore[arg-type]
    return caught.value


# -- each policy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "keys", "allowed", "window"),
    [
        ("signup", {"address": A}, 5, 3600),
        ("login", {"account": "anna@newsroom.test", "address": A}, 5, 900),
        ("login", {"address": A}, 50, 900),
        ("confirm_password", {"account": ANNA}, 5, 900),
        ("comment", {"account": ANNA}, 5, 60),
        ("comment", {"address": A}, 30, 60),
        ("report", {"account": ANNA}, 10, 600),
        ("report", {"address": A}, 30, 600),
    ],
)
def test_a_policy_refuses_past_its_limit_until_the_window_has_passed(
    limiter: RateLimiter,
    clock: Clock,
    policy: str,
    keys: dict[str, str | int],
    allowed: int,
    window: int,
) -> None:
    for _ in range(allowed):
        limiter.hit(policy, **keys)  # type: ignore[arg-type]
    clock.advance(1)

    refused = refusal(limiter, policy, **keys)

    assert refused.retry_after == window - 1
    assert "try again in" in str(refused)
    clock.advance(window - 2)
    assert refusal(limiter, policy, **keys).retry_after == 1  # refusals counted nothing
    clock.advance(1)
    limiter.hit(policy, **keys)  # type: ignore[arg-type]


def test_comments_are_also_limited_per_hour(limiter: RateLimiter, clock: Clock) -> None:
    for minute in range(12):
        for _ in range(5):
            limiter.hit("comment", account=ANNA, address=f"192.0.2.{minute}")
        clock.advance(60)

    refused = refusal(limiter, "comment", account=ANNA, address=B)

    assert refused.retry_after == 3600 - 12 * 60
    assert str(refused) == "you are commenting too fast: try again in 48 minutes"


def test_a_refusal_waits_for_the_hit_that_must_leave_the_window(
    limiter: RateLimiter, clock: Clock
) -> None:
    for _ in range(5):
        limiter.hit("comment", account=ANNA)
        clock.advance(10)
    assert refusal(limiter, "comment", account=ANNA).retry_after == 10
    clock.advance(10)
    limiter.hit("comment", account=ANNA)
    assert refusal(limiter, "comment", account=ANNA).retry_after == 10
    clock.advance(0.5)
    assert refusal(limiter, "comment", account=ANNA).retry_after == 10  # rounded up


def test_accounts_and_addresses_are_counted_apart(limiter: RateLimiter) -> None:
    for _ in range(5):
        limiter.hit("comment", account=ANNA, address=A)
    # Anna is at her limit wherever she comments from; her address is not at its own.
    refusal(limiter, "comment", account=ANNA, address=B)
    limiter.hit("comment", account=CARL, address=A)

    for n in range(24):
        limiter.hit("comment", account=1000 + n, address=A)
    # Thirty from one address: a new account there is refused, the same one elsewhere is not.
    refusal(limiter, "comment", account=2000, address=A)
    limiter.hit("comment", account=2000, address=B)


def test_a_guest_is_counted_by_address_alone(limiter: RateLimiter) -> None:
    for _ in range(30):
        limiter.hit("comment", address=A)
    refusal(limiter, "comment", address=A)
    limiter.hit("comment", account=ANNA, address=B)


def test_an_ipv6_client_is_counted_by_its_64_block(limiter: RateLimiter) -> None:
    for n in range(1, 6):
        limiter.hit("signup", address=f"2001:db8:0:7::{n:x}")
    refusal(limiter, "signup", address="2001:db8:0:7:ffff:ffff:ffff:ffff")
    limiter.hit("signup", address="2001:db8:0:8::1")  # the next block is someone else


def test_address_keys() -> None:
    assert address_key("192.0.2.10") == "192.0.2.10"
    assert address_key("::ffff:192.0.2.10") == "192.0.2.10"
    assert address_key("2001:db8::1") == "2001:db8::/64"
    assert address_key("2001:DB8:0:0:1::1") == "2001:db8::/64"
    assert address_key("testclient") == "testclient"


def test_failed_logins_are_checked_recorded_and_cleared(limiter: RateLimiter, clock: Clock) -> None:
    for _ in range(5):
        limiter.check("login", account="anna@newsroom.test", address=A)
        limiter.record("login", account="anna@newsroom.test", address=A)
    limiter.record("login", account="anna@newsroom.test", address=A)  # never refuses itself
    clock.advance(60)
    with pytest.raises(TooManyRequests) as caught:
        limiter.check("login", account="anna@newsroom.test", address=A)
    assert caught.value.retry_after == 14 * 60
    assert str(caught.value) == (
        "too many failed logins for this account from your network: try again in 14 minutes"
    )
    # The account from elsewhere, and another account from there, are other pairs.
    limiter.check("login", account="anna@newsroom.test", address=B)
    limiter.check("login", account="carl@newsroom.test", address=A)

    limiter.clear("login", account="anna@newsroom.test", address=A, only=Per.PAIR)

    limiter.check("login", account="anna@newsroom.test", address=A)
    for _ in range(44):
        limiter.record("login", account="someone@newsroom.test", address=A)
    # The address's failures were not cleared with the pair's: 6 + 44 is its limit.
    with pytest.raises(TooManyRequests) as caught:
        limiter.check("login", account="carl@newsroom.test", address=A)
    assert str(caught.value) == "too many failed logins from your network: try again in 14 minutes"
    # A pair held to its own count alone is not refused for its address's.
    limiter.check("login", account="carl@newsroom.test", address=A, only=Per.PAIR)


def test_a_login_pair_that_keeps_failing_waits_for_its_day(
    limiter: RateLimiter, clock: Clock
) -> None:
    for _ in range(4):
        for _ in range(5):
            limiter.record("login", account="anna@newsroom.test", address=A)
        clock.advance(15 * 60)

    with pytest.raises(TooManyRequests) as caught:
        limiter.check("login", account="anna@newsroom.test", address=A)

    assert caught.value.retry_after == 24 * 3600 - 3600
    assert "try again in 23 hours" in str(caught.value)
    limiter.check("login", account="anna@newsroom.test", address=B)


def test_a_limit_needs_something_to_count_by(limiter: RateLimiter) -> None:
    with pytest.raises(ValueError, match="needs an account or an address"):
        limiter.hit("comment")
    with pytest.raises(ValueError, match="needs an address to count by"):
        limiter.hit("signup", account=ANNA)  # signups count by address only
    with pytest.raises(ValueError, match="needs an account with an address or an address"):
        limiter.check("login", account="anna@newsroom.test")
    with pytest.raises(ValueError, match="no rate limit policy named 'vote'"):
        limiter.hit("vote", account=ANNA)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (40, "40 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (840, "14 minutes"),
        (3599, "60 minutes"),
        (3600, "1 hour"),
        (3601, "2 hours"),
        (82800, "23 hours"),
    ],
)
def test_waits_are_told_in_words(seconds: int, words: str) -> None:
    assert describe_wait(seconds) == words


# -- memory --------------------------------------------------------------------------------------


def test_memory_forgets_keys_whose_window_has_passed(clock: Clock) -> None:
    counter = MemoryCounter(sweep_every=60)
    limiter = limiter_on(counter, clock)
    for n in range(100):
        limiter.hit("comment", account=n)  # three limits, two of them per account
    limiter.hit("signup", address=A)
    assert len(counter) == 201

    clock.advance(120)  # the comments' minute has passed, not the signup's hour
    limiter.hit("report", account=ANNA)

    assert len(counter) == 100 + 1 + 1  # the hourly comment counts, the signup, the report
    clock.advance(3600)
    limiter.hit("report", account=CARL)
    assert len(counter) == 1


def test_memory_keeps_at_most_max_keys_dropping_the_least_recently_hit(clock: Clock) -> None:
    counter = MemoryCounter(max_keys=3)
    limiter = limiter_on(counter, clock)
    for _ in range(5):
        limiter.hit("signup", address=A)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        limiter.hit("signup", address=address)
    assert len(counter) == 3
    limiter.hit("signup", address=A)  # pushed out, so counted afresh


# -- Redis ---------------------------------------------------------------------------------------


def shared(url: str, clock: Clock) -> RateLimiter:
    return limiter_on(SharedCounter(url, retry_pause=0), clock)


def test_instances_sharing_redis_share_their_counts(redis_url: str, clock: Clock) -> None:
    one, two = shared(redis_url, clock), shared(redis_url, clock)
    try:
        for _ in range(3):
            one.hit("signup", address=A)
        for _ in range(2):
            two.hit("signup", address=A)
        refusal(one, "signup", address=A)
        refusal(two, "signup", address=A)
        one.clear("signup", address=A)
        two.hit("signup", address=A)
    finally:
        one.close()
        two.close()


def test_redis_keeps_no_email_address_and_lets_keys_expire(redis_url: str, clock: Clock) -> None:
    limiter = shared(redis_url, clock)
    client = redis.Redis.from_url(redis_url)
    try:
        limiter.record("login", account="anna@newsroom.test", address=A)
        keys = client.keys(KEY_PREFIX + "*")
        assert len(keys) == 3
        assert not [key for key in keys if b"anna" in key or b"192.0.2" in key]
        # The pair's quarter hour and the address's, then the pair's day: none outlives its window.
        ttls = sorted(client.pttl(key) for key in keys)
        assert 0 < ttls[0] <= ttls[1] <= 900_000 < ttls[2] <= 86_400_000
    finally:
        client.close()
        limiter.close()


def test_while_redis_is_down_each_instance_limits_on_its_own_then_they_share_again(
    private_redis: RedisServer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    private_redis.start()
    one, two = shared(private_redis.url, clock), shared(private_redis.url, clock)
    try:
        for _ in range(3):
            one.hit("signup", address=A)
        private_redis.stop()

        with caplog.at_level(logging.INFO, "livefeed.access.rate_limits"):
            # Each instance goes on from what it saw itself: never unlimited.
            for _ in range(2):
                one.hit("signup", address=A)
            refusal(one, "signup", address=A)
            for _ in range(5):
                two.hit("signup", address=A)
            refusal(two, "signup", address=A)
            warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 2, "one line per instance and outage, not one per call"

            private_redis.start()
            for _ in range(5):
                one.hit("signup", address=B)
            refusal(two, "signup", address=B)  # two has never seen B: Redis answered

        recoveries = [r for r in caplog.records if "answers again" in r.getMessage()]
        assert len(recoveries) == 2
    finally:
        one.close()
        two.close()


def test_a_redis_that_stops_answering_is_waited_for_briefly(
    private_redis: RedisServer, clock: Clock
) -> None:
    """A frozen Redis times out rather than refusing; the call falls back all the same."""
    private_redis.start()
    one, two = shared(private_redis.url, clock), shared(private_redis.url, clock)
    try:
        for _ in range(5):
            one.hit("signup", address=A)
        assert private_redis.process is not None
        private_redis.process.send_signal(signal.SIGSTOP)
        try:
            refusal(one, "signup", address=A)
            two.hit("signup", address=A)  # two's own count, while Redis cannot say
        finally:
            private_redis.process.send_signal(signal.SIGCONT)
        refusal(two, "signup", address=A)  # shared again
    finally:
        one.close()
        two.close()
