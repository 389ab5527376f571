"""The client's address: ``X-Forwarded-For`` believed only from the proxies we trust."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.client_address import client_address
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_editor
from tests.web.conftest import log_in

PROXIES = "10.0.0.0/8, 192.168.1.1, 2001:db8:ffff::/48"
TRUSTED = tuple(ipaddress.ip_network(item.strip()) for item in PROXIES.split(","))


@pytest.mark.parametrize(
    ("trusted", "peer", "headers", "expected"),
    [
        # No proxies configured: the header is ignored, whatever it says.
        ((), "203.0.113.5", ["198.51.100.1"], "203.0.113.5"),
        ((), "10.0.0.2", ["198.51.100.1"], "10.0.0.2"),
        # A peer that is no trusted proxy: its header is ignored too.
        (TRUSTED, "203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
        (TRUSTED, "203.0.113.9", ["10.0.0.3"], "203.0.113.9"),
        # A trusted peer: the rightmost entry that is not a trusted proxy.
        (TRUSTED, "10.0.0.2", [], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["203.0.113.5"], "203.0.113.5"),
        (TRUSTED, "10.0.0.2", ["198.51.100.1, 203.0.113.5"], "203.0.113.5"),
        (TRUSTED, "10.0.0.2", ["  203.0.113.5  "], "203.0.113.5"),
        # A chain of trusted proxies, in one header line or several.
        (TRUSTED, "10.0.0.2", ["198.51.100.1, 203.0.113.5, 192.168.1.1, 10.0.0.3"], "203.0.113.5"),
        (
            TRUSTED,
            "10.0.0.2",
            ["198.51.100.1, 203.0.113.5", "192.168.1.1", "10.0.0.3"],
            "203.0.113.5",
        ),
        # Only trusted hops: the farthest one is the client.
        (TRUSTED, "10.0.0.2", ["10.0.0.9, 10.0.0.3"], "10.0.0.9"),
        # Garbage stops the walk at the trusted hop that passed it on.
        (TRUSTED, "10.0.0.2", ["<script>alert(1)</script>"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["203.0.113.5, nonsense, 10.0.0.3"], "10.0.0.3"),
        (TRUSTED, "10.0.0.2", ["unknown"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", [""], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["203.0.113.5,"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["999.0.113.5"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["0203.0.113.5"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["203.0.113.5:99999999999"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["203.0.113.5:"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["fe80::1%eth0"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["[2001:db8::5"], "10.0.0.2"),
        (TRUSTED, "10.0.0.2", ["203.0.113.5 198.51.100.1"], "10.0.0.2"),
        # Ports, as some proxies write them.
        (TRUSTED, "10.0.0.2", ["203.0.113.5:4711"], "203.0.113.5"),
        (TRUSTED, "10.0.0.2", ["[2001:db8::5]:443"], "2001:db8::5"),
        (TRUSTED, "10.0.0.2", ["[2001:db8::5]"], "2001:db8::5"),
        # IPv6, in canonical form; IPv4-mapped addresses are their IPv4 selves.
        (TRUSTED, "2001:db8:ffff::1", ["2001:DB8:0:0::5"], "2001:db8::5"),
        (TRUSTED, "2001:db8:ffff::1", ["203.0.113.5, 2001:db8:ffff::7"], "203.0.113.5"),
        (TRUSTED, "10.0.0.2", ["2001:db8::5, 10.0.0.3"], "2001:db8::5"),
        (TRUSTED, "2001:db8::1", ["203.0.113.5"], "2001:db8::1"),
        (TRUSTED, "::ffff:10.0.0.2", ["::ffff:203.0.113.5"], "203.0.113.5"),
        (TRUSTED, "10.0.0.2", ["203.0.113.5, ::ffff:10.0.0.3"], "203.0.113.5"),
        # A peer that is not an IP address at all.
        (TRUSTED, "testclient", ["203.0.113.5"], "testclient"),
        (TRUSTED, None, ["203.0.113.5"], "unknown"),
    ],
)
def test_the_client_address(
    trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...],
    peer: str | None,
    headers: list[str],
    expected: str,
) -> None:
    assert client_address(peer, headers, trusted) == expected


# Through the app: failed logins are counted against the address found above. One database
# is enough, and every password check costs a real argon2 verification.
one_database = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def proxied(settings: Settings, clock: Clock) -> Iterator[Services]:
    """One failed login allowed per account, so ten per address."""
    changed = settings.replace(trusted_proxies=TRUSTED, login_attempts=1)
    services = Services.build(changed, clock=clock, passwords=CHEAP_PASSWORDS)
    make_editor(services)
    yield services
    services.close()


def fail_logins(client: TestClient, forwarded_for: str | None, count: int) -> None:
    for n in range(count):
        if forwarded_for is not None:
            client.headers["X-Forwarded-For"] = forwarded_for
        else:
            client.headers["X-Forwarded-For"] = f"198.51.100.{n}"  # made up by the client
        assert log_in(client, f"guess{n}@newsroom.test", "guess").status_code == 422


@one_database
def test_behind_a_trusted_proxy_each_client_is_counted_apart(proxied: Services) -> None:
    app = create_app(proxied.settings, proxied)
    with TestClient(app, follow_redirects=False, client=("10.0.0.2", 40000)) as client:
        fail_logins(client, "203.0.113.5", 10)
        assert log_in(client, "anna@newsroom.test").status_code == 429
        client.headers["X-Forwarded-For"] = "203.0.113.6"
        assert log_in(client, "anna@newsroom.test").status_code == 303


@one_database
def test_a_client_cannot_escape_its_count_with_a_made_up_header(proxied: Services) -> None:
    app = create_app(proxied.settings, proxied)
    with TestClient(app, follow_redirects=False, client=("203.0.113.9", 40000)) as client:
        fail_logins(client, None, 10)
        client.headers["X-Forwarded-For"] = "203.0.113.6"
        assert log_in(client, "anna@newsroom.test").status_code == 429
