"""What the desk adds to a post while it is being edited: the correction fields, who else has
it open, the side-by-side view of a save refused because someone saved first, and the
post's history for its editors.

The desk's edit page and the reader pages call these; none of it ever reaches a page a reader
(or a cache) is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from livefeed.domain.errors import N_
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post, PostState
from livefeed.domain.presence import HEARTBEAT, editing_line
from livefeed.domain.revisions import differing_fields
from livefeed.domain.users import User
from livefeed.languages.catalogs import translate
from livefeed.newsroom import presence, revisions
from livefeed.web.desk.compose import PostForm
from livefeed.web.security import services

# The edit form's labels, for naming the fields of a conflict (translated where shown).
LABELS = {
    "headline": N_("Headline"),
    "body": N_("Text"),
    "quote.text": N_("Quoted words"),
    "quote.attribution": N_("Who said it"),
    "image.url": N_("Image address"),
    "image.alt": N_("Description for screen readers (alt text)"),
    "image.caption": N_("Caption"),
    "image.credit": N_("Credit"),
    "read_more.url": N_("Article address"),
    "read_more.title": N_("Article title"),
    "read_more.summary": N_("Summary"),
    "read_more.image_url": N_("Article image address"),
    "video.url": N_("Video address"),
    "video.alt": N_("What the video shows (for screen readers)"),
    "audio.url": N_("Audio clip address"),
    "audio.start": N_("Or a moment of the live stream recording"),
    "audio.transcript": N_("Transcript"),
    "tags": N_("Tags"),
    "key_event": N_("Key event"),
    "pinned": N_("Pin to the top"),
    "verification": N_("State"),
    "source_type": N_("Source"),
    "sourcing": N_("Sourcing note"),
    "image.source_type": N_("What the picture is"),
}
FLAGS = frozenset({"key_event", "pinned"})


def editing_words(names: list[str]) -> str:
    """Who else is editing, in the language spoken; "" for no one (gettext would give "" the
    catalog's header)."""
    line = editing_line(names)
    return translate(line) if line else ""


def correction_from(form: FormData) -> tuple[bool, str]:
    """The edit form's "This is a correction" box and its note."""
    note = form.get("correction_note", "")
    return form.get("correction") == "on", note if isinstance(note, str) else ""


async def edit_page(request: Request, user: User, feed: Feed, post: Post) -> dict[str, object]:
    """The edit page's own values: who else is editing the post, and where its script reports
    that this editor is too (the page counts them in as it is made). A retracted or deleted
    post is edited by no one: its page only says so."""
    if post.is_retracted or post.state is PostState.DELETED:
        return {"others_editing": "", "editing_url": None, "heartbeat_ms": 0}
    others = await run_in_threadpool(presence.editing, services(request), user, feed.slug, post.id)
    return {
        "others_editing": editing_words(others),
        "editing_url": services(request).urls.post_path(feed.slug, post.id) + "/editing",
        "heartbeat_ms": int(HEARTBEAT.total_seconds() * 1000),
    }


@dataclass(frozen=True)
class Difference:
    """One field where the saved post and what the editor typed disagree."""

    name: str
    label: str
    theirs: str
    mine: str
    # What "Use theirs" puts in the form: the text, or "on"/"" for a box.
    value: str


@dataclass(frozen=True)
class Clash:
    """A save refused because someone saved first: their version now, and what differs."""

    theirs: Post
    saved_by: str
    saved_at: datetime
    differences: list[Difference]


async def clash(request: Request, user: User, slug: str, current: Post, form: PostForm) -> Clash:
    """Show the saved post beside what was typed, and base the form on the saved version: the
    editor has now seen it, so their next save replaces it (and only it)."""
    _, _, kept = await run_in_threadpool(
        revisions.history, services(request), user, slug, current.id
    )
    theirs = PostForm(values=current.as_fields())
    differences = [
        Difference(
            name,
            translate(LABELS[name]) if name in LABELS else name,
            _shown(theirs, name),
            _shown(form, name),
            ("on" if theirs.checked(name) else "") if name in FLAGS else _shown(theirs, name),
        )
        for name in differing_fields(current.as_fields(), form.values)
    ]
    form.version = current.version
    latest = kept[0] if kept else None
    return Clash(
        theirs=current,
        saved_by=latest.editor_name if latest else current.author_name,
        saved_at=current.updated_at,
        differences=differences,
    )


def _shown(form: PostForm, name: str) -> str:
    if name in FLAGS:
        return translate(N_("Yes")) if form.checked(name) else translate(N_("No"))
    return form.value(name).replace("\r\n", "\n")


async def editing_on_feed(request: Request, user: User | None, feed_id: int) -> dict[int, str]:
    """For the post tools on a feed or post page: who else is editing which post. Empty for
    anyone who may not edit the feed's posts."""
    found = await run_in_threadpool(presence.others_on_feed, services(request), user, feed_id)
    return {post_id: editing_words(names) for post_id, names in found.items()}


async def post_page(request: Request, user: User, feed: Feed, post: Post) -> dict[str, object]:
    """What a post's own page adds for its editors: its history (each revision, who, when,
    correction or not, and the text it had) and who else is editing it."""
    _, _, kept = await run_in_threadpool(
        revisions.history, services(request), user, feed.slug, post.id
    )
    return {
        "history": kept,
        "field_labels": LABELS,
        "editing_now": await editing_on_feed(request, user, feed.id),
    }
