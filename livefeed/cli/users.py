"""``livefeed user``: desk accounts made, invited, shut out and let back in from a terminal."""

from __future__ import annotations

import click

from livefeed.access import accounts
from livefeed.access import users as user_admin
from livefeed.cli.running import acting, acting_user, read_password, services
from livefeed.domain.users import Role
from livefeed.languages.catalogs import _
from livefeed.newsroom import invitations


@click.group()
def user() -> None:
    """Desk accounts."""


@user.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.MEMBER.value,
    show_default=True,
    help="admin runs the site; a member does what their feed teams allow.",
)
@click.option("--name", default="", help="Display name (default: the part before the @).")
def user_add(email: str, role: str, name: str) -> None:
    """Add a desk account.

    The password is asked for at a terminal, or else read from the first line of standard input.
    """
    password = read_password()
    with services() as svc:
        added = accounts.add_user(svc, email, password, role=Role(role), display_name=name)
    click.echo(
        _(
            "Added %(role)s %(email)s (%(name)s)",
            role=added.role,
            email=added.email,
            name=added.display_name,
        )
    )


@user.command("invite")
@click.argument("email")
@click.option("--feed", "feed_slug", metavar="SLUG", help="The feed whose team they join.")
@click.option(
    "--role", default="", help="Their role there: editor, contributor [default] or moderator."
)
@click.option("--admin", "make_admin", is_flag=True, help="Make them an administrator of the site.")
@click.option("--email", "send_email", is_flag=True, help="Email them the link as well.")
@acting
def user_invite(
    email: str,
    feed_slug: str | None,
    role: str,
    make_admin: bool,
    send_email: bool,
    as_email: str | None,
) -> None:
    """Print a one-time link that lets EMAIL make an account (it works once, for 7 days).

    Feed editors invite to their feed; admins invite to any feed, to none, or as admins.
    """
    with services() as svc:
        made = invitations.invite(
            svc, acting_user(svc, as_email), email, feed_slug=feed_slug,
            role=role or ("contributor" if feed_slug else None), admin=make_admin,
            send_email=send_email,
        )  # fmt: skip
    click.echo(made.url)


@user.command("disable")
@click.argument("email")
@acting
def user_disable(email: str, as_email: str | None) -> None:
    """Shut an account out at once: its sessions end and its API tokens are revoked."""
    with services() as svc:
        done = user_admin.disable(svc, acting_user(svc, as_email), email)
    click.echo(_("Disabled %(email)s", email=done.email))


@user.command("enable")
@click.argument("email")
@acting
def user_enable(email: str, as_email: str | None) -> None:
    """Let a disabled account log in again (its old tokens stay revoked)."""
    with services() as svc:
        done = user_admin.enable(svc, acting_user(svc, as_email), email)
    click.echo(_("Enabled %(email)s", email=done.email))


@user.command("role")
@click.argument("email")
@click.argument("role", metavar="admin|member")
@acting
def user_role(email: str, role: str, as_email: str | None) -> None:
    """Change an account's site role; the site always keeps an enabled admin."""
    with services() as svc:
        done = user_admin.set_site_role(svc, acting_user(svc, as_email), email, role)
    click.echo(_("%(email)s is now %(role)s", email=done.email, role=done.role))
