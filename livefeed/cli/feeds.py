"""``livefeed feed`` and ``livefeed post``: a feed started, its team set and posts written from a
terminal or a script, through the same use cases as the desk."""

from __future__ import annotations

import click

from livefeed.cli.failures import Failure
from livefeed.cli.running import acting, acting_user, read_text, services
from livefeed.distribution import reading
from livefeed.domain.posts import PostState
from livefeed.languages.catalogs import _
from livefeed.newsroom import publishing, team, verification, workflow


@click.group()
def feed() -> None:
    """Live feeds."""


@feed.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--lead", help="Summary under the title (Markdown).")
@click.option(
    "--lead-file",
    type=click.Path(allow_dash=True),
    metavar="FILE|-",
    help="Read the lead from a UTF-8 file (- for standard input).",
)
@click.option("--notes", default="", help="Editorial notes under the lead (Markdown).")
@click.option("--tags", default="", help="Comma-separated, e.g. politics,world.")
@click.option("--timezone", default="", help="For readers' times, e.g. Europe/London [UTC].")
@click.option(
    "--language", default="", help="What it is written in, e.g. ru or ar-EG [LIVEFEED_LANGUAGE]."
)
@click.option("--as", "as_email", metavar="EMAIL", help="Acting editor (default: first admin).")
def feed_create(
    slug: str,
    title: str,
    lead: str | None,
    lead_file: str | None,
    notes: str,
    tags: str,
    timezone: str,
    language: str,
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
        "language": language,
    }
    with services() as svc:
        created = publishing.create_feed(svc, acting_user(svc, as_email), fields)
        click.echo(svc.urls.feed(created.slug))


@feed.command("update")
@click.argument("slug")
@click.option("--title", default=None)
@click.option("--tags", default=None, help="Comma-separated; replaces the feed's tags.")
@click.option("--timezone", default=None, help="For readers' times, e.g. Europe/London.")
@click.option("--language", default=None, help="What it is written in, e.g. ru or ar-EG.")
@click.option("--as", "as_email", metavar="EMAIL", help="Acting editor (default: first admin).")
def feed_update(
    slug: str,
    title: str | None,
    tags: str | None,
    timezone: str | None,
    language: str | None,
    as_email: str | None,
) -> None:
    """Change a feed's settings; what is not given stays as it is."""
    given = {"title": title, "tags": tags, "timezone": timezone, "language": language}
    with services() as svc:
        current = reading.get_feed(svc, slug)
        changes = {name: value for name, value in given.items() if value is not None}
        fields = current.as_input() | changes
        updated = publishing.update_feed(svc, acting_user(svc, as_email), slug, fields)
        click.echo(svc.urls.feed(updated.slug))


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
        raise Failure(_("give --role ROLE or --remove"))
    with services() as svc:
        actor = acting_user(svc, as_email)
        if remove:
            team.remove_member(svc, actor, slug, email)
            click.echo(
                _(
                    "Removed %(email)s from the team of %(feed)s",
                    email=email.strip().lower(),
                    feed=slug,
                )
            )
            return
        member = team.set_member(svc, actor, slug, email, role)
    click.echo(
        _("%(email)s is %(role)s of %(feed)s", email=member.email, role=member.role, feed=slug)
    )


@click.command()
@click.argument("slug")
@click.option("--headline", required=True, help="At most 200 characters.")
@click.option("--body", help="The update (Markdown).")
@click.option(
    "--body-file",
    type=click.Path(allow_dash=True),
    metavar="FILE|-",
    help="Read the body from a UTF-8 file (- for standard input).",
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
@click.option(
    "--verification", default="", metavar="STATE",
    help="unverified, confirmed or disputed [the feed's default].",
)  # fmt: skip
@click.option("--source-type", default="", help="our reporter, agency, official statement…")
@click.option("--sourcing", default="", help="On whose word, e.g. 'According to the ministry'.")
@click.option("--as", "as_email", metavar="EMAIL", help="Author (default: first admin).")
def post(
    slug: str,
    headline: str,
    body: str | None,
    body_file: str | None,
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
    verification: str,
    source_type: str,
    sourcing: str,
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
        "verification": verification,
        "source_type": source_type,
        "sourcing": sourcing,
    }
    with services() as svc:
        if draft and publish_at is not None:
            raise Failure(_("give --draft or --at, not both"))
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


@click.command()
@click.argument("slug")
@click.argument("post_id", type=int)
@click.argument("state", metavar="STATE")
@click.option("--source-type", default=None, help="our reporter, agency, official statement…")
@click.option("--sourcing", default=None, help="On whose word, e.g. 'According to the ministry'.")
@click.option("--as", "as_email", metavar="EMAIL", help="Acting editor (default: first admin).")
def verify(
    slug: str,
    post_id: int,
    state: str,
    source_type: str | None,
    sourcing: str | None,
    as_email: str | None,
) -> None:
    """Mark a published post unverified, confirmed or disputed; open pages show it at once."""
    fields: dict[str, object] = {"verification": state}
    if source_type is not None:
        fields["source_type"] = source_type
    if sourcing is not None:
        fields["sourcing"] = sourcing
    with services() as svc:
        changed = verification.set_verification(
            svc, acting_user(svc, as_email), slug, post_id, fields
        )
        click.echo(f"{svc.urls.post(slug, changed.id)} {changed.verification.value}")
