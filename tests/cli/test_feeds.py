"""``livefeed feed`` and ``livefeed post``: feeds started, their teams, posts written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from livefeed.distribution import reading
from livefeed.domain.posts import HEADLINE_LENGTH, PostState
from livefeed.newsroom import workflow
from livefeed.services import Services
from livefeed.store import accounts as account_store
from tests.cli.conftest import Run, add, ok, user_error
from tests.factories import PASSWORD


def test_feed_create_prints_its_address(editor: str, run: Run, svc: Services) -> None:
    result = run(
        "feed", "create", "summit", "--title", "Summit in Geneva", "--lead-file", "-",
        "--tags", "politics,world", "--timezone", "Europe/London", "--as", editor,
        input="Leaders meet for a **second** day.\n",
    )  # fmt: skip
    assert ok(result) == "http://livefeed.test/feeds/summit\n"
    page = reading.feed_page(svc, "summit")
    assert page.feed.title == "Summit in Geneva"
    assert page.feed.tags == ("politics", "world")
    assert page.feed.timezone == "Europe/London"
    assert "<strong>second</strong>" in page.lead_html


def test_feed_create_reports_every_bad_field(editor: str, run: Run) -> None:
    result = run(
        "feed", "create", "A B", "--title", "T", "--timezone", "Mars/Olympus", "--as", editor
    )
    message = user_error(result, "slug: ", "timezone: ")
    assert "; " in message


def test_a_taken_slug_is_a_conflict(summit: str, editor: str, run: Run) -> None:
    result = run("feed", "create", summit, "--title", "Again", "--as", editor)
    user_error(result, "slug: ", "already exists")


def test_the_first_admin_acts_when_no_one_is_named(migrated: dict[str, str], run: Run) -> None:
    user_error(run("feed", "create", "summit", "--title", "T"), "no admin", "--as")
    ok(run("user", "add", "ada@newsroom.test", "--role", "admin", input=PASSWORD))
    assert ok(run("feed", "create", "summit", "--title", "T")).endswith("/feeds/summit\n")


def test_a_member_on_no_team_cannot_start_a_feed(migrated: dict[str, str], run: Run) -> None:
    ok(run("user", "add", "carl@newsroom.test", input=PASSWORD))
    result = run("feed", "create", "summit", "--title", "T", "--as", "carl@newsroom.test")
    user_error(result, "only administrators and feed editors can open a new feed")


def test_feed_member_adds_changes_and_removes(summit: str, run: Run, svc: Services) -> None:
    add(run, "carl@newsroom.test")
    out = ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "contributor"))
    assert out == "carl@newsroom.test is contributor of summit\n"
    ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "editor"))
    removed = ok(run("feed", "member", summit, "carl@newsroom.test", "--remove"))
    assert removed == "Removed carl@newsroom.test from the team of summit\n"
    user_error(run("feed", "member", summit, "carl@newsroom.test"), "--role ROLE or --remove")
    user_error(run("feed", "member", summit, "nobody@newsroom.test", "--role", "editor"),
               "invite them first")  # fmt: skip


def test_post_reads_its_body_from_stdin(summit: str, editor: str, run: Run, svc: Services) -> None:
    result = run(
        "post", summit, "--headline", "Talks resume", "--body-file", "-",
        "--quote", "We are close.", "--attribution", "A delegate",
        "--image-url", "https://img.example/p.jpg", "--alt", "Delegates at a table",
        "--read-more-url", "https://news.example/a", "--read-more-title", "Analysis",
        "--tags", "talks", "--key-event", "--pinned", "--as", editor,
        input="Delegates are *back*.\n",
    )  # fmt: skip
    page = reading.feed_page(svc, summit)
    assert page.pinned is not None
    posted = page.pinned
    assert ok(result) == f"http://livefeed.test/feeds/summit/posts/{posted.id}\n"
    assert posted.headline == "Talks resume"
    assert "<em>back</em>" in posted.body_html
    assert posted.quote is not None
    assert posted.quote.attribution == "A delegate"
    assert posted.image is not None
    assert posted.image.alt == "Delegates at a table"
    assert posted.read_more is not None
    assert posted.read_more.title == "Analysis"
    assert posted.tags == ("talks",)
    assert posted.key_event
    assert [p.id for p in page.key_events] == [posted.id]


def test_a_too_long_headline_stores_nothing(summit: str, run: Run, svc: Services) -> None:
    assert HEADLINE_LENGTH < 300
    result = run("post", summit, "--headline", "x" * 300, "--as", "anna@newsroom.test")
    user_error(result, "headline")
    assert reading.feed_page(svc, summit).posts == []
    assert reading.feed_page(svc, summit).feed.last_seq == 0


def test_post_to_an_unknown_feed(editor: str, run: Run) -> None:
    user_error(run("post", "nowhere", "--headline", "H", "--as", editor), "nowhere")


def test_post_takes_one_body_only(summit: str, editor: str, run: Run) -> None:
    result = run("post", summit, "--headline", "H", "--body", "a", "--body-file", "-", input="b")
    user_error(result, "--body")


def test_post_keeps_a_draft_or_schedules_it(
    summit: str, editor: str, run: Run, svc: Services
) -> None:
    with svc.db.read() as conn:
        found = account_store.get_with_hash(conn, editor)
    assert found is not None
    anna = found[0]
    drafted = ok(run("post", summit, "--headline", "Not yet", "--draft", "--as", editor))
    soon = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    scheduled = ok(
        run("post", summit, "--headline", "Later", "--at", soon.isoformat(), "--as", editor)
    )

    [draft] = workflow.list_in_state(svc, anna, summit, PostState.DRAFT, limit=5)[1]
    [later] = workflow.queue(svc, anna, summit).scheduled
    assert drafted == f"http://livefeed.test/desk/feeds/summit/posts/{draft.id}\n"
    assert scheduled == f"http://livefeed.test/desk/feeds/summit/posts/{later.id}\n"
    assert later.publish_at == soon
    assert reading.feed_page(svc, summit).posts == []


def test_post_refuses_a_time_gone_by(summit: str, editor: str, run: Run, svc: Services) -> None:
    user_error(
        run("post", summit, "--headline", "H", "--at", "2020-01-01T18:00+01:00", "--as", editor),
        "publish_at",
        "in the future",
    )
    user_error(run("post", summit, "--headline", "H", "--at", "6pm", "--as", editor), "publish_at")
    user_error(
        run("post", summit, "--headline", "H", "--draft", "--at", "2030-01-01T18:00Z"), "--draft"
    )
    assert reading.get_feed(svc, summit).last_seq == 0


def test_post_and_verify_set_the_verification_state(
    summit: str, editor: str, run: Run, svc: Services
) -> None:
    written = run(
        "post", summit, "--headline", "Blast at the port", "--verification", "unverified",
        "--source-type", "eyewitness", "--sourcing", "Residents near the port", "--as", editor,
    )  # fmt: skip
    post_id = int(ok(written).rstrip().rsplit("/", 1)[1])

    out = ok(run("verify", summit, str(post_id), "confirmed", "--sourcing", "Port authority"))

    assert out == f"http://livefeed.test/feeds/summit/posts/{post_id} confirmed\n"
    post = workflow.visible_post(svc, None, summit, post_id)[1]
    assert (post.verification.value, post.sourcing) == ("confirmed", "Port authority")
    assert post.source_type is not None
    assert post.source_type.value == "eyewitness"
    user_error(run("verify", summit, str(post_id), "sure"), "verification: must be")
    user_error(run("verify", summit, str(post_id), "retracted"), "retract the post")


def test_a_feed_is_created_and_updated_in_a_language(editor: str, run: Run, svc: Services) -> None:
    ok(run("feed", "create", "secim", "--title", "Seçim", "--language", "tr", "--as", editor))
    assert reading.get_feed(svc, "secim").language == "tr"
    out = ok(run("feed", "update", "secim", "--language", "az_latn", "--as", editor))
    assert out == "http://livefeed.test/feeds/secim\n"
    feed = reading.get_feed(svc, "secim")
    assert (feed.language, feed.title) == ("az-Latn", "Seçim")
    ok(run("feed", "create", "summit", "--title", "Summit", "--as", editor))
    assert reading.get_feed(svc, "summit").language == "en"


def test_a_bad_language_is_one_line_naming_it(editor: str, run: Run, svc: Services) -> None:
    user_error(
        run("feed", "create", "secim", "--title", "T", "--language", "Turkish!"), "language: "
    )
    ok(run("feed", "create", "secim", "--title", "Seçim", "--as", editor))
    user_error(run("feed", "update", "secim", "--language", "tr tr", "--as", editor), "language: ")
    assert reading.get_feed(svc, "secim").language == "en"
