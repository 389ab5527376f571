"""``livefeed webhook``: other systems told of a feed's changes, registered and checked on.

Only admins run webhooks, hence an acting admin rather than anyone acting.
"""

from __future__ import annotations

import click

from livefeed.cli.running import acting_user, services
from livefeed.distribution import webhooks
from livefeed.languages.catalogs import _

acting_admin = click.option(
    "--as", "as_email", metavar="EMAIL", help="Acting admin (default: first admin)."
)


@click.group()
def webhook() -> None:
    """Webhooks: signed POSTs to other systems when posts change or a feed ends."""


@webhook.command("add")
@click.argument("url")
@click.option("--feed", "feed_slug", metavar="SLUG", help="One feed only (default: every feed).")
@click.option(
    "--event",
    "events",
    multiple=True,
    metavar="TYPE",
    help="An event to send, repeatable (default: post.published, post.updated, post.deleted, "
    "feed.ended; comment.approved and comment.removed only when named).",
)
@acting_admin
def webhook_add(
    url: str, feed_slug: str | None, events: tuple[str, ...], as_email: str | None
) -> None:
    """Register URL; prints the webhook's number and its signing secret (shown once)."""
    with services() as svc:
        made = webhooks.register(svc, acting_user(svc, as_email), url, feed_slug, events)
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


@webhook.command("list")
@acting_admin
def webhook_list(as_email: str | None) -> None:
    """Every webhook: number, state, feed, events, address, and how its last delivery went."""
    with services() as svc:
        rows = webhooks.list_webhooks(svc, acting_user(svc, as_email), recent=1)
    if not rows:
        click.echo(_("no webhooks"))
    for row in rows:
        hook = row.webhook
        state = "paused" if hook.disabled else "active"
        last = row.recent[0].state if row.recent else "nothing sent yet"
        click.echo(
            f"{hook.id} {state} {row.feed_slug or 'every feed'} "
            f"[{','.join(sorted(hook.event_types))}] {hook.url} (last delivery: {last})"
        )


@webhook.command("remove")
@click.argument("webhook_id", type=int)
@acting_admin
def webhook_remove(webhook_id: int, as_email: str | None) -> None:
    """Remove a webhook and its delivery log; nothing more is sent to it."""
    with services() as svc:
        gone = webhooks.remove(svc, acting_user(svc, as_email), webhook_id)
    click.echo(_("webhook %(webhook)s removed: %(url)s", webhook=gone.id, url=gone.url))


@webhook.command("pause")
@click.argument("webhook_id", type=int)
@acting_admin
def webhook_pause(webhook_id: int, as_email: str | None) -> None:
    """Stop sending to a webhook until it is resumed; its events wait, for a day at most."""
    with services() as svc:
        webhooks.set_paused(svc, acting_user(svc, as_email), webhook_id, True)
    click.echo(_("webhook %(webhook)s paused", webhook=webhook_id))


@webhook.command("resume")
@click.argument("webhook_id", type=int)
@acting_admin
def webhook_resume(webhook_id: int, as_email: str | None) -> None:
    """Send to a paused webhook again, starting with what waited."""
    with services() as svc:
        webhooks.set_paused(svc, acting_user(svc, as_email), webhook_id, False)
    click.echo(_("webhook %(webhook)s resumed", webhook=webhook_id))


@webhook.command("test")
@click.argument("webhook_id", type=int)
@acting_admin
def webhook_test(webhook_id: int, as_email: str | None) -> None:
    """Queue a webhook.test event for it; `livefeed webhook log` shows how it went."""
    with services() as svc:
        webhooks.send_test(svc, acting_user(svc, as_email), webhook_id)
    click.echo(_("a test event is queued for webhook %(webhook)s", webhook=webhook_id))
