"""The OpenAPI schemas of a social post shown in a post (see domain/embeds.py)."""

from __future__ import annotations

from livefeed.web.api.openapi.helpers import Schema, boolean, nullable, obj, text, web_url


def embed_schemas() -> dict[str, Schema]:
    return {
        "EmbedInput": obj(
            "A social post to show with the post. Send null instead of the object to remove it.",
            {
                "url": web_url(
                    "The post's address on X, Bluesky, Instagram, Threads, Facebook, TikTok, "
                    "YouTube, Vimeo or Telegram, or on any site whose page offers an oEmbed "
                    "description (a Mastodon instance). The server asks the site for it once and "
                    "keeps a snapshot; an edit that keeps the address keeps the snapshot. A site "
                    "it cannot read is refused with a problem naming embed.url."
                )
            },
        ),
        "Embed": obj(
            "A social post shown with the post (the key is absent from a post without one), as "
            "kept when it was embedded: readers see this snapshot, and the site's own embed only "
            "at original_url, when they ask.",
            {
                "url": text("The post's address, as given.", format="uri"),
                "provider": text("The site, as it names itself."),
                "author_name": nullable(text("Who wrote it.")),
                "author_url": nullable(text("Their page on the site.", format="uri")),
                "text": text("Its words, on one line."),
                "published_at": nullable(
                    text("When it was posted, if the site said.", format="date-time")
                ),
                "image_url": nullable(
                    text("Its picture, copied to this site's storage.", format="uri")
                ),
                "html": text("The site's markup, sanitised: no script, frame, picture or style."),
                "available": boolean(
                    "False once a later check found the original deleted; the snapshot stays."
                ),
                "original_url": text(
                    "The page that shows the site's own embed, under a policy naming its hosts.",
                    format="uri",
                ),
            },
            ["url", "provider", "text", "html", "available", "original_url"],
            closed=False,
        ),
    }
