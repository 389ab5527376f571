"""``livefeed token``: API bearer tokens for scripts, made, listed and revoked from a terminal.

A new token's secret alone goes to standard output, so a script can capture it whole.
"""

from __future__ import annotations

import click

from livefeed.access import tokens
from livefeed.cli.running import acting, acting_user, services
from livefeed.domain import times
from livefeed.languages.catalogs import _


@click.group()
def token() -> None:
    """API bearer tokens."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for (default: token).")
@click.option("--feed", "feeds", multiple=True, metavar="SLUG", help="Only this feed (repeat).")
@click.option("--role", default="", help="At most editor, contributor or moderator.")
@click.option("--expires", default="never", help="A lifetime like 30d, 12h, 2w, 1y [never].")
def token_create(email: str, name: str, feeds: tuple[str, ...], role: str, expires: str) -> None:
    """Print a new bearer token for the account (shown once; only its hash is kept).

    The token does at most what the account may, on the feeds given (default: all) and in the
    role given (default: the account's own). Its number and reach go to standard error.
    """
    with services() as svc:
        owner = acting_user(svc, email)
        made = tokens.create(svc, owner, email, name=name, feeds=feeds, role=role, expires=expires)
    until = times.iso_utc(made.token.expires_at) if made.token.expires_at else "never"
    click.echo(f"token {made.token.id}: {tokens.describe_scope(made)}; expires {until}", err=True)
    click.echo(made.secret)


@token.command("list")
@click.argument("email")
def token_list(email: str) -> None:
    """The account's tokens, newest first: number, name, reach, dates and state."""
    with services() as svc:
        rows = tokens.list_tokens(svc, acting_user(svc, email), email)
        now = svc.clock()
    for row in rows:
        made = row.token
        when = [
            f"created {times.iso_utc(made.created_at)}",
            f"expires {times.iso_utc(made.expires_at) if made.expires_at else 'never'}",
            f"last used {times.iso_utc(made.last_used_at) if made.last_used_at else 'never'}",
        ]
        click.echo(f"{made.id}\t{made.name}\t{tokens.describe_scope(row)}\t"
                   f"{', '.join(when)}\t{made.state(now)}")  # fmt: skip


@token.command("revoke")
@click.argument("token_id", metavar="ID")
@acting
def token_revoke(token_id: str, as_email: str | None) -> None:
    """Stop a token working at once (its number is in `livefeed token list`)."""
    with services() as svc:
        done = tokens.revoke(svc, acting_user(svc, as_email), tokens.parse_token_id(token_id))
    click.echo(_("Revoked token %(token)s (%(name)s)", token=done.id, name=done.name))
