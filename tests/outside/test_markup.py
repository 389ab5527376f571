"""Markdown in, safe HTML out."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.text import link_scheme
from livefeed.outside.markup import Markup

SITE = "http://livefeed.test"


@pytest.fixture
def markup() -> Markup:
    return Markup(SITE)


class Tags(HTMLParser):
    """Every start tag of a fragment, with its attributes, as a browser would read them."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def names(self) -> set[str]:
        return {tag for tag, _ in self.found}

    def links(self) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.found if tag == "a"]


def render_or_refuse(markup: Markup, text: str) -> str | None:
    """The HTML, or ``None`` when the text was refused (and then on the field it was given)."""
    try:
        return markup.render(text, "body")
    except Invalid as error:
        refused = error
    assert list(refused.errors) == ["body"]
    return None


def test_empty_text_renders_as_nothing(markup: Markup) -> None:
    assert markup.render("", "body") == ""


def test_the_allowed_formatting_comes_through(markup: Markup) -> None:
    text = "\n\n".join(
        [
            "## Section",
            "### Sub",
            "**bold** *italic* ~~gone~~ `code`",
            "> quoted",
            "- one\n- two",
            "3. three\n4. four",
            "| a | b |\n|:--|--:|\n| 1 | 2 |",
            "---",
            "```\nblock\n```",
            "![A hall](https://images.example.org/a.jpg)",
            "[link](https://example.org)",
        ]
    )
    rendered = markup.render(text, "body")
    assert Tags(rendered).names() == {
        "h2", "h3", "p", "strong", "em", "s", "code", "blockquote", "ul", "ol", "li", "table",
        "thead", "tbody", "tr", "th", "td", "hr", "pre", "img", "a",
    }  # fmt: skip
    assert '<ol start="3">' in rendered
    assert '<th style="text-align:left">a</th>' in rendered
    assert '<img src="https://images.example.org/a.jpg" alt="A hall">' in rendered


def test_a_top_level_heading_keeps_its_words_but_not_its_tag(markup: Markup) -> None:
    # The page's own title is the one <h1>; a body may not add another.
    rendered = markup.render("# Breaking", "body")
    assert "<h1" not in rendered
    assert "Breaking" in rendered


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<b>bold</b>",
        '<a href="https://example.org">x</a>',
        "<img src=x onerror=alert(1)>",
        "<iframe src=https://example.org></iframe>",
        "<div>\n\nblock\n\n</div>",
    ],
)
def test_raw_html_is_shown_as_text_not_rendered(markup: Markup, raw: str) -> None:
    rendered = markup.render(raw, "body")
    assert Tags(rendered).names() <= {"p"}
    assert "&lt;" in rendered


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&#58;alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        "![x](mailto:desk@example.org)",
        "Some words, then [a link **inside** emphasis](javascript:alert(1)) later.",
    ],
)
def test_forbidden_links_are_refused_on_the_given_field(markup: Markup, text: str) -> None:
    with pytest.raises(Invalid) as caught:
        markup.render(text, "notes")
    assert list(caught.value.errors) == ["notes"]


def test_a_newline_inside_the_scheme_never_makes_a_live_link(markup: Markup) -> None:
    # Markdown keeps a raw newline out of a link destination; an encoded one is escaped, so the
    # browser reads the href as a relative path, not as a javascript: URL.
    for text in ["[x](java\nscript:alert(1))", "[x](java&#10;script:alert(1))"]:
        rendered = render_or_refuse(markup, text)
        for link in Tags(rendered or "").links():
            assert link_scheme(link.get("href", "")) in (None, "http", "https", "mailto")


def test_the_refusal_quotes_the_link_shortened(markup: Markup) -> None:
    with pytest.raises(Invalid) as caught:
        markup.render(f"[x](javascript:{'a' * 100})", "body")
    message = caught.value.errors["body"]
    assert "javascript:" in message
    assert message.endswith("…”")
    assert len(message) < 100


@pytest.mark.parametrize(
    ("href", "outside"),
    [
        ("https://example.org/story", True),
        ("//cdn.example.org/x", True),
        ("http://livefeed.test.evil.example/", True),
        ("http://livefeed.test/feeds/summit", False),
        ("HTTP://LIVEFEED.TEST/feeds/summit", False),
        ("/feeds/summit", False),
        ("posts/3", False),
        ("#key-events", False),
        ("mailto:desk@example.org", False),
    ],
)
def test_links_that_leave_the_site_get_nofollow(markup: Markup, href: str, outside: bool) -> None:
    (link,) = Tags(markup.render(f"[x]({href})", "body")).links()
    assert link.get("rel") == ("nofollow noopener" if outside else None)


def test_autolinks_are_checked_like_any_link(markup: Markup) -> None:
    (link,) = Tags(markup.render("<https://example.org/a>", "body")).links()
    assert link == {"href": "https://example.org/a", "rel": "nofollow noopener"}


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '[x](https://example.org "title\\" onmouseover=\\"alert(1)")',
    '![x](https://images.example.org/a.png "a\\" onerror=\\"alert(1)")',
    '![x" onerror="alert(1)](https://images.example.org/a.png)',
    '[x](https://example.org/"><script>alert(1)</script>)',
    '<http://example.org/"onmouseover="alert(1)>',
    "[x](java%0Ascript:alert(1))",
    "[x](\\javascript:alert(1))",
    "[x](java&#10;script:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "> <script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<!-- --><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[a](https://example.org)<script>alert(1)</script>",
    "javascript:alert(1)",
    "\x3cscript\x3ealert(1)\x3c/script\x3e",
]


@pytest.mark.parametrize("text", XSS)
def test_no_markdown_yields_script_or_handlers(markup: Markup, text: str) -> None:
    rendered = render_or_refuse(markup, text)
    if rendered is None:
        return
    assert "<script" not in rendered.lower()
    tags = Tags(rendered)
    assert not tags.names() & {"script", "style", "iframe", "svg", "math", "body", "object"}
    # Words like onerror= may survive as text or inside a quoted title; what a browser would
    # act on is an attribute named on…, or a link whose scheme it would run.
    for _tag, attrs in tags.found:
        assert not [name for name in attrs if name.startswith("on")]
        for name in ("href", "src"):
            if name in attrs:
                assert link_scheme(attrs[name]) in (None, "http", "https", "mailto")
