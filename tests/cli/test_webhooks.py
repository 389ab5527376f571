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
