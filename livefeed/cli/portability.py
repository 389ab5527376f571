"""``livefeed export`` and ``livefeed import``: feeds in their portable ``.zip``, one at a time
or a whole site at once. Progress goes to standard error; the summary to standard output."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import click

from livefeed.access import accounts
from livefeed.cli.failures import Failure
from livefeed.cli.running import acting, acting_user, services
from livefeed.languages.catalogs import _
from livefeed.portability import exporting, foreign, importing, sites
from livefeed.services import Services


def _say(line: str) -> None:
    click.echo(line, err=True)


@click.command("export")
@click.argument("places", nargs=-1, metavar="SLUG FILE.zip | --all DIR")
@click.option("--all", "whole_site", is_flag=True, help="Every feed, and the accounts, into DIR.")
@acting
def export(places: tuple[str, ...], whole_site: bool, as_email: str | None) -> None:
    """Export a feed as its portable .zip (feed.json and its media files).

    With --all, every feed goes into DIR as SLUG.zip, beside site.json: the accounts with
    their password hashes, for a move to another server. Only an admin may export.
    """
    with services() as svc:
        admin = acting_user(svc, as_email)
        if whole_site:
            (folder,) = _exactly(places, 1, _("give one DIR with --all"))
            done = sites.export_site(svc, admin, Path(folder), say=_say)
            click.echo(
                _("Exported %(count)d feeds into %(folder)s", count=len(done), folder=folder)
            )
            return
        slug, target = _exactly(places, 2, _("give a SLUG and a FILE.zip (or --all DIR)"))
        path = Path(target)
        handle, temporary = tempfile.mkstemp(prefix=".export-", dir=path.parent or Path("."))
        try:
            with os.fdopen(handle, "wb") as out:
                done_one = exporting.export_feed(svc, admin, slug, out, say=_say)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
        click.echo(
            _(
                "Exported %(feed)s: %(posts)d posts, %(comments)d comments, "
                "%(files)d media files into %(path)s",
                feed=slug,
                posts=done_one.posts,
                comments=done_one.comments,
                files=done_one.files,
                path=path,
            )
        )


@click.command("import")
@click.argument("source", metavar="FILE.zip | DIR | FILE")
@click.option("--all", "whole_site", is_flag=True, help="site.json and every .zip in DIR.")
@click.option("--slug", help="Import the feed under this slug instead of its own.")
@click.option(
    "--from", "fmt", type=click.Choice(foreign.FORMATS),
    help="Another system's file: a captured page, a WordPress Liveblog export, a Reddit Live "
    "thread or ninjs items.",
)  # fmt: skip
@click.option("--title", help="The feed's title (captured-page).")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]),
    help="The coverage day, YYYY-MM-DD: the newest entry's day (captured-page).",
)  # fmt: skip
@click.option(
    "--timezone", default="UTC", show_default=True, help="The page's clock (captured-page)."
)
@click.option(
    "--source",
    "source_url",
    default="",
    help="The page's address, where its Read more cards lead (captured-page).",
)
@acting
def import_(
    source: str,
    whole_site: bool,
    slug: str | None,
    fmt: str | None,
    title: str | None,
    day: datetime | None,
    timezone: str,
    source_url: str,
    as_email: str | None,
) -> None:
    """Import a feed from its portable .zip, or from another system with --from, in one
    transaction.

    A file with a problem writes nothing and names its place (posts[41].published_at, or
    the line of a captured page). The document's uri says which feed it is: importing the
    same file again changes nothing. A slug that is taken here is refused unless --slug gives
    another. With --all, the accounts of DIR/site.json come first (on a site with no account
    yet, no --as is needed).
    """
    path = Path(source)
    with services() as svc:
        if fmt is not None:
            if whole_site:
                raise Failure(_("--from reads one file: it cannot go with --all"))
            options = foreign.Options(
                slug=slug, title=title, day=day.date() if day else None, timezone=timezone,
                source=source_url,
            )  # fmt: skip
            actor = acting_user(svc, as_email)
            _said(
                svc, foreign.import_foreign(svc, actor, fmt, path.read_bytes(), options, say=_say)
            )
            return
        if whole_site:
            if slug is not None:
                raise Failure(_("--slug names one feed: it cannot go with --all"))
            # A new server with no account yet is filled by whoever runs it.
            empty = as_email is None and accounts.earliest_admin(svc) is None
            admin = None if empty else acting_user(svc, as_email)
            done = sites.import_site(svc, admin, path, say=_say)
            made = sum(1 for one in done if one.created)
            click.echo(
                _(
                    "Imported %(made)d feeds (%(here)d were here already)",
                    made=made,
                    here=len(done) - made,
                )
            )
            return
        _said(
            svc, importing.import_feed(svc, acting_user(svc, as_email), path, slug=slug, say=_say)
        )


def _said(svc: Services, result: importing.Imported) -> None:
    if result.created:
        click.echo(
            _(
                "Imported %(feed)s: %(posts)d posts, %(comments)d comments: %(address)s",
                feed=result.slug,
                posts=result.posts,
                comments=result.comments,
                address=svc.urls.feed(result.slug),
            )
        )
    else:
        click.echo(_("Already here as %(feed)s: nothing imported", feed=result.slug))


def _exactly(places: tuple[str, ...], count: int, message: str) -> tuple[str, ...]:
    if len(places) != count:
        raise Failure(message)
    return places
