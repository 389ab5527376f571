"""An entry's content in the feed documents: the post as plain HTML, and the notices of its
retraction and corrections, their words in the language being spoken.

Everything a person typed is escaped here.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from livefeed.domain import times
from livefeed.domain.embeds import embed_html
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.languages.catalogs import _

# A root-relative link in a sanitised body: a feed reader shows it far from our site.
_ROOT_RELATIVE = re.compile(r'(<(?:a|img)\s[^>]*?\b(?:href|src)=")/(?!/)')


def entry_html(post: Post, origin: str) -> str:
    """The post as one piece of HTML: the sanitised body, then quote, figure and card."""
    esc = html.escape
    parts = [_ROOT_RELATIVE.sub(lambda m: m.group(1) + origin + "/", post.body_html)]
    if post.quote:
        said = "".join(f"<p>{esc(p)}</p>" for p in post.quote.text.split("\n\n"))
        by = f"<p>— {esc(post.quote.attribution)}</p>" if post.quote.attribution else ""
        parts.append(f"<blockquote>{said}{by}</blockquote>")
    if post.image:
        image = post.image
        caption = esc(image.caption)
        if image.credit:
            caption += f" <small>{esc(_('Photo: %(credit)s', credit=image.credit))}</small>"
        parts.append(
            f'<figure><img src="{esc(image.url)}" alt="{esc(image.alt)}">'
            + (f"<figcaption>{caption.strip()}</figcaption>" if caption else "")
            + "</figure>"
        )
    if post.read_more:
        card = post.read_more
        link = f'<a href="{esc(card.url)}">{esc(card.title)}</a>'
        parts.append(f"<p>{_('Read more: %(link)s', link=link)}</p>")
        parts.extend(f"<p>{esc(p)}</p>" for p in card.summary.split("\n\n") if p)
    parts.append(embed_html(post.embed) if post.embed else "")
    return "\n".join(part for part in parts if part)


def with_notices(post: Post, feed: Feed, content: str) -> str:
    """A retraction's reason before the post, its corrections after it: a correction or a
    retraction changes the entry's updated time, so readers' apps show the entry again."""
    esc = html.escape

    def when(moment: datetime) -> str:
        return f"{times.clock(moment, feed.zone)} {times.zone_label(moment, feed.zone)}"

    parts = []
    if post.retraction:
        at, reason = when(post.retraction.at), post.retraction.reason
        notice = esc(_("Retracted %(time)s", time=at))
        parts.append(f"<p><strong>{notice}</strong> — {esc(reason)}</p>")
    parts.append(content)
    parts.extend(
        f"<p><em>{esc(_('Corrected %(time)s', time=when(c.at)))} — {esc(c.note)}</em></p>"
        for c in post.corrections
    )
    return "\n".join(part for part in parts if part)
