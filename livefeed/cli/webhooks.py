"""``livefeed webhook``: other systems told of a feed's changes, registered and checked on.

Only admins run webhooks, hence an acting admin rather than anyone acting.
"""

from __future__ import annotations

import click

from livefeed.cli.running import acting_user, services
from livefeed.distribution import webhooks

acting_admin = click.option(
    "--as", "as_email", metavar="EMAIL", help="Acting admin (default: first admin)."
)


@click.group()
def webhook() -> None:
    """Webhooks: signed POSTs to other systems when posts change or a feed ends."""


@webhook.command("add")
@click.argument("url")
@click.option("--feed", "feed_slug", metavar="SLUG", help="One feed only (default: every feed).")
@acting_admin
def webhook_add(url: str, feed_slug: str | None, as_email: str | None) -> None:
    """Register URL; prints the webhook's number and its signing secret (shown once)."""
    with services() as svc:
        made = webhooks.register(svc, acting_user(svc, as_email), url, feed_slug)
    click.echo(f"webhook {made.webhook.id}: {made.webhook.url}")
    click.echo(f"secret: {made.secret}")


@webhook.command("log")
@click.argument("webhook_id", type=int)
@acting_admin
def webhook_log(webhook_id: int, as_email: str | None) -> None:
    """The webhook's deliveries, newest first: state, attempts, last answer."""
    with services() as svc:
        log = webhooks.deliveries(svc, acting_user(svc, as_email), webhook_id)
    for item in log:
        answer = item.last_status if item.last_status is not None else item.last_error or "-"
        click.echo(
            f"{item.created_at:%Y-%m-%d %H:%M:%S} {item.event_type} seq {item.seq}: "
            f"{item.state}, {item.attempts} attempt(s), last answer {answer}"
        )
