"""A social post's snapshot coming in with an imported feed, trusted no more than a new one.

The site's markup is sanitised again as if it had just been fetched; the origins its embed may
load from must be plain origins (they go into a Content-Security-Policy header); its picture
must be a file of the zip, since a card never loads a picture from another host: a picture
that is not is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from livefeed.domain.embeds import FIELD, NAME_LENGTH, TEXT_LENGTH, Embed
from livefeed.domain.errors import Invalid
from livefeed.domain.portable import MEDIA_FOLDER, read_moment
from livefeed.domain.text import clean_web_url
from livefeed.outside.markup import clean_embed
from livefeed.services import Services

_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(?::[0-9]{1,5})?")


def ready_embed(
    svc: Services, post: Mapping[str, Any], files: Mapping[str, object]
) -> tuple[Embed | None, str]:
    """The snapshot to write with the post, and the zip's file its picture needs ("" for none)."""
    found = post.get("embed")
    if not found:
        return None, ""
    url = clean_web_url(found["url"], FIELD, required=True)
    hosts = tuple(host for host in found["hosts"] if _ORIGIN.fullmatch(host))
    if len(hosts) != len(found["hosts"]):
        raise Invalid.field("embed.hosts", "must each be an origin such as https://example.com")
    name = (
        found["image"].removeprefix(MEDIA_FOLDER) if found["image"].startswith(MEDIA_FOLDER) else ""
    )
    if name and name not in files:
        name = ""

    def when(value: str | None) -> Any:
        return read_moment(value) if value else None

    embed = Embed(
        provider=found["provider"][:NAME_LENGTH],
        url=url,
        endpoint=_link(found["endpoint"]),
        author_name=found["author_name"][:NAME_LENGTH],
        author_url=_link(found["author_url"]),
        text=found["text"][:TEXT_LENGTH],
        published_at=when(found["published_at"]),
        image_url=svc.storage.url(name) if name else "",
        html=clean_embed(found["html"]),
        original_html=found["original_html"],
        hosts=hosts,
        fetched_at=read_moment(found["fetched_at"]),
        checked_at=when(found["checked_at"]),
        gone_at=when(found["gone_at"]),
    )
    return embed, name


def _link(url: str) -> str:
    try:
        return clean_web_url(url, FIELD)
    except Invalid:
        return ""
