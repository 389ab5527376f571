"""``livefeed webhook``: webhooks registered and their deliveries read."""

from __future__ import annotations

from tests.cli.conftest import Run, ok
from tests.factories import PASSWORD


def test_webhooks_are_added_and_their_log_read(run: Run, env: dict[str, str]) -> None:
    ok(run("db", "upgrade"))
    ok(run("user", "add", "ada@newsroom.test", "--role", "admin", input=PASSWORD + "\n"))
    # A public address written out: registering checks it without connecting (no DNS here).
    added = ok(run("webhook", "add", "https://93.184.216.34/livefeed")).splitlines()
    assert added[0] == "webhook 1: https://93.184.216.34/livefeed"
    assert added[1].startswith("secret: whsec_")
    assert ok(run("webhook", "log", "1")) == ""

    refused = run("webhook", "add", "http://127.0.0.1/hook")
    assert refused.exit_code == 1
    assert refused.output.startswith("livefeed: error: url: ")
    missing = run("webhook", "log", "9")
    assert missing.exit_code == 1
    assert "there is no webhook 9" in missing.output


def test_webhooks_are_listed_paused_resumed_tested_and_removed(
    run: Run, env: dict[str, str]
) -> None:
    ok(run("db", "upgrade"))
    ok(run("user", "add", "ada@newsroom.test", "--role", "admin", input=PASSWORD + "\n"))
    assert ok(run("webhook", "list")) == "no webhooks\n"
    # A name that resolves nowhere yet: registration no longer asks DNS.
    ok(run("webhook", "add", "https://hooks.newsroom.example/in"))
    ok(
        run("webhook", "add", "https://93.184.216.34/comments",
            "--event", "comment.approved", "--event", "comment.removed")
    )  # fmt: skip
    listed = ok(run("webhook", "list")).splitlines()
    assert listed == [
        "1 active every feed [feed.ended,post.deleted,post.published,post.updated] "
        "https://hooks.newsroom.example/in (last delivery: nothing sent yet)",
        "2 active every feed [comment.approved,comment.removed] "
        "https://93.184.216.34/comments (last delivery: nothing sent yet)",
    ]
    assert ok(run("webhook", "pause", "1")) == "webhook 1 paused\n"
    assert ok(run("webhook", "list")).startswith("1 paused ")
    assert ok(run("webhook", "resume", "1")) == "webhook 1 resumed\n"
    assert ok(run("webhook", "test", "2")) == "a test event is queued for webhook 2\n"
    assert "webhook.test seq -1: pending, 0 attempt(s)" in ok(run("webhook", "log", "2"))
    assert ok(run("webhook", "remove", "1")) == (
        "webhook 1 removed: https://hooks.newsroom.example/in\n"
    )
    assert ok(run("webhook", "list")).startswith("2 active ")
    unknown = run("webhook", "add", "https://93.184.216.34/x", "--event", "post.liked")
    assert unknown.exit_code == 1
    assert "events: post.liked: not an event" in unknown.output
    gone = run("webhook", "pause", "1")
    assert gone.exit_code == 1
    assert "there is no webhook 1" in gone.output
