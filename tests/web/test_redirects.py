"""Open redirects: no ``next=`` can send a signed-in editor to another site.

The corpus is the classic one: protocol-relative and backslash forms that browsers read as
another host, schemes, control characters browsers drop, and their percent-encoded twins. Each
goes through the real login flow, and the ``Location`` that comes back is read the way a browser
would read it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.security import safe_next
from tests.factories import make_feed
from tests.web.conftest import Page, log_in

ORIGIN = "http://testserver"

CORPUS = [
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "http:\\/evil.example",
    "http:/evil.example",
    "http://evil.example",
    "https://evil.example",
    "HTTPS://evil.example",
    "//evil.example/%2F..",
    "/%2F%2Fevil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "%2F%2Fevil.example",
    "java\nscript:alert(1)",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "\t//evil.example",
    " //evil.example",
    " /\\evil",
    " /\\\\evil",
    "/.//evil.example",
    "/..//evil.example",
    "/./evil.example/../..//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "/%00/evil.example",
    "%09//evil.example",
    "%0a//evil.example",
    "/%2e%2e//evil.example",
    "/desk\r\nSet-Cookie: lf_session=stolen",
    "/desk%0d%0aSet-Cookie:%20lf_session=stolen",
    "@evil.example",
    "evil.example",
]

# Where an editor may well be sent back to after logging in: these must survive.
KEPT = [
    "/desk",
    "/desk/feeds/new",
    "/desk/feeds/summit/edit",
    "/feeds/summit",
    "/feeds/summit?cursor=abc",
    "/feeds/summit/posts/12/edit",
    "/feeds/summit#post-12",
    "/tags/world-news",
]


def as_a_browser_reads_it(location: str) -> tuple[str, str]:
    """(host, path) a browser would go to from ``location`` on our login page.

    Browsers drop ASCII tabs and newlines anywhere in a URL, trim leading spaces and controls,
    and read a backslash as a slash; urljoin does none of that, so it is done first.
    """
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "")
    cleaned = cleaned.lstrip("".join(chr(c) for c in range(0x21))).replace("\\", "/")
    # Any run of two or more slashes starts a host ("///x" is "//x"); urljoin thinks otherwise.
    cleaned = re.sub(r"^/{2,}", "//", cleaned)
    resolved = urlsplit(urljoin(f"{ORIGIN}/login", cleaned))
    return resolved.netloc, resolved.path


def assert_on_site(location: str, sent: str) -> None:
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) == ("", ""), f"{sent!r} led to {location!r}"
    # Read raw, not from urlsplit: it takes "///x" for an empty host and the path "/x".
    assert location.startswith("/"), f"{sent!r} led to {location!r}"
    assert location[1:2] not in ("/", "\\"), f"{sent!r} led to {location!r}"
    assert not any(ord(ch) < 0x20 or ch == "\\" for ch in location), f"{sent!r}: {location!r}"
    host, path = as_a_browser_reads_it(location)
    assert host == "testserver", f"{sent!r} led a browser to {host}"
    assert not path.startswith("//"), f"{sent!r} led a browser to {path!r}"


def test_the_corpus_is_refused_by_the_rule_itself() -> None:
    assert [target for target in CORPUS if safe_next(target) != "/desk"] == []


@pytest.mark.parametrize("target", KEPT)
def test_our_own_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


def test_no_next_sent_at_login_leads_off_the_site(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    for target in CORPUS:
        client.cookies.clear()
        response = log_in(client, editor.email, next_url=target)
        assert response.status_code == 303, (target, response.text)
        assert_on_site(response.headers["location"], target)
        assert response.headers["location"] == "/desk", target


def test_no_next_given_to_the_login_page_is_printed_into_its_form(
    client: TestClient, editor: User
) -> None:
    for target in CORPUS:
        response = client.get("/login", params={"next": target})
        assert response.status_code == 200
        kept = Page(response.text).values["next"]
        assert kept == "", (target, kept)


def test_a_next_passed_on_by_the_login_page_leads_back_to_it(
    client: TestClient, editor: User
) -> None:
    for target in KEPT:
        client.cookies.clear()
        kept = Page(client.get("/login", params={"next": target}).text).values["next"]
        response = log_in(client, editor.email, next_url=kept)
        assert response.headers["location"] == target


def test_a_page_that_needs_a_login_comes_back_to_itself(client: TestClient) -> None:
    response = client.get("/desk/feeds/new")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/desk/feeds/new"


def test_the_browser_reading_would_catch_an_escape() -> None:
    """The check above is only worth something if it sees what a browser would do."""
    assert as_a_browser_reads_it("/\t/evil.example")[0] == "evil.example"
    assert as_a_browser_reads_it("/\\evil.example")[0] == "evil.example"
    assert as_a_browser_reads_it("///evil.example")[0] == "evil.example"
    for escape in ("///evil.example", "/\\evil.example", "/\t/evil.example", "//evil.example"):
        with pytest.raises(AssertionError):
            assert_on_site(escape, escape)
