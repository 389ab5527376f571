"""Social networks played on loopback: a listed one with its oEmbed endpoint, and sites found by
oEmbed discovery (a Mastodon instance among them), all on one :class:`~tests.other_sites.Site`.

Each name resolves to 127.0.0.1 through the test's :class:`~tests.other_sites.Resolver`; the
fetch policy admits loopback and the site's port, and nothing else beyond the production rules.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from PIL import Image

from livefeed.domain.embeds import Provider
from livefeed.services import Services
from tests.other_sites import Reply, Resolver, Site, local_policy, running_site

CHIRP = "chirp.test"
MASTODON = "mastodon.test"
PLAIN = "plain.test"

CHIRP_HTML = (
    '<blockquote class="chirp-post"><p lang="en" dir="ltr">Talks resume at nine in Geneva. '
    '<a href="https://chirp.test/hashtag/summit">#summit</a></p>&mdash; Anna Reporter '
    '(@anna) <a href="https://chirp.test/anna/status/1">December 6, 2026</a></blockquote>'
    '<script async src="https://platform.chirp.test/widgets.js" charset="utf-8"></script>'
)
HOSTILE_HTML = (
    '<blockquote><p onclick="steal()" style="position:fixed">Look here '
    '<a href="javascript:alert(document.cookie)">now</a></p>'
    '<img src="https://tracker.evil.test/pixel.gif" onerror="steal()">'
    '<iframe src="https://evil.test/frame"></iframe>'
    "<script>steal()</script></blockquote>"
)


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Social:
    """The social sites, and the addresses of posts on them."""

    site: Site

    def origin(self, host: str) -> str:
        return f"http://{host}:{self.site.port}"

    def url(self, host: str, path: str) -> str:
        return self.origin(host) + path

    @property
    def chirp(self) -> Provider:
        """A listed provider, as X is in production: its posts' pattern and its endpoint."""
        return Provider(
            "Chirp",
            (rf"https?://{CHIRP}:{self.site.port}/[^/]+/status/\d+",),
            self.url(CHIRP, "/oembed"),
            (self.origin(CHIRP),),
        )

    def chirp_post(self, number: int = 1, html: str = CHIRP_HTML, **extra: object) -> str:
        """A post on Chirp described by its endpoint; its address."""
        url = self.url(CHIRP, f"/anna/status/{number}")
        self.describe(
            self.chirp.request_url(url),
            {
                "type": "rich",
                "version": "1.0",
                "provider_name": "Chirp",
                "author_name": "Anna Reporter",
                "author_url": "https://chirp.test/anna",
                "html": html,
                "thumbnail_url": self.url(CHIRP, "/media/talks.png"),
            }
            | extra,
        )
        self.site.replies["/media/talks.png"] = Reply(
            body=png(), headers={"Content-Type": "image/png"}
        )
        return url

    def describe(self, endpoint: str, answer: object) -> None:
        path = endpoint.split(f":{self.site.port}", 1)[1]
        self.site.replies[path] = Reply(
            body=json.dumps(answer).encode(), headers={"Content-Type": "application/json"}
        )

    def delete(self, endpoint: str, status: int = 404) -> None:
        path = endpoint.split(f":{self.site.port}", 1)[1]
        self.site.replies[path] = Reply(status=status, body=b"gone")

    def mastodon_post(self) -> str:
        """A toot on an instance nobody listed: its page points to the instance's oEmbed."""
        url = self.url(MASTODON, "/@anna/113")
        endpoint = self.url(MASTODON, "/api/oembed?" + urlencode({"format": "json", "url": url}))
        self.site.page(
            "/@anna/113",
            f'<html><head><link href="{endpoint.replace("&", "&amp;")}" rel="alternate" '
            'type="application/json+oembed"></head><body>toot</body></html>',
        )
        self.describe(
            endpoint,
            {
                "type": "rich",
                "version": "1.0",
                "provider_name": "mastodon.test",
                "author_name": "Anna",
                "author_url": self.url(MASTODON, "/@anna"),
                "html": (
                    f'<iframe src="{url}/embed" class="mastodon-embed" width="400"></iframe>'
                    f'<script src="{self.url(MASTODON, "/embed.js")}" async></script>'
                ),
            },
        )
        return url

    def page_without_oembed(self) -> str:
        self.site.page("/story", "<html><head><title>A story</title></head><body></body></html>")
        return self.url(PLAIN, "/story")


@contextmanager
def social_sites(svc: Services) -> Iterator[Social]:
    """The sites, running, and ``svc`` told to reach them and to know Chirp."""
    with running_site() as site:
        resolver = Resolver({name: ["127.0.0.1"] for name in (CHIRP, MASTODON, PLAIN)})
        svc.fetch_policy = local_policy(site, resolver)
        social = Social(site)
        svc.embed_providers = (social.chirp, *svc.embed_providers)
        yield social
