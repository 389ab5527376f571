"""``livefeed import FILE --from FORMAT``: another system's feed through the one import, so one
transaction, once only, and a taken slug refused unless renamed."""

from __future__ import annotations

from pathlib import Path

from livefeed.distribution import reading
from livefeed.services import Services
from tests.cli.conftest import Run, ok, user_error
from tests.cli.test_portability import rows
from tests.domain.formats.samples import sample

PAGE = (
    "--from", "captured-page", "--slug", "veldmark", "--title", "Veldmark votes",
    "--date", "2026-05-14", "--timezone", "Europe/Berlin",
    "--source", "https://news.example/veldmark-live",
)  # fmt: skip


def test_a_captured_page_becomes_a_feed_that_reads_as_the_page_did(
    editor: str, run: Run, tmp_path: Path, svc: Services
) -> None:
    (tmp_path / "page.txt").write_text(sample("captured-page.txt"), encoding="utf-8")
    made = ok(run("import", "page.txt", *PAGE))
    assert made.startswith("Imported veldmark: 9 posts, 0 comments: http://livefeed.test/")
    page = reading.feed_page(svc, "veldmark")
    assert page.feed.title == "Veldmark votes"
    assert "farmers-and-workers-league" in page.feed.tags
    assert "Coastal Alliance* is standing" in page.lead_html
    assert "registered as a party only in January 2026" in page.notes_html
    headlines = [post.headline for post in page.posts]
    assert headlines[0] == 'Rusk Concedes: "The Voters Have Spoken"'
    assert headlines[-1] == "Polls Close Across Veldmark"
    concede = page.posts[0]
    assert "<blockquote>" in concede.body_html
    assert concede.published_at.isoformat() == "2026-05-14T21:58:00+00:00"
    turnout = next(post for post in page.posts if post.headline.startswith("Turnout"))
    assert "<em>Voters queue outside a polling station" in turnout.body_html
    assert turnout.read_more is not None
    assert turnout.read_more.url == "https://news.example/veldmark-live"
    assert turnout.read_more.title.startswith("How Veldmark Votes")
    assert all(post.short_code for post in page.posts)
    before = rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url})
    again = ok(run("import", "page.txt", *PAGE))
    assert again == "Already here as veldmark: nothing imported\n"
    assert rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url}) == before


def test_a_taken_slug_is_refused_and_a_bad_page_writes_nothing(
    summit: str, run: Run, tmp_path: Path, svc: Services
) -> None:
    text = sample("captured-page.txt")
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    before = rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url})
    taken = [*PAGE]
    taken[taken.index("veldmark")] = "summit"
    user_error(run("import", "page.txt", *taken), "slug", "summit is taken")
    broken = text.replace("• 22:31", "• 22:61")
    (tmp_path / "broken.txt").write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("    • 22:61") + 1
    user_error(run("import", "broken.txt", *PAGE), f"line {line}", "not a time of day")
    (tmp_path / "latin.txt").write_bytes(b"Lead\n\n* 21:00\nCaf\xe9\n")
    user_error(run("import", "latin.txt", *PAGE), "line 4", "UTF-8")
    user_error(run("import", "page.txt", "--from", "captured-page"), "slug")
    assert rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url}) == before
