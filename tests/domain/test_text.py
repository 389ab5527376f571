"""Rules shared by every text and link field."""

from __future__ import annotations

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.text import clean_flag, clean_line, clean_text, clean_web_url, link_scheme


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://example.org", "https"),
        ("HTTP://EXAMPLE.ORG", "http"),
        ("mailto:desk@example.org", "mailto"),
        ("javascript:alert(1)", "javascript"),
        ("java\nscript:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("java\rscript:alert(1)", "javascript"),
        ("java\x00script:alert(1)", "javascript"),
        (" JavaScript:alert(1)", "javascript"),
        ("\x01\x02javascript:alert(1)", "javascript"),
        ("data:text/html,<b>", "data"),
        ("vbscript:msgbox", "vbscript"),
        ("/feeds/summit", None),
        ("feeds/summit", None),
        ("//cdn.example.org/a.js", None),
        ("#top", None),
        ("?page=2", None),
        ("", None),
        ("java%0Ascript:alert(1)", None),
        ("1http:x", None),
    ],
)
def test_link_scheme_reads_what_a_browser_would(url: str, scheme: str | None) -> None:
    assert link_scheme(url) == scheme


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:image/png;base64,AAAA",
        "ftp://files.example.org/a",
        "/relative/path",
        "//example.org/x",
        "http:/one-slash.example.org",
        "https://",
    ],
)
def test_web_urls_must_be_absolute_http(url: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_web_url(url, "image.url")
    assert list(caught.value.errors) == ["image.url"]


def test_web_url_refuses_a_newline_inside_the_scheme() -> None:
    # clean_line stops it before the scheme is even read: one line, no control characters.
    with pytest.raises(Invalid) as caught:
        clean_web_url("java\nscript:alert(1)", "read_more.url")
    assert list(caught.value.errors) == ["read_more.url"]


@pytest.mark.parametrize(
    "url", ["https://example.org", "http://example.org/a?b=c#d", " https://example.org/x "]
)
def test_web_urls_that_pass(url: str) -> None:
    assert clean_web_url(url, "image.url") == url.strip()


def test_an_empty_url_is_allowed_unless_required() -> None:
    assert clean_web_url("", "image.url") == ""
    with pytest.raises(Invalid, match="is required"):
        clean_web_url("", "image.url", required=True)


def test_lines_are_trimmed_and_normalised_to_nfc() -> None:
    decomposed = "Cafe\u0301"
    assert clean_line(f"  {decomposed}  ", "title", max_length=10) == "Caf\u00e9"


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\tb", "a\x00b", "a\u2028b", "a\x7fb"])
def test_a_line_refuses_breaks_and_control_characters(value: str) -> None:
    with pytest.raises(Invalid, match="one line"):
        clean_line(value, "title", max_length=100)


def test_length_counts_characters_after_normalising() -> None:
    # Five decomposed characters become five composed ones, within a limit of five.
    assert clean_line("e\u0301" * 5, "title", max_length=5) == "\u00e9" * 5
    with pytest.raises(Invalid, match="at most 5 characters"):
        clean_line("abcdef", "title", max_length=5)


def test_text_keeps_lines_but_unifies_their_endings() -> None:
    assert clean_text("one\r\ntwo\rthree\n\tfour", "body", max_length=100) == (
        "one\ntwo\nthree\n\tfour"
    )


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\u2029b"])
def test_text_refuses_control_characters(value: str) -> None:
    with pytest.raises(Invalid, match="control characters"):
        clean_text(value, "body", max_length=100)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (None, False),
        ("", False),
        ("0", False),
        ("false", False),
        ("off", False),
        ("on", True),
        ("1", True),
        ("true", True),
        ("yes", True),
    ],
)
def test_flags(value: object, expected: bool) -> None:
    assert clean_flag(value, "pinned") is expected


@pytest.mark.parametrize("value", ["TRUE", "y", 2, [], "maybe"])
def test_other_flag_values_are_refused(value: object) -> None:
    with pytest.raises(Invalid) as caught:
        clean_flag(value, "pinned")
    assert list(caught.value.errors) == ["pinned"]
