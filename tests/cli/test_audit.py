"""``livefeed audit``: the audit log, one line per entry."""

from __future__ import annotations

from livefeed.services import Services
from tests.cli.conftest import Run, add, ok, user_error


def test_audit_prints_one_line_per_entry_newest_first(
    summit: str, editor: str, run: Run, svc: Services
) -> None:
    add(run, "carl@newsroom.test")
    ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "contributor"))
    lines = ok(run("audit", "--feed", summit)).splitlines()
    assert lines[0].startswith("#")
    assert " anna@newsroom.test member.added [summit] carl@newsroom.test " in lines[0]
    assert "role=contributor" in lines[0]
    assert "feed.created [summit]" in lines[-1]
    assert len(ok(run("audit", "--limit", "1")).splitlines()) == 1
    user_error(run("audit", "--as", "carl@newsroom.test"), "only an administrator")
    user_error(run("audit", "--feed", "nowhere"), "there is no feed called")
