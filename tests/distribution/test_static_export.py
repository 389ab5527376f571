"""``livefeed export-static``: a static copy of a feed that works from any folder.

The copy is made from a real database (SQLite and PostgreSQL) and then read as files: every
link is followed on the disk, nothing points back at the server but what should.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

import livefeed
from livefeed.cli.main import cli
from livefeed.distribution import reading
from livefeed.distribution.resources import feed_json, post_json
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import Post
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.reader.static_export import ExportError, export_feed
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_post
from tests.web.conftest import static_url

ORIGIN = "http://livefeed.test"
POSTS = 45


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    in_head: bool


class Parsed(HTMLParser):
    """Every element of a page, in order, and whether it sits in ``<head>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_head = self._in_head or tag == "head"
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, self._in_head))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False

    def links(self) -> list[tuple[Element, str]]:
        return [
            (element, element.attrs[name])
            for element in self.elements
            for name in ("href", "src")
            if name in element.attrs
        ]

    def ids(self) -> set[str]:
        return {e.attrs["id"] for e in self.elements if "id" in e.attrs}


def parse(path: Path) -> Parsed:
    page = Parsed()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture
def editor(svc: Services) -> User:
    return make_editor(svc)


@pytest.fixture
def posts(svc: Services, editor: User, clock: Clock) -> list[Post]:
    """An ended feed of 45 posts: quotes, pictures, cards, key events, one pinned."""
    make_feed(svc, editor)
    made: list[Post] = []
    for number in range(1, POSTS + 1):
        clock.advance(60)
        fields: dict[str, object] = {
            "headline": f"Update number {number}",
            "body": f"What happened, part **{number}**.",
            "tags": "talks",
            "key_event": number in (2, 30, 44),
            "pinned": number == 10,
        }
        if number % 3 == 0:
            fields |= {"quote.text": "We are close.", "quote.attribution": "The chair"}
        if number % 4 == 0:
            fields |= {
                "image.url": "https://images.example/hall.jpg",
                "image.alt": "The hall",
                "image.caption": "Delegates arrive",
                "image.credit": "A. Photographer",
            }
        if number % 5 == 0:
            fields |= {
                "read_more.url": "https://news.example/analysis",
                "read_more.title": "The analysis",
                "read_more.summary": "What it means.",
                "read_more.image_url": "https://images.example/card.jpg",
            }
        if number == 45:
            # An editor's link to an earlier update, written with the site's full address.
            fields["body"] = f"As [said before]({ORIGIN}/feeds/summit/posts/{made[0].id})."
        made.append(make_post(svc, editor, **fields))
    clock.advance(60)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    return made


def export(svc: Services, directory: Path, **options: bool) -> list[str]:
    said: list[str] = []
    export_feed(svc, "summit", directory, say=said.append, **options)
    return said


def html_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.html"))


def test_every_page_and_post_is_written_with_our_stylesheet_and_nothing_live(
    svc: Services, posts: list[Post], tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    said = export(svc, copy)
    assert said == [f"{POSTS} of {POSTS} posts"]  # an ended feed: no warning
    files = {p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()}
    # 45 posts: the pinned one and 20 more on the first page, then 20 and 4.
    # Our files keep the names pages give them, a hash of each file's content in it.
    ours = ("livefeed.css", "favicon.svg", "favicon.png", "apple-touch-icon.png")
    expected = {"index.html", "page-2.html", "page-3.html", "feed.json"}
    expected |= {static_url(name).removeprefix("/") for name in ours}
    assert files == expected | {f"posts/{post.id}.html" for post in posts}
    css = (Path(livefeed.__file__).parent / "web" / "static" / "livefeed.css").read_bytes()
    assert (copy / static_url("livefeed.css").removeprefix("/")).read_bytes() == css
    for path in html_files(copy):
        page = parse(path)
        tags = [element.tag for element in page.elements]
        assert "form" not in tags, path
        assert "input" not in tags, path
        scripts = [e.attrs for e in page.elements if e.tag == "script"]
        assert all(s.get("type") == "application/ld+json" and "src" not in s for s in scripts)
        assert "live.js" not in path.read_text(encoding="utf-8")
        assert not {"/login", "/desk"} & {link for _, link in page.links()}
        originals = [
            e.attrs["href"]
            for e in page.elements
            if e.tag == "a" and e.attrs.get("class") == "archive-original"
        ]
        assert len(originals) == 1, path
        if path.parent.name == "posts":
            assert originals[0] == f"{ORIGIN}/feeds/summit/posts/{path.stem}"
        elif path.name == "index.html":
            assert originals[0] == f"{ORIGIN}/feeds/summit"
        else:
            assert originals[0].startswith(f"{ORIGIN}/feeds/summit?cursor=")


def test_every_link_in_the_copy_resolves_to_a_file_of_the_copy(
    svc: Services, posts: list[Post], tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    export(svc, copy)
    followed = 0
    for path in html_files(copy):
        page = parse(path)
        here = path.parent.relative_to(copy).as_posix()
        for element, link in page.links():
            parts = urlsplit(link)
            where = f"{path.relative_to(copy)}: {link}"
            if parts.scheme or parts.netloc:
                if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
                    continue  # another site: a picture, a Read more card
                # Only metadata about the original page, and the link to it, keep its address.
                assert (element.tag == "link" and element.in_head) or (
                    element.attrs.get("class") == "archive-original"
                ), where
                continue
            assert not link.startswith("/"), where  # would not work from a folder or file://
            if not parts.path:
                assert parts.fragment in page.ids(), where  # on the same page
                continue
            target = copy / posixpath.normpath(posixpath.join(here, parts.path))
            assert target.is_file(), where
            assert copy in target.resolve().parents, where
            if parts.fragment:
                assert parts.fragment in parse(target).ids(), where
            followed += 1
    assert followed > POSTS * 3


def test_the_pages_lead_from_one_to_the_next_and_to_each_post(
    svc: Services, posts: list[Post], tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    export(svc, copy)

    def older(name: str) -> str | None:
        found = [
            e.attrs["href"] for e in parse(copy / name).elements if e.attrs.get("rel") == "next"
        ]
        return found[0] if found else None

    assert (older("index.html"), older("page-2.html"), older("page-3.html")) == (
        "page-2.html",
        "page-3.html",
        None,
    )
    shown = {
        name: [int(i[5:]) for i in parse(copy / name).ids() if i[5:].isdigit() and i[:5] == "post-"]
        for name in ("index.html", "page-2.html", "page-3.html")
    }
    assert sorted(i for ids in shown.values() for i in ids) == sorted(p.id for p in posts)
    index = (copy / "index.html").read_text(encoding="utf-8")
    assert "This live feed has ended" in index
    # The first key event is on the last page: the list links to its own page in the copy.
    first_key = posts[1]
    assert f'href="posts/{first_key.id}.html"' in index
    # A post page leads back to the page of the feed that holds it.
    own = (copy / "posts" / f"{first_key.id}.html").read_text(encoding="utf-8")
    assert f'href="../page-3.html#post-{first_key.id}"' in own
    assert f'href="..{static_url("livefeed.css")}"' in own
    assert "This live feed has ended" in own
    # An editor's full link to another post of the feed now leads to that post's file.
    last = (copy / "posts" / f"{posts[-1].id}.html").read_text(encoding="utf-8")
    assert f'<a href="{posts[0].id}.html">said before</a>' in last


def test_the_json_holds_the_feed_and_every_published_post(
    svc: Services, editor: User, posts: list[Post], tmp_path: Path
) -> None:
    publishing.delete_post(svc, editor, "summit", posts[0].id)
    copy = tmp_path / "copy"
    export(svc, copy)
    data = json.loads((copy / "feed.json").read_text(encoding="utf-8"))
    feed = reading.get_feed(svc, "summit")
    _, listed, _ = reading.list_posts(svc, "summit", limit=100, cursor=None)
    assert data["feed"] == feed_json(feed, svc.urls)
    assert data["feed"]["status"] == "ended"
    assert data["posts"] == [post_json(post, "summit", svc.urls) for post in listed]
    assert len(data["posts"]) == POSTS - 1
    assert posts[0].id not in {post["id"] for post in data["posts"]}
    assert data["exported_at"] == svc.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert not (copy / "posts" / f"{posts[0].id}.html").exists()


def test_a_second_copy_over_the_first_drops_the_pages_of_deleted_posts(
    svc: Services, editor: User, posts: list[Post], tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    export(svc, copy)
    (copy / "notes.txt").write_text("mine", encoding="utf-8")
    for post in posts[:25]:
        publishing.delete_post(svc, editor, "summit", post.id)
    with pytest.raises(ExportError, match="not empty"):
        export(svc, copy)
    export(svc, copy, force=True)
    assert not (copy / "posts" / f"{posts[0].id}.html").exists()
    assert (copy / "posts" / f"{posts[-1].id}.html").exists()
    assert not (copy / "page-2.html").exists()  # 20 posts left: they fit on one page
    assert (copy / "notes.txt").read_text(encoding="utf-8") == "mine"  # not ours: left alone


def test_an_editors_link_to_a_page_not_in_the_copy_keeps_its_address(
    svc: Services, editor: User, tmp_path: Path
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, body=f"See [all talks]({ORIGIN}/tags/talks) and [more](/tags/geneva).")
    copy = tmp_path / "copy"
    export(svc, copy)
    index = (copy / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{ORIGIN}/tags/talks">all talks</a>' in index
    assert f'<a href="{ORIGIN}/tags/geneva">more</a>' in index
    # The feed's own tag list is the site's navigation: its text stays, its links go.
    assert "<li><a>politics</a></li>" in index


def test_a_picture_of_ours_the_site_cannot_serve_is_left_out_not_left_broken(
    svc: Services, editor: User, tmp_path: Path
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, **{"image.url": f"{ORIGIN}/media/gone.jpg", "image.alt": "Gone"})
    copy = tmp_path / "copy"
    export(svc, copy)
    page = parse(copy / "index.html")
    assert [e for e in page.elements if e.tag == "img"] == []
    assert not (copy / "media").exists()


def test_a_live_feed_can_be_copied_as_it_is_now(
    svc: Services, editor: User, tmp_path: Path
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    said = export(svc, tmp_path / "copy")
    assert said == ["exporting a live feed: the copy is as of now", "1 of 1 posts"]
    index = (tmp_path / "copy" / "index.html").read_text(encoding="utf-8")
    assert "Talks resume" in index
    assert "<script src" not in index
    assert "This live feed has ended" not in index


# The command itself, on the test's database.


@pytest.fixture
def run(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no stray .env
    return CliRunner(
        env={
            "LIVEFEED_DATABASE_URL": settings.database_url,
            "LIVEFEED_PUBLIC_URL": settings.public_url,
            "LIVEFEED_SEED_DEMO": "false",
            "LIVEFEED_REDIS_URL": "",
        }
    )


def one_line_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("livefeed: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr


def test_the_command_writes_the_copy_and_says_how_it_went(
    run: CliRunner, posts: list[Post], tmp_path: Path
) -> None:
    result = run.invoke(cli, ["export-static", "summit", str(tmp_path / "copy")])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{POSTS} of {POSTS} posts\n"
    assert result.stdout == (
        f"Exported “Summit in Geneva: live” to {tmp_path / 'copy'}: "
        f"3 pages, {POSTS} posts, 4 files of ours\n"
    )
    assert (tmp_path / "copy" / "index.html").is_file()


def test_the_command_refuses_an_unknown_feed(run: CliRunner, tmp_path: Path) -> None:
    result = run.invoke(cli, ["export-static", "nowhere", str(tmp_path / "copy")])
    one_line_error(result, "there is no feed called “nowhere”")
    assert not (tmp_path / "copy").exists()


def test_the_command_refuses_a_folder_holding_something_unless_forced(
    run: CliRunner, svc: Services, editor: User, tmp_path: Path
) -> None:
    make_feed(svc, editor)
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "keep.txt").write_text("mine", encoding="utf-8")
    one_line_error(run.invoke(cli, ["export-static", "summit", str(copy)]), "--force")
    assert not (copy / "index.html").exists()
    forced = run.invoke(cli, ["export-static", "summit", str(copy), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (copy / "index.html").is_file()


def test_the_command_says_in_one_line_where_it_cannot_write(
    run: CliRunner, svc: Services, editor: User, tmp_path: Path
) -> None:
    make_feed(svc, editor)
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    below_a_file = tmp_path / "a-file" / "copy"
    one_line_error(run.invoke(cli, ["export-static", "summit", str(below_a_file)]), "cannot write")
    one_line_error(
        run.invoke(cli, ["export-static", "summit", str(tmp_path / "a-file")]),
        "is not a directory",
    )
