"""A post as a live event carries it: what it says, rendered, and its particulars.

Every byte of an event goes to every reader, and most of a rendered post is the same for every
post: its header's and footer's markup, the share tools with their six links. So an event carries
what the post says (``_post_content.html``) and beside it the particulars its page needs to build
the rest as ``_post.html`` would (live.js, with the words of ``_post_parts.html``): its moments
already worded in the feed's language and zone, its address, and the few pieces whose wording
depends on the text itself (its byline and tags, each isolated for its direction; its
verification label when it shows one), rendered by the very templates the page uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from jinja2 import Environment, Template

from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.services import Services

_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


def compact(html: str) -> str:
    """The fragment without the template's indentation: a line break and the spaces around it
    between two tags become one space, which renders the same (not inside ``<pre>``, where
    every space shows)."""
    if "<pre" in html:
        return html
    return _BETWEEN_TAGS.sub("> <", html)


def verification_shown(post: Post) -> bool:
    """Whether a post's verification line is visible: a label to show, or whose word it is."""
    return bool(post.verification.flagged or post.sourcing or post.source_type)


class LivePosts:
    """Renders a post's event parts with the site's templates (in the language being spoken)."""

    def __init__(self, svc: Services, env: Environment) -> None:
        self.svc = svc
        self.env = env
        self.content = env.get_template("_post_content.html")
        self.verification = env.get_template("_verification.html")
        self.tags = env.get_template("_post_tags.html")
        self.byline = env.get_template("_post_byline.html")

    def content_html(self, feed: Feed, post: Post) -> str:
        return compact(self._render(self.content, feed, post))

    def particulars(self, feed: Feed, post: Post) -> dict[str, Any]:
        """What ``_post.html`` shows around the content, as live.js builds it again. Only what
        is there travels: a flag that is off, or a piece the post has not, is left out."""
        filters = self.env.filters
        moment = post.published_at
        clock = filters["clock"](moment, feed)
        out: dict[str, Any] = {
            "version": post.version,
            "at": filters["iso"](moment),
            "clock": clock,
            "zone": filters["zone_label"](moment, feed),
            "date": filters["date"](moment, feed),
            "day": filters["date"](moment, feed, "key"),
            "day_label": filters["date"](moment, feed, "day"),
            "when": f"{filters['date'](moment, feed, 'short')}, {clock}",
        }
        is_today = cast(Callable[[datetime, Feed], bool], self.env.globals["is_today"])
        if not is_today(moment, feed):
            out["dated"] = True
        if post.pinned:
            out["pinned"] = True
        if post.retraction:
            out["retracted"] = True
        if verification_shown(post):
            out["verification"] = compact(self._render(self.verification, feed, post)).strip()
        if post.tags:
            out["tags"] = self._render(self.tags, feed, post).strip()
        if post.author_name:
            out["byline"] = self._render(self.byline, feed, post).strip()
        urls = self.svc.urls
        if post.short_code:
            out["short"] = urls.short(post.short_code)
        else:
            out["link"] = urls.post(feed.slug, post.id)
        return out

    def _render(self, template: Template, feed: Feed, post: Post) -> str:
        html: str = template.render(feed=feed, post=post, viewer=None, urls=self.svc.urls)
        return html
