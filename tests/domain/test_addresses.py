"""How hosts spell addresses, and which addresses are public: pure rules, no network."""

from __future__ import annotations

import ipaddress

import pytest

from livefeed.domain.addresses import (
    NotAnAddress,
    host_address,
    is_local_name,
    is_public_address,
    unwrap,
)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104
        ("0x", "0.0.0.0"),  # noqa: S104
        ("169.254.43518", "169.254.169.254"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("::1", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_numeric_hosts_are_read_the_way_browsers_read_them(host: str, address: str) -> None:
    assert host_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.org", "news.test", "localhost", "1.example", "a1"])
def test_names_are_not_addresses(host: str) -> None:
    assert host_address(host) is None


@pytest.mark.parametrize(
    "host", ["1.2.3.999", "256.1", "1.2.3.4.5", "1.2.3.08", "09", "a.0x1", "4294967296", ":::"]
)
def test_a_host_that_ends_in_a_number_but_is_no_address_is_refused(host: str) -> None:
    with pytest.raises(NotAnAddress):
        host_address(host)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
        "10.0.0.1",
        "100.64.0.1",
        "169.254.169.254",
        "172.31.255.255",
        "192.168.0.1",
        "192.0.2.1",
        "198.51.100.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::7f00:1",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "2002:a00:1::",
        "2001::1",
        "2001:db8::1",
        "fc00::1",
        "fd00:ec2::254",
        "fe80::1",
        "fe80::1%eth0",
        "fec0::1",
        "ff02::1",
        "ff0e::1",
    ],
)
def test_addresses_inside_any_network_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.215.14",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "2002:808:808::1",
    ],
)
def test_addresses_on_the_internet_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_a_mapped_address_is_connected_to_as_what_it_maps() -> None:
    assert unwrap(ipaddress.ip_address("::ffff:8.8.8.8")) == ipaddress.ip_address("8.8.8.8")
    assert unwrap(ipaddress.ip_address("2606:4700::1")) == ipaddress.ip_address("2606:4700::1")


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("LocalHost.", True),
        ("a.b.localhost", True),
        ("localhost.example", False),
    ],
)
def test_localhost_names(host: str, local: bool) -> None:
    assert is_local_name(host) is local
