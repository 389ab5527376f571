"""A feed's public corrections log, as a page and as an Atom document of its own.

Everything here is public: the log lists only corrections, retractions and changes of
verification state of published posts (see ``domain/corrections_log.py``), which readers already
see on each post.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from livefeed.distribution import syndication
from livefeed.distribution.resources import Urls
from livefeed.distribution.syndication import Channel, Entry, Format, clean, tag_uri
from livefeed.domain import times
from livefeed.domain.corrections_log import Change, LogEntry, Piece, entries, plain_diff
from livefeed.domain.feeds import Feed
from livefeed.domain.revisions import RevisionKind
from livefeed.languages.catalogs import _, translate
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from livefeed.store import revisions as revision_store

LOG_LIMIT = 500


@dataclass(frozen=True)
class CorrectionsLog:
    feed: Feed
    entries: list[LogEntry]


def corrections_log(svc: Services, slug: str, *, limit: int = LOG_LIMIT) -> CorrectionsLog:
    """The feed's corrections log, newest first."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        revisions = revision_store.public_of_feed(conn, feed.id, limit=limit)
        after = revision_store.after(conn, revisions)
        posts = {}
        for post_id in {revision.post_id for revision in revisions}:
            found = post_store.get_post(conn, post_id)
            if found is not None and found.is_published:
                posts[post_id] = found
    return CorrectionsLog(feed, entries(revisions, after, posts))


def document_path(slug: str) -> str:
    return f"/feeds/{slug}/corrections"


def atom(log: CorrectionsLog, urls: Urls) -> bytes:
    """The log as Atom: one entry per correction, retraction or change of state."""
    feed = log.feed
    newest = log.entries[0].at if log.entries else feed.created_at
    channel = Channel(
        id=tag_uri(urls, feed.created_at, f"feeds/{feed.id}/corrections"),
        title=clean(_("%(title)s: corrections", title=feed.title)),
        description=clean(
            _(
                "Every correction, retraction and change of verification: %(title)s",
                title=feed.title,
            )
        ),
        page_url=urls.origin + document_path(feed.slug),
        document=urls.origin + document_path(feed.slug),
        updated=newest,
        entries=tuple(_entry(entry, feed, urls) for entry in log.entries),
    )
    return syndication.render(channel, Format.ATOM)


def _entry(entry: LogEntry, feed: Feed, urls: Urls) -> Entry:
    kind = entry.kind.value
    return Entry(
        id=tag_uri(urls, entry.at, f"posts/{entry.post.id}/{kind}/{_stamp(entry.at)}"),
        url=urls.post(feed.slug, entry.post.id),
        title=clean(translate(entry.title)),
        html=clean(entry_html(entry, feed)),
        published=entry.at,
        updated=entry.at,
        author="",
        tags=(kind, f"verification:{entry.became.value}"),
        image_url="",
        external_url="",
        source=None,
    )


def entry_html(entry: LogEntry, feed: Feed) -> str:
    """One entry as HTML: when, the note, the change of state, and the word diff."""
    esc = html.escape
    when = f"{times.clock(entry.at, feed.zone)} {times.zone_label(entry.at, feed.zone)}"
    parts = [f"<p>{esc(when)}" + (f" — {esc(entry.note)}" if entry.note else "") + "</p>"]
    if entry.kind is RevisionKind.VERIFICATION or entry.was is not entry.became:
        was, became = translate(entry.was.label), translate(entry.became.label)
        parts.append(f"<p>{esc(was)} → {esc(became)}</p>")
    # The catalog's words are HTML as they stand, like a template's; the diff escapes the post's.
    if _changed(entry.headline):
        parts.append(f"<p>{_('Headline: %(diff)s', diff=_marked(entry.headline))}</p>")
        parts.append(f"<p><small>{esc(plain_diff(entry.headline))}</small></p>")
    if _changed(entry.body):
        parts.append(f"<p>{_('Text: %(diff)s', diff=_marked(entry.body))}</p>")
        parts.append(f"<p><small>{esc(plain_diff(entry.body))}</small></p>")
    return "\n".join(parts)


def _changed(pieces: Sequence[Piece]) -> bool:
    return any(piece.change is not Change.SAME for piece in pieces)


def _marked(pieces: Sequence[Piece]) -> str:
    tags = {Change.SAME: "{}", Change.REMOVED: "<del>{}</del>", Change.ADDED: "<ins>{}</ins>"}
    return "".join(tags[piece.change].format(html.escape(piece.text)) for piece in pieces)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S%f")
