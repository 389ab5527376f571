"""The ``livefeed`` command: run the site and do desk chores from a terminal or a script.

A thin face over the same use cases as the pages and the API. Every failure a user can cause is
reported in one place (:class:`LivefeedGroup`) as one line on stderr with exit status 1.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from livefeed import __version__
from livefeed.access import accounts, audit, tokens
from livefeed.access import users as user_admin
from livefeed.demo import seed_demo
from livefeed.distribution import webhooks
from livefeed.domain import times
from livefeed.domain.errors import Conflict, Invalid, LivefeedError, NotFound
from livefeed.domain.posts import PostState
from livefeed.domain.users import Role, User
from livefeed.newsroom import invitations, publishing, team, workflow
from livefeed.realtime.broker import broker_from_url
from livefeed.services import Services
from livefeed.settings import Settings, SettingsError
from livefeed.store import accounts as account_store
from livefeed.store import migrate
from livefeed.store.database import Database
from livefeed.store.schema import users


class Failure(click.ClickException):
    """A user error: one line on stderr, exit status 1, no traceback."""

    def show(self, file: IO[Any] | None = None) -> None:
        line = " ".join(part.strip() for part in self.message.splitlines() if part.strip())
        click.echo(f"livefeed: error: {line}", err=True)


def describe(error: LivefeedError | SettingsError) -> str:
    """The message for one error, naming the field at fault when there is one."""
    if isinstance(error, Invalid):
        return "; ".join(f"{field}: {message}" for field, message in error.errors.items())
    if isinstance(error, Conflict) and error.field:
        return f"{error.field}: {error}"
    return str(error)


class LivefeedGroup(click.Group):
    """Turns the errors a user can cause into :class:`Failure`, for every command below it."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (LivefeedError, SettingsError) as error:
            raise Failure(describe(error)) from None
        except OperationalError as error:
            raise Failure(f"cannot reach the database: {error.orig or error}") from None


@contextmanager
def services(settings: Settings | None = None, *, needs_schema: bool = True) -> Iterator[Services]:
    """Services for one command, closed at its end; refuses a database not yet migrated."""
    if settings is None:
        settings = Settings.from_env()
    try:
        svc = Services.build(settings)
    except OSError as error:
        raise Failure(f"cannot open the database: {error}") from None
    # With Redis, what a command publishes wakes every serving instance at once.
    broker = broker_from_url(settings.redis_url, instance_id=f"cli-{os.getpid()}")
    svc.listeners.append(broker.announce)
    try:
        if needs_schema and migrate.current_revision(svc.db) != migrate.head_revision():
            raise Failure("the database is not up to date: run `livefeed db upgrade` first")
        yield svc
    finally:
        asyncio.run(broker.close())
        svc.close()


def upgrade(db: Database) -> str:
    """Apply the migrations; say what happened."""
    before = migrate.current_revision(db)
    migrate.upgrade(db)
    after = migrate.current_revision(db)
    if before == after:
        return f"Database is up to date (revision {after})"
    return f"Database upgraded to revision {after}"


def prepare(svc: Services) -> list[str]:
    """Make the site ready to serve: migrations, a first admin, the demo feed if wanted."""
    messages = [upgrade(svc.db), *first_admin(svc)]
    if svc.settings.seed_demo:
        feed = seed_demo(svc)
        if feed is not None:
            messages.append(f"Demo feed: {svc.urls.feed(feed.slug)}")
    return messages


def first_admin(svc: Services) -> list[str]:
    """On a site without users, make an admin and say its password, this once only."""
    admin = accounts.ensure_first_admin(svc)
    if admin is None:
        return []
    email, password = admin
    return [f"First admin: {email} / password: {password} (shown once; change it after logging in)"]


def acting_user(svc: Services, email: str | None) -> User:
    """The user named by ``--as``, or else the earliest enabled admin."""
    with svc.db.read() as conn:
        if email is None:
            email = conn.execute(
                select(users.c.email)
                .where(users.c.role == Role.ADMIN.value, users.c.disabled.is_(False))
                .order_by(users.c.id)
                .limit(1)
            ).scalar()
            if email is None:
                raise Failure("there is no admin yet: name the author with --as EMAIL")
        found = account_store.get_with_hash(conn, email.strip().lower())
    if found is None:
        raise NotFound(f"there is no account for {email}")
    return found[0]


def read_password() -> str:
    """Asked twice at a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return password
    return sys.stdin.readline().rstrip("\r\n")


def read_text(text: str | None, file: IO[str] | None, name: str) -> str:
    if text is not None and file is not None:
        raise Failure(f"{name}: give --{name} or --{name}-file, not both")
    return file.read() if file is not None else text or ""


@click.group(cls=LivefeedGroup)
@click.version_option(__version__, prog_name="livefeed")
def cli() -> None:
    """Livefeed: live news feeds for newsrooms.

    Settings come from LIVEFEED_* environment variables and a .env file.
    """


@cli.command()
@click.option("--host", help="Address to listen on (default: LIVEFEED_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: LIVEFEED_PORT).")
def serve(host: str | None, port: int | None) -> None:
    """Prepare the site and serve it.

    Applies migrations, creates a first admin on an empty site (its password is shown once)
    and seeds the demo feed if LIVEFEED_SEED_DEMO is on and there is no feed yet.
    """
    settings = Settings.from_env()
    settings = settings.replace(
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
    )
    with services(settings, needs_schema=False) as svc:
        for message in prepare(svc):
            click.echo(message)

    import uvicorn

    from livefeed.web.app import create_app
    from livefeed.web.front import StreamFront

    app = create_app(settings)
    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    click.echo(f"Livefeed on http://{shown_host}:{settings.port}/")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        proxy_headers=False,
        log_level="info",
        http=StreamFront.serving(app),
        timeout_graceful_shutdown=5,
    )


@cli.command()
def demo() -> None:
    """Seed the demo feed into an empty site.

    Applies migrations first, and makes the first admin if there is no user yet (the demo's own
    byline account would otherwise leave the site without anyone able to log in). Prints the
    feed's address last.
    """
    with services(needs_schema=False) as svc:
        upgrade(svc.db)
        for message in first_admin(svc):
            click.echo(message)
        click.echo("Seeding the demo feed…", err=True)
        feed = seed_demo(svc)
        if feed is None:
            click.echo("There is already a feed; the demo is only seeded into an empty site.")
        else:
            click.echo(svc.urls.feed(feed.slug))


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply any migrations not yet applied."""
    with services(needs_schema=False) as svc:
        click.echo(upgrade(svc.db))


@cli.group()
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
    click.echo(f"Added {added.role} {added.email} ({added.display_name})")


@cli.group()
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


acting_admin = click.option(
    "--as", "as_email", metavar="EMAIL", help="Acting admin (default: first admin)."
)


@cli.group()
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


@cli.group()
def feed() -> None:
    """Live feeds."""


@feed.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--lead", help="Summary under the title (Markdown).")
@click.option(
    "--lead-file",
    type=click.File(encoding="utf-8"),
    metavar="FILE|-",
    help="Read the lead from a file.",
)
@click.option("--notes", default="", help="Editorial notes under the lead (Markdown).")
@click.option("--tags", default="", help="Comma-separated, e.g. politics,world.")
@click.option("--timezone", default="", help="For readers' times, e.g. Europe/London [UTC].")
@click.option("--as", "as_email", metavar="EMAIL", help="Acting editor (default: first admin).")
def feed_create(
    slug: str,
    title: str,
    lead: str | None,
    lead_file: IO[str] | None,
    notes: str,
    tags: str,
    timezone: str,
    as_email: str | None,
) -> None:
    """Start a live feed and print its address."""
    fields = {
        "slug": slug,
        "title": title,
        "lead": read_text(lead, lead_file, "lead"),
        "notes": notes,
        "tags": tags,
        "timezone": timezone,
    }
    with services() as svc:
        created = publishing.create_feed(svc, acting_user(svc, as_email), fields)
        click.echo(svc.urls.feed(created.slug))


@cli.command()
@click.argument("slug")
@click.option("--headline", required=True, help="At most 200 characters.")
@click.option("--body", help="The update (Markdown).")
@click.option(
    "--body-file",
    type=click.File(encoding="utf-8"),
    metavar="FILE|-",
    help="Read the body from a file.",
)
@click.option("--quote", default="", help="A quotation shown with the post.")
@click.option("--attribution", default="", help="Who said the quotation.")
@click.option("--image-url", default="", help="An image shown with the post.")
@click.option("--caption", default="", help="The image's caption.")
@click.option("--credit", default="", help="The image's credit.")
@click.option("--alt", default="", help="The image described for readers who cannot see it.")
@click.option("--read-more-url", default="", help="A full article to link as a card.")
@click.option("--read-more-title", default="", help="The article's title.")
@click.option("--read-more-summary", default="", help="A line or two about the article.")
@click.option("--read-more-image", default="", help="The card's image address.")
@click.option("--tags", default="", help="Comma-separated, e.g. politics,world.")
@click.option("--key-event", is_flag=True, help="List the post among the key events.")
@click.option("--pinned", is_flag=True, help="Pin it above the others (unpins any other).")
@click.option("--draft", is_flag=True, help="Save it as a draft instead of publishing it.")
@click.option(
    "--at", "publish_at", metavar="MOMENT",
    help="Schedule it, e.g. 2026-11-25T18:00+01:00 (with its offset).",
)  # fmt: skip
@click.option("--as", "as_email", metavar="EMAIL", help="Author (default: first admin).")
def post(
    slug: str,
    headline: str,
    body: str | None,
    body_file: IO[str] | None,
    quote: str,
    attribution: str,
    image_url: str,
    caption: str,
    credit: str,
    alt: str,
    read_more_url: str,
    read_more_title: str,
    read_more_summary: str,
    read_more_image: str,
    tags: str,
    key_event: bool,
    pinned: bool,
    draft: bool,
    publish_at: str | None,
    as_email: str | None,
) -> None:
    """Publish a post to a feed now (or at --at, or keep it as a --draft); print its address."""
    fields: dict[str, object] = {
        "headline": headline,
        "body": read_text(body, body_file, "body"),
        "quote.text": quote,
        "quote.attribution": attribution,
        "image.url": image_url,
        "image.caption": caption,
        "image.credit": credit,
        "image.alt": alt,
        "read_more.url": read_more_url,
        "read_more.title": read_more_title,
        "read_more.summary": read_more_summary,
        "read_more.image_url": read_more_image,
        "tags": tags,
        "key_event": key_event,
        "pinned": pinned,
    }
    with services() as svc:
        if draft and publish_at is not None:
            raise Failure("give --draft or --at, not both")
        state = PostState.DRAFT if draft else PostState.PUBLISHED
        when = workflow.When(publish_at) if publish_at is not None else None
        if when is not None:
            state = PostState.SCHEDULED
        written = workflow.start_post(
            svc, acting_user(svc, as_email), slug, fields, state=state, publish_at=when
        )
        if written.state is PostState.PUBLISHED:
            click.echo(svc.urls.post(slug, written.id))
        else:
            # Not on the feed yet: where its author (and, once scheduled, the editors) find it.
            click.echo(f"{svc.urls.origin}/desk/feeds/{slug}/posts/{written.id}")


@cli.command("export-static")
@click.argument("slug")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into DIR even if it is not empty.")
def export_static(slug: str, directory: Path, force: bool) -> None:
    """Write a static copy of a feed into DIR: pages, our stylesheet and images, feed.json.

    Every link in the copy is relative, so it works from any static host and from the disk.
    Progress goes to standard error, a line per 100 posts.
    """
    from livefeed.web.reader.static_export import ExportError, export_feed, summary

    with services() as svc:
        try:
            exported = export_feed(
                svc, slug, directory, force=force, say=lambda line: click.echo(line, err=True)
            )
        except ExportError as error:
            raise Failure(str(error)) from None
        except OSError as error:
            where = error.filename or directory
            raise Failure(f"cannot write {where}: {error.strerror or error}") from None
    click.echo(summary(exported, directory))


# Access: invitations, accounts, feed teams, tokens and the audit log ------------------------------

acting = click.option(
    "--as", "as_email", metavar="EMAIL", help="Who is acting (default: first admin)."
)


@user.command("invite")
@click.argument("email")
@click.option("--feed", "feed_slug", metavar="SLUG", help="The feed whose team they join.")
@click.option(
    "--role", default="", help="Their role there: editor, contributor [default] or moderator."
)
@click.option("--admin", "make_admin", is_flag=True, help="Make them an administrator of the site.")
@acting
def user_invite(
    email: str, feed_slug: str | None, role: str, make_admin: bool, as_email: str | None
) -> None:
    """Print a one-time link that lets EMAIL make an account (it works once, for 7 days).

    Feed editors invite to their feed; admins invite to any feed, to none, or as admins.
    """
    with services() as svc:
        made = invitations.invite(
            svc, acting_user(svc, as_email), email, feed_slug=feed_slug,
            role=role or ("contributor" if feed_slug else None), admin=make_admin,
        )  # fmt: skip
    click.echo(made.url)


@user.command("disable")
@click.argument("email")
@acting
def user_disable(email: str, as_email: str | None) -> None:
    """Shut an account out at once: its sessions end and its API tokens are revoked."""
    with services() as svc:
        done = user_admin.disable(svc, acting_user(svc, as_email), email)
    click.echo(f"Disabled {done.email}")


@user.command("enable")
@click.argument("email")
@acting
def user_enable(email: str, as_email: str | None) -> None:
    """Let a disabled account log in again (its old tokens stay revoked)."""
    with services() as svc:
        done = user_admin.enable(svc, acting_user(svc, as_email), email)
    click.echo(f"Enabled {done.email}")


@user.command("role")
@click.argument("email")
@click.argument("role", metavar="admin|member")
@acting
def user_role(email: str, role: str, as_email: str | None) -> None:
    """Change an account's site role; the site always keeps an enabled admin."""
    with services() as svc:
        done = user_admin.set_site_role(svc, acting_user(svc, as_email), email, role)
    click.echo(f"{done.email} is now {done.role}")


@feed.command("member")
@click.argument("slug")
@click.argument("email")
@click.option(
    "--role", default="", help="Put them on the team as editor, contributor or moderator."
)
@click.option("--remove", is_flag=True, help="Take them off the team.")
@acting
def feed_member(slug: str, email: str, role: str, remove: bool, as_email: str | None) -> None:
    """Put an account on a feed's team, change its role there, or (--remove) take it off."""
    if remove == bool(role):
        raise Failure("give --role ROLE or --remove")
    with services() as svc:
        actor = acting_user(svc, as_email)
        if remove:
            team.remove_member(svc, actor, slug, email)
            click.echo(f"Removed {email.strip().lower()} from the team of {slug}")
            return
        member = team.set_member(svc, actor, slug, email, role)
    click.echo(f"{member.email} is {member.role} of {slug}")


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
    click.echo(f"Revoked token {done.id} ({done.name})")


@cli.command("audit")
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


def main() -> None:
    cli(prog_name="livefeed")


if __name__ == "__main__":
    main()
