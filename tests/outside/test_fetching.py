"""The SSRF-safe fetcher, against real HTTP servers on loopback and a DNS the test controls.

Blocked cases run with the production address check (``production_policy``): the test only
adds its server's port and its own DNS answers, so a refusal here is the refusal production
makes. Cases that must reach a page use ``local_policy``, which is the production check plus
the one loopback address of the test's server; a second server on 127.0.0.2 plays a service
inside the network, which that policy still refuses.
"""

from __future__ import annotations

import ipaddress
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pytest

from livefeed.domain.addresses import is_public_address
from livefeed.outside.fetch_policy import INSIDE, FetchPolicy, Refused, system_resolver
from livefeed.outside.fetching import fetch_html
from tests.conftest import missing_service
from tests.other_sites import (
    HOST,
    Reply,
    Resolver,
    Site,
    local_policy,
    production_policy,
    running_site,
)

PAGE = "<html><head><title>The article</title></head><body>Words.</body></html>"
PUBLIC = "93.184.215.14"  # a public address; nothing is ever sent to it


@pytest.fixture
def site() -> Iterator[Site]:
    with running_site() as started:
        started.page("/article", PAGE)
        yield started


@pytest.fixture
def inside(site: Site) -> Iterator[Site]:
    """A service inside the network: loopback too, but 127.0.0.2, which no policy admits."""
    with running_site("127.0.0.2") as started:
        started.page("/secret", "<title>Internal</title>")
        yield started


def dns(names: dict[str, str | list[str]] | None = None) -> Resolver:
    """DNS that knows ``names`` (one address or several) and nothing else."""
    return Resolver({n: [a] if isinstance(a, str) else a for n, a in (names or {}).items()})


def refused(url: str, policy: FetchPolicy) -> str:
    with pytest.raises(Refused) as caught:
        fetch_html(url, policy)
    return str(caught.value)


# The production rules --------------------------------------------------------------------------


def test_the_production_policy_is_the_strict_one() -> None:
    policy = FetchPolicy()

    assert policy.admits is is_public_address
    assert policy.resolve is system_resolver
    assert policy.ports == {80, 443}
    assert (policy.timeout, policy.max_bytes, policy.max_redirects) == (5.0, 2 * 1024 * 1024, 3)
    assert policy.tls is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://2130706433/",
        "https://0x7f.1/",
    ],
)
def test_the_production_policy_refuses_the_inside_of_the_network(url: str) -> None:
    # The real resolver, real defaults: nothing here needs DNS, and nothing is connected to.
    assert refused(url, FetchPolicy()) == INSIDE


# Every way of spelling a private address ----------------------------------------------------------

LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f.1",
    "0x7f.0.0.1",
    "0x7f000001",
    "017700000001",
    "0177.0.0.01",
    "127.0.0.1.",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "0",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_refused(site: Site, host: str) -> None:
    # Each of these reaches the test's server on this machine if it is connected to; and DNS
    # would call every name public, so the address must be read from the host, not looked up.
    resolver = dns({HOST: PUBLIC})

    message = refused(f"http://{host}:{site.port}/article", production_policy(site, resolver))

    assert message == INSIDE
    assert site.requests == []
    assert resolver.asked == []


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "192.0.0.1",
        "198.18.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "[::1]",
        "[::]",
        "[fc00::1]",
        "[fd12:3456::1]",
        "[fe80::1]",
        "[fec0::1]",
        "[ff02::1]",
        "[2002:7f00:1::]",  # 6to4 around 127.0.0.1
        "[2002:a9fe:a9fe::]",  # 6to4 around 169.254.169.254
        "[2001::1]",  # Teredo
        "[64:ff9b::a9fe:a9fe]",  # NAT64 around 169.254.169.254
        "[::7f00:1]",  # IPv4-compatible, deprecated
        "[2001:db8::1]",
        "localhost",
        "LOCALHOST.",
        "api.localhost",
    ],
)
def test_private_and_reserved_addresses_are_refused(site: Site, host: str) -> None:
    resolver = dns({HOST: PUBLIC})

    assert refused(f"http://{host}/", production_policy(site, resolver)) == INSIDE
    assert resolver.asked == []


@pytest.mark.parametrize(
    "answer",
    ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1", "fe80::1%1", "::ffff:10.0.0.1", "0.0.0.0"],  # noqa: S104
)
def test_a_name_that_resolves_inside_is_refused(site: Site, answer: str) -> None:
    resolver = dns({HOST: answer})

    assert refused(site.url("/article"), production_policy(site, resolver)) == INSIDE
    assert site.requests == []


def test_every_address_of_a_name_is_checked_not_just_the_first(site: Site) -> None:
    resolver = dns({HOST: [PUBLIC, "2606:4700::1111", "127.0.0.1"]})

    assert refused(site.url("/article"), production_policy(site, resolver)) == INSIDE
    assert site.requests == []


def test_a_resolver_answer_that_is_not_an_address_is_refused(site: Site) -> None:
    resolver = dns({HOST: "localhost"})

    assert refused(site.url("/article"), local_policy(site, resolver)) == INSIDE


# Connecting to the checked address ----------------------------------------------------------------


def test_dns_rebinding_cannot_move_the_connection_after_the_check() -> None:
    # The inside service and the admitted site share a port on two loopback addresses. DNS
    # answers the admitted address first, the inside one afterwards: a fetcher that looked
    # the name up again to connect would reach the inside service.
    with ExitStack() as stack:
        inside = stack.enter_context(running_site("127.0.0.2"))
        try:
            site = stack.enter_context(running_site("127.0.0.1", inside.port))
        except OSError:
            pytest.skip(f"port {inside.port} is taken on 127.0.0.1")
        inside.page("/article", "<title>Internal</title>")
        site.page("/article", PAGE)
        resolver = Resolver({HOST: [["127.0.0.1"], ["127.0.0.2"]]})

        page = fetch_html(site.url("/article"), local_policy(site, resolver))

        assert b"The article" in page.body
        assert site.paths() == ["/article"]
        assert inside.requests == []
        assert resolver.asked == [HOST]


def test_the_request_names_the_host_it_was_given(site: Site) -> None:
    fetch_html(site.url("/article"), local_policy(site, dns({HOST: "127.0.0.1"})))

    (seen,) = site.requests
    assert seen.headers["host"] == f"{HOST}:{site.port}"
    assert "Livefeed/" in seen.headers["user-agent"]
    assert seen.headers["accept-encoding"] == "identity"


def test_an_address_that_does_not_answer_is_could_not_connect(site: Site) -> None:
    # Admitted, but nothing listens on 127.0.0.3.
    resolver = dns({HOST: "127.0.0.3"})
    policy = local_policy(site, resolver, [ipaddress.IPv4Address("127.0.0.3")])

    assert refused(site.url("/article"), policy) == f"could not connect to “{HOST}”"


def test_a_name_that_does_not_resolve_is_named(site: Site) -> None:
    message = refused(site.url("/article", "nowhere.test"), local_policy(site, dns()))

    assert message == "there is no site at “nowhere.test”"


# Schemes, ports and the shape of the URL ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://news.test/a", "only http:// and https:// addresses can be fetched"),
        ("file:///etc/passwd", "only http:// and https:// addresses can be fetched"),
        ("gopher://news.test:70/", "only http:// and https:// addresses can be fetched"),
        ("http://news.test:8080/", "only the standard web ports (80 and 443) can be fetched"),
        ("https://news.test:22/", "only the standard web ports (80 and 443) can be fetched"),
        ("http://user:secret@news.test/", "cannot hold a user name or password"),
        ("http://news.test:99999/", "not a valid web address"),
        ("http://1.2.3.999/", "is not a valid address"),
        ("http://bad_name-.test/", "is not a valid host name"),
        ("http://%31%32%37.0.0.1/", "is not a valid address"),
        ("http://%6c%6f%63%61%6c%68%6f%73%74/", "is not a valid host name"),
        ("http:///path-only", "has no host name"),
    ],
)
def test_urls_outside_the_rules_are_refused_before_any_lookup(url: str, message: str) -> None:
    resolver = dns({HOST: PUBLIC})

    assert message in refused(url, FetchPolicy(resolve=resolver))
    assert resolver.asked == []


# Redirects ----------------------------------------------------------------------------------------


def test_redirects_are_followed_and_the_final_address_kept(site: Site) -> None:
    site.redirect("/one", "/two", 301)
    site.redirect("/two", site.url("/three"), 307)
    site.redirect("/three", "/article", 308)

    page = fetch_html(site.url("/one"), local_policy(site, dns({HOST: "127.0.0.1"})))

    assert page.url == site.url("/article")
    assert site.paths() == ["/one", "/two", "/three", "/article"]


def test_a_fourth_redirect_is_refused(site: Site) -> None:
    for hop in range(1, 5):
        site.redirect(f"/{hop}", f"/{hop + 1}")
    site.page("/5", PAGE)

    message = refused(site.url("/1"), local_policy(site, dns({HOST: "127.0.0.1"})))

    assert message == "the page redirects too many times (more than 3)"
    assert site.paths() == ["/1", "/2", "/3", "/4"]


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/secret",
        "http://2130706434:{port}/secret",
        "http://[::ffff:127.0.0.2]:{port}/secret",
        "http://internal.test:{port}/secret",
    ],
)
def test_a_redirect_inside_the_network_is_refused(site: Site, inside: Site, target: str) -> None:
    site.redirect("/article", target.format(port=inside.port))
    resolver = dns({HOST: "127.0.0.1", "internal.test": "127.0.0.2"})

    policy = local_policy(site, resolver)
    policy = replace(policy, ports=policy.ports | {inside.port})

    assert refused(site.url("/article"), policy) == INSIDE
    assert site.paths() == ["/article"]
    assert inside.requests == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("file:///etc/passwd", "only http:// and https://"),
        ("ftp://news.test/file", "only http:// and https://"),
        ("http://news.test:2375/containers/json", "only the standard web ports"),
    ],
)
def test_a_redirect_goes_through_every_check_again(site: Site, target: str, message: str) -> None:
    site.redirect("/article", target)
    policy = replace(local_policy(site, dns({HOST: "127.0.0.1"})), ports=frozenset({site.port}))

    assert message in refused(site.url("/article"), policy)


def test_a_redirect_that_says_nowhere_is_refused(site: Site) -> None:
    site.replies["/article"] = Reply(status=302)

    message = refused(site.url("/article"), local_policy(site, dns({HOST: "127.0.0.1"})))

    assert message == "the site sent a redirect without saying where to"


# Time, size and kind ----------------------------------------------------------------------------


def test_a_server_that_stalls_after_its_headers_is_refused(site: Site) -> None:
    site.replies["/slow"] = Reply(headers={"Content-Type": "text/html"}, stall=True)
    policy = replace(local_policy(site, dns({HOST: "127.0.0.1"})), timeout=0.5)

    assert (
        refused(site.url("/slow"), policy)
        == "the page took too long to load (more than 0.5 seconds)"
    )


def test_a_server_that_trickles_is_refused_by_the_overall_deadline(site: Site) -> None:
    # A byte every 50 ms never trips a per-read timeout; only a deadline for the whole fetch
    # stops it (the server gives up after a minute, and then the page would be accepted).
    site.replies["/drip"] = Reply(headers={"Content-Type": "text/html"}, trickle=True)
    policy = replace(local_policy(site, dns({HOST: "127.0.0.1"})), timeout=0.5)

    assert (
        refused(site.url("/drip"), policy)
        == "the page took too long to load (more than 0.5 seconds)"
    )


@pytest.mark.parametrize("sized", [True, False])
def test_a_page_over_2_mb_is_refused(site: Site, sized: bool) -> None:
    body = b"<html><head><title>Big</title></head><body>" + b"x" * (3 * 1024 * 1024)
    site.replies["/big"] = Reply(body=body, headers={"Content-Type": "text/html"}, sized=sized)

    message = refused(site.url("/big"), local_policy(site, dns({HOST: "127.0.0.1"})))

    assert message == "the page is larger than 2 MB"


def test_a_page_of_just_under_2_mb_is_read(site: Site) -> None:
    body = b"<title>Long</title>" + b"x" * (2 * 1024 * 1024 - 100)
    site.replies["/long"] = Reply(body=body, headers={"Content-Type": "text/html"}, sized=False)

    page = fetch_html(site.url("/long"), local_policy(site, dns({HOST: "127.0.0.1"})))

    assert page.body == body


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("application/json", "that address is not an HTML page (it is application/json)"),
        ("image/png", "that address is not an HTML page (it is image/png)"),
        ("text/plain; charset=utf-8", "that address is not an HTML page (it is text/plain)"),
    ],
)
def test_only_html_is_read(site: Site, content_type: str, message: str) -> None:
    site.page("/thing", b"{}", content_type=content_type)

    assert refused(site.url("/thing"), local_policy(site, dns({HOST: "127.0.0.1"}))) == message


def test_a_page_sent_compressed_against_our_wish_is_refused(site: Site) -> None:
    site.replies["/gz"] = Reply(
        body=b"\x1f\x8b", headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )

    message = refused(site.url("/gz"), local_policy(site, dns({HOST: "127.0.0.1"})))

    assert message == "the site sent the page compressed, though asked not to"


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_an_error_status_is_refused_with_it(site: Site, status: int) -> None:
    site.replies["/gone"] = Reply(status=status, headers={"Content-Type": "text/html"})

    message = refused(site.url("/gone"), local_policy(site, dns({HOST: "127.0.0.1"})))

    assert message.startswith(f"the site answered “{status} ")


def test_cookies_are_neither_sent_nor_kept(site: Site) -> None:
    site.replies["/login"] = Reply(
        status=302, headers={"Location": "/article", "Set-Cookie": "session=abc; Path=/"}
    )
    site.replies["/article"] = Reply(
        body=PAGE.encode(), headers={"Content-Type": "text/html", "Set-Cookie": "seen=1; Path=/"}
    )
    policy = local_policy(site, dns({HOST: "127.0.0.1"}))

    fetch_html(site.url("/login"), policy)
    fetch_html(site.url("/article"), policy)

    assert site.paths() == ["/login", "/article", "/article"]
    assert all("cookie" not in seen.headers for seen in site.requests)


# HTTPS: the certificate is checked against the name, though we connect to a number -------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("tls")
    key, cert = directory / "key.pem", directory / "cert.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
             "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        missing_service(f"openssl could not make a test certificate: {error}")
    return key, cert


@pytest.fixture
def secure_site(certificate: tuple[Path, Path]) -> Iterator[Site]:
    key, cert = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with running_site(tls=context) as started:
        started.page("/article", PAGE)
        yield started


def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[1]))


def test_https_is_fetched_with_the_certificate_checked_against_the_name(
    secure_site: Site, certificate: tuple[Path, Path]
) -> None:
    resolver = dns({HOST: "127.0.0.1", "impostor.test": "127.0.0.1"})
    policy = replace(local_policy(secure_site, resolver), tls=trusting(certificate))

    page = fetch_html(secure_site.url("/article"), policy)
    message = refused(secure_site.url("/article", "impostor.test"), policy)

    assert b"The article" in page.body
    assert message == "the certificate of “impostor.test” is not valid"
    assert secure_site.paths() == ["/article"]


def test_https_with_an_untrusted_certificate_is_refused(secure_site: Site) -> None:
    policy = local_policy(secure_site, dns({HOST: "127.0.0.1"}))

    assert (
        refused(secure_site.url("/article"), policy) == f"the certificate of “{HOST}” is not valid"
    )
    assert secure_site.requests == []


def test_the_system_resolver_reads_a_number_without_asking_anyone() -> None:
    assert system_resolver("127.0.0.1", 80) == ["127.0.0.1"]
