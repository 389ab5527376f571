"""A WordPress export (WXR, the RSS file of Tools → Export) of a post run by Automattic's
Liveblog plugin.

The plugin keeps each entry as a comment of the post whose type (and approval) is
``liveblog``. An edit is a new entry whose ``liveblog_replaces`` meta names the entry it
replaces; a deletion is such an entry with no content. A key event carries the meta
``liveblog_key_entry``. So the entries are replayed in order: an edit becomes an earlier wording
of the post it changes (kept with who edited it and when), a deletion leaves the post deleted.
Authors come with their email addresses, as the export writes them.

The file is read by the standard library's XML parser, which expands internal entities: a
document type declaration (where entities are declared) is refused before it is parsed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from livefeed.domain.errors import Invalid
from livefeed.domain.formats.document import Feed, Post
from livefeed.domain.formats.text import markdown_of

WP = "{http://wordpress.org/export/1.2/}"
_DOCTYPE = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_KEY_VALUES = ("true", "1", "yes")


@dataclass
class _Entry:
    ident: str
    author: str | None
    when: datetime
    html: str
    replaces: str | None
    key: bool
    place: str
    meta: dict[str, str] = field(default_factory=dict)


def parse(text: str, now: datetime) -> Feed:
    found = _DOCTYPE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        where = f"line {line}"
        raise Invalid.field(where, "a WXR file declares no document type or entities")
    try:
        # Safe: a file declaring entities was refused above, so none can expand.
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as error:
        line, column = error.position
        where = f"line {line}"
        raise Invalid.field(
            where, "column %(column)d: not well-formed XML", column=column + 1
        ) from None
    items = root.findall("./channel/item")
    blogs = [item for item in items if item.findall(f"{WP}comment/{WP}comment_type")]
    live = [item for item in blogs if any(_is_entry(c) for c in item.findall(f"{WP}comment"))]
    if not live:
        raise Invalid.field("channel", "holds no post with Liveblog entries")
    item = live[0]
    post_id = (item.findtext(f"{WP}post_id") or "").strip()
    link = (item.findtext("link") or "").strip()
    title = " ".join((item.findtext("title") or "").split()) or "Imported live blog"
    slug = (item.findtext(f"{WP}post_name") or "").strip() or f"liveblog-{post_id}"
    state = _meta(item.findall(f"{WP}postmeta")).get("liveblog", "")
    feed = Feed(
        uri=link or f"wordpress:{root.findtext('./channel/link') or ''}?p={post_id}",
        slug=slug[:60],
        title=title[:200],
        created_at=_date(item.findtext(f"{WP}post_date_gmt"), "item.post_date_gmt", now),
        lead=markdown_of(item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""),
        tags=[
            (c.text or "").strip()
            for c in item.findall("category")
            if c.get("domain") == "post_tag"
        ],
        live=state == "enable",
    )
    entries = [
        _entry(comment, f"item.comment[{index}]", now, feed)
        for index, comment in enumerate(item.findall(f"{WP}comment"))
        if _is_entry(comment)
    ]
    _replay(sorted(entries, key=lambda e: (e.when, int(e.ident) if e.ident.isdigit() else 0)), feed)
    return feed


def _is_entry(comment: ET.Element) -> bool:
    return (comment.findtext(f"{WP}comment_type") or "").strip() == "liveblog"


def _meta(elements: list[ET.Element]) -> dict[str, str]:
    return {
        (one.findtext(f"{WP}meta_key") or "").strip(): (
            one.findtext(f"{WP}meta_value") or ""
        ).strip()
        for one in elements
    }


def _date(value: str | None, place: str, default: datetime) -> datetime:
    if not value or value.startswith("0000"):
        return default
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise Invalid.field(place, "must be a date like 2026-05-14 21:12:00") from None


def _entry(comment: ET.Element, place: str, now: datetime, feed: Feed) -> _Entry:
    meta = _meta(comment.findall(f"{WP}commentmeta"))
    email = (comment.findtext(f"{WP}comment_author_email") or "").strip().lower()
    name = (comment.findtext(f"{WP}comment_author") or "").strip()
    if email:
        feed.people.setdefault(email, name or email)
    ident = (comment.findtext(f"{WP}comment_id") or "").strip()
    if not ident:
        raise Invalid.field(place + ".comment_id", "every entry needs its id")
    return _Entry(
        ident=ident,
        author=email or None,
        when=_date(comment.findtext(f"{WP}comment_date_gmt"), f"{place}.comment_date_gmt", now),
        html=comment.findtext(f"{WP}comment_content") or "",
        replaces=meta.get("liveblog_replaces") or None,
        key=meta.get("liveblog_key_entry", "").lower() in _KEY_VALUES,
        place=place,
    )


def _replay(entries: list[_Entry], feed: Feed) -> None:
    posts: dict[str, Post] = {}
    for entry in entries:
        # The /key command leaves its word in the text; the meta is what marks the event.
        body = markdown_of(re.sub(r"(^|\s)/key\b", " ", entry.html))
        if entry.replaces is None:
            post = Post(
                published_at=entry.when, body=body, author=entry.author, key_event=entry.key
            )
            post.uri = f"{feed.uri}#liveblog-entry-{entry.ident}"
            posts[entry.ident] = post
            feed.posts.append(post)
            continue
        target = posts.get(entry.replaces)
        if target is None:
            raise Invalid.field(
                entry.place + ".liveblog_replaces",
                "names no earlier entry (%(entry)s)",
                entry=entry.replaces,
            )
        posts[entry.ident] = target
        if not entry.html.strip():
            target.deleted = True
            target.edited_at = entry.when
            continue
        target.earlier.append((entry.when, entry.author, target.headline, target.body))
        target.body = body
        target.key_event = entry.key or target.key_event
        target.edited_at = entry.when
