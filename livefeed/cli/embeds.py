"""``livefeed embeds``: social posts shown in posts, checked against their sites."""

from __future__ import annotations

import click

from livefeed.cli.running import services
from livefeed.languages.catalogs import _
from livefeed.newsroom import embed_checks


@click.group()
def embeds() -> None:
    """Social posts shown in posts (X, Bluesky, Mastodon…), kept as snapshots."""


@embeds.command("check")
@click.option(
    "--limit", default=200, show_default=True, type=click.IntRange(1), help="Posts to check."
)
def embeds_check(limit: int) -> None:
    """Ask each site whether its posts are still there; mark those it says are deleted.

    A site that does not answer marks nothing. Run it from cron, say hourly."""
    with services() as svc:
        report = embed_checks.check(svc, limit)
    click.echo(
        _(
            "%(checked)d checked, %(gone)d no longer available, %(unreachable)d not reached",
            checked=report.checked,
            gone=report.gone,
            unreachable=report.unreachable,
        )
    )
