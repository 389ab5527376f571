"""``livefeed audit``: the audit log read from a terminal, one line per entry for grep and less."""

from __future__ import annotations

import click

from livefeed.access import audit
from livefeed.cli.running import acting, acting_user, services
from livefeed.domain import times


@click.command("audit")
@click.option("--feed", "feed_slug", metavar="SLUG", help="Only lines about this feed.")
@click.option("--action", default="", help="Only this action, e.g. post.published.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@acting
def audit_log(feed_slug: str | None, action: str, limit: int, as_email: str | None) -> None:
    """The audit log, newest first, one line per entry (times in UTC). Admins only."""
    with services() as svc:
        lines = audit.entries(
            svc, acting_user(svc, as_email), feed_slug=feed_slug, action=action, limit=limit
        )
    for line in lines:
        detail = " ".join(f"{k}={v}" for k, v in sorted(line.detail.items()) if v is not None)
        where = f" [{line.feed_slug or line.feed_id}]" if line.feed_id else ""
        click.echo(
            f"#{line.id} {times.iso_utc(line.at)} {line.actor_email or '-'} {line.action}"
            f"{where} {line.subject}" + (f" {detail}" if detail else "")
        )
