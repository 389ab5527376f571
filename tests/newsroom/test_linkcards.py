"""Read more cards: read from an article's page, or from our database for our own links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.posts import ReadMore
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.newsroom.linkcards import card_from_page, decode, fetch_card
from livefeed.outside.fetch_policy import INSIDE
from livefeed.outside.fetching import Page
from livefeed.services import Services
from livefeed.settings import Settings
from tests.conftest import Clock
from tests.factories import (
    CHEAP_PASSWORDS,
    make_contributor,
    make_editor,
    make_feed,
    make_moderator,
    make_post,
)
from tests.other_sites import HOST, Resolver, Site, local_policy, running_site

URL = "https://news.example.org/2026/11/summit/deal.html"


def card(html: str | bytes, charset: str | None = "utf-8", url: str = URL) -> ReadMore:
    body = html.encode("utf-8") if isinstance(html, str) else html
    return card_from_page(Page(url, body, charset))


# What a page says about itself ------------------------------------------------------------------

RICH = """<!doctype html><html><head>
<title>Deal reached | The Daily</title>
<meta name="description" content="Plain description.">
<meta name="twitter:title" content="Twitter title">
<meta name="twitter:description" content="Twitter description.">
<meta name="twitter:image" content="https://img.example.org/twitter.jpg">
<meta property="og:title" content="Leaders agree on a deal">
<meta property="og:description" content="After two nights of talks, a text everyone signs.">
<meta property="og:image" content="/images/deal.jpg">
</head><body><img src="/logo.png"><meta property="og:title" content="Not this"></body></html>"""


def test_open_graph_comes_first() -> None:
    assert card(RICH) == ReadMore(
        URL,
        "Leaders agree on a deal",
        "After two nights of talks, a text everyone signs.",
        "https://news.example.org/images/deal.jpg",
    )


def test_twitter_tags_when_there_is_no_open_graph() -> None:
    html = RICH.replace('property="og:', 'property="ignored:')

    assert card(html) == ReadMore(
        URL, "Twitter title", "Twitter description.", "https://img.example.org/twitter.jpg"
    )


def test_the_title_and_description_when_there_is_nothing_else() -> None:
    html = "<title>\n  Deal reached\n</title><meta name=description content='Plain description.'>"

    assert card(html) == ReadMore(URL, "Deal reached", "Plain description.", "")


def test_a_page_that_says_nothing_gives_an_empty_card_to_fill_by_hand() -> None:
    assert card("<p>Just words, and <img src='/photo.jpg'></p>") == ReadMore(URL, "", "", "")


@pytest.mark.parametrize(
    ("head", "image"),
    [
        ('<meta property="og:image" content="pic.jpg">', "https://news.example.org/2026/11/summit/pic.jpg"),
        ('<meta property="og:image" content="//cdn.example.org/a.jpg">', "https://cdn.example.org/a.jpg"),
        ('<base href="https://static.example.org/x/"><meta property="og:image" content="a.jpg">',
         "https://static.example.org/x/a.jpg"),
        ('<meta property="og:image:secure_url" content="https://cdn.example.org/s.jpg">',
         "https://cdn.example.org/s.jpg"),
        ('<link rel="image_src" href="/legacy.jpg">', "https://news.example.org/legacy.jpg"),
        ('<meta property="og:image" content="javascript:alert(1)">', ""),
        ('<meta property="og:image" content="data:image/png;base64,AAAA">', ""),
        ('<meta property="og:image" content="http://10.0.0.1/a.jpg">', ""),
        ('<meta property="og:image" content="http://localhost/a.jpg">', ""),
        ('<meta property="og:image" content="javascript:x">'
         '<meta name="twitter:image" content="/t.jpg">', "https://news.example.org/t.jpg"),
    ],
)  # fmt: skip
def test_the_image_is_an_absolute_public_web_address(head: str, image: str) -> None:
    assert card(f"<html><head>{head}</head></html>").image_url == image


def test_text_is_unescaped_and_put_on_one_line() -> None:
    html = (
        '<meta property="og:title" content="Tom &amp; Jerry&#8217;s\n\tdeal\x07">'
        "<meta property='og:description' content='Line one\r\nline two\u2028three'>"
    )

    found = card(html)

    assert (found.title, found.summary) == ("Tom & Jerry’s deal", "Line one line two three")


def test_long_text_is_cut_at_a_word_to_fit_the_card() -> None:
    words = " ".join(["negotiation"] * 100)
    html = (
        f'<meta property="og:title" content="{words}"><meta name="description" content="{words}">'
    )

    found = card(html)

    assert len(found.title) <= 200
    assert len(found.summary) <= 500
    assert found.title.endswith("negotiation…")
    assert found.summary.endswith("negotiation…")


# Character sets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "declared", "text"),
    [
        ("<title>Café crème</title>".encode(), "utf-8", "Café crème"),
        ("<title>Café crème</title>".encode("latin-1"), "iso-8859-1", "Café crème"),
        ("<title>Smart “quotes”</title>".encode("cp1252"), "iso-8859-1", "Smart “quotes”"),
        ('<meta charset="windows-1251"><title>Саммит</title>'.encode("cp1251"), None, "Саммит"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
         "<title>首脳会議</title>".encode("shift_jis"), None, "首脳会議"),
        ("<meta charset='utf-8'><title>Überblick</title>".encode("cp1252"), "cp1252", "Überblick"),
        (b"\xef\xbb\xbf<title>\xc3\x9cberblick</title>", "iso-8859-1", "Überblick"),
        ("<title>Überblick</title>".encode("cp1252"), None, "Überblick"),
        ("<title>Überblick</title>".encode(), "base64", "Überblick"),
        ("<title>Überblick</title>".encode(), "no-such-charset", "Überblick"),
    ],
)  # fmt: skip
def test_the_page_is_decoded_as_it_declares(body: bytes, declared: str | None, text: str) -> None:
    assert card(body, declared).title == text


def test_a_meta_that_claims_utf_16_is_read_as_utf_8() -> None:
    assert decode('<meta charset="utf-16"><title>Ü</title>'.encode(), None).endswith("Ü</title>")


# Fetched for an editor --------------------------------------------------------------------------


@pytest.fixture
def site(svc: Services) -> Iterator[Site]:
    with running_site() as started:
        svc.fetch_policy = local_policy(started, Resolver({HOST: ["127.0.0.1"]}))
        yield started


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    return anna


def test_an_editor_gets_the_card_of_the_page_found_after_redirects(
    svc: Services, editor: User, site: Site
) -> None:
    site.redirect("/short", "/2026/deal.html", 301)
    site.page("/2026/deal.html", RICH.replace("/images/deal.jpg", "deal.jpg"))

    found = fetch_card(svc, editor, site.url("/short"))

    assert found == ReadMore(
        site.url("/2026/deal.html"),
        "Leaders agree on a deal",
        "After two nights of talks, a text everyone signs.",
        site.url("/2026/deal.jpg"),
    )


def test_the_typed_address_is_kept_when_the_final_one_could_not_be_published(
    svc: Services, editor: User, site: Site
) -> None:
    long_path = "/" + "a" * 2100
    site.redirect("/short", long_path)
    site.page(long_path, RICH)

    found = fetch_card(svc, editor, site.url("/short"))

    assert (found.url, found.title) == (site.url("/short"), "Leaders agree on a deal")


def test_the_card_can_be_published_as_it_comes(svc: Services, editor: User, site: Site) -> None:
    site.page("/deal", RICH)
    found = fetch_card(svc, editor, site.url("/deal"))

    post = publishing.publish_post(
        svc,
        editor,
        "summit",
        {
            "headline": "A deal",
            "read_more.url": found.url,
            "read_more.title": found.title,
            "read_more.summary": found.summary,
            "read_more.image_url": found.image_url,
        },
    )

    assert post.read_more == found


@pytest.mark.parametrize("who", ["contributor", "moderator", "nobody"])
def test_only_editors_may_make_the_server_fetch(svc: Services, site: Site, who: str) -> None:
    make_feed(svc, make_editor(svc))
    actor = {
        "contributor": lambda: make_contributor(svc),
        "moderator": lambda: make_moderator(svc),
        "nobody": lambda: None,
    }[who]()

    with pytest.raises(Forbidden):
        fetch_card(svc, actor, site.url("/deal"))
    assert site.requests == []


def test_a_refused_fetch_is_invalid_input_on_url(svc: Services, editor: User) -> None:
    # The production policy, as Services builds it.
    with pytest.raises(Invalid) as caught:
        fetch_card(svc, editor, "http://127.0.0.1/")

    assert caught.value.errors == {"url": INSIDE}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (None, "is required"),
        ("", "is required"),
        (42, "must be text"),
        ("news.example.org/deal", "must be a full http:// or https:// address"),
        ("javascript:alert(1)", "must be a full http:// or https:// address"),
        ("ftp://files.example.org/a", "must be a full http:// or https:// address"),
        ("https://news.example.org/a\nb", "must be one line"),
        ("https://news.example.org/" + "a" * 2000, "at most 2,000 characters"),
    ],
)
def test_what_is_not_a_web_address_is_refused_on_url(
    svc: Services, editor: User, url: object, message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        fetch_card(svc, editor, url)

    assert list(caught.value.errors) == ["url"]
    assert message in caught.value.errors["url"]


# Our own feeds and posts, without a request -----------------------------------------------------


@pytest.fixture
def trap() -> Iterator[Site]:
    """A server where our own site would be fetched, if it were: it must see nothing."""
    with running_site() as started:
        yield started


@pytest.fixture
def own_dns() -> Resolver:
    return Resolver({"livefeed.test": ["127.0.0.1"], "elsewhere.test": ["127.0.0.1"]})


@pytest.fixture
def own(database_url: str, clock: Clock, trap: Site, own_dns: Resolver) -> Iterator[Services]:
    """Services whose public address is the trap's, with DNS and policy leading there too."""
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": database_url,
            "LIVEFEED_PUBLIC_URL": f"http://livefeed.test:{trap.port}",
            "LIVEFEED_SEED_DEMO": "false",
        },
        env_file=None,
    )
    services = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    services.fetch_policy = local_policy(trap, own_dns)
    yield services
    services.close()


def test_a_link_to_our_feed_is_read_from_the_database(
    own: Services, trap: Site, own_dns: Resolver
) -> None:
    editor = make_editor(own)
    make_feed(own, editor)

    found = fetch_card(own, editor, f"http://LIVEFEED.test:{trap.port}/feeds/summit/?from=desk#top")

    assert found == ReadMore(
        own.urls.feed("summit"), "Summit in Geneva: live", "Leaders meet for a second day.", ""
    )
    assert trap.requests == []
    assert own_dns.asked == []


def test_a_link_to_our_post_is_read_from_the_database(own: Services, trap: Site) -> None:
    editor = make_editor(own)
    make_feed(own, editor)
    post = make_post(
        own,
        editor,
        headline="Talks resume",
        body="Delegates are **back** in the hall.\n\n- one\n- two",
        **{"image.url": "https://img.example.org/hall.jpg", "image.alt": "The hall"},
    )

    found = fetch_card(own, editor, own.urls.post("summit", post.id))

    assert found == ReadMore(
        own.urls.post("summit", post.id),
        "Talks resume",
        "Delegates are back in the hall. one two",
        "https://img.example.org/hall.jpg",
    )
    assert trap.requests == []


def test_the_trap_would_see_a_fetch(own: Services, trap: Site) -> None:
    # The same server under another name is not our site: it is fetched, and the trap sees it.
    editor = make_editor(own)
    make_feed(own, editor, slug="other")

    with pytest.raises(Invalid, match="404"):
        fetch_card(own, editor, f"http://elsewhere.test:{trap.port}/feeds/summit")

    assert trap.paths() == ["/feeds/summit"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/feeds/nowhere", "there is no such feed on this site"),
        ("/feeds/summit/posts/999", "there is no such post on this site"),
        ("/feeds/summit/posts/99999999999", "there is no such post on this site"),
        ("/feeds/other/posts/{post}", "there is no such post on this site"),
        ("/feeds/summit/posts/{deleted}", "there is no such post on this site"),
        ("/", "a link to this site must be to one of its feeds or posts"),
        ("/desk", "a link to this site must be to one of its feeds or posts"),
        ("/feeds/summit/posts/{post}/edit", "a link to this site must be to one of its feeds"),
    ],
)
def test_a_link_to_nothing_of_ours_is_refused_without_a_fetch(
    own: Services, trap: Site, path: str, message: str
) -> None:
    editor = make_editor(own)
    make_feed(own, editor)
    make_feed(own, editor, slug="other", title="Other")
    post = make_post(own, editor)
    deleted = make_post(own, editor)
    publishing.delete_post(own, editor, "summit", deleted.id)
    url = own.urls.origin + path.format(post=post.id, deleted=deleted.id)

    with pytest.raises(Invalid) as caught:
        fetch_card(own, editor, url)

    assert message in caught.value.errors["url"]
    assert trap.requests == []
