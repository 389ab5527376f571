"""The public shape of feeds and posts: addresses and JSON.

One shape for the API, the event log and everything built on them, so a script, a reader's
page and a replay after reconnecting all see the same fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from livefeed.domain.audio import Audio
from livefeed.domain.credentials import Credentials
from livefeed.domain.embeds import Embed
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post, PostState
from livefeed.domain.times import iso_utc


class Urls:
    """Absolute addresses under the site's canonical origin (short URLs: maybe another one),
    with the name and logo the site goes by wherever its addresses go (feeds, structured data,
    link previews)."""

    def __init__(
        self,
        public_url: str,
        short_url: str | None = None,
        *,
        site_name: str = "Livefeed",
        site_logo: str | None = None,
        language: str = "en",
    ) -> None:
        self.origin = public_url.rstrip("/")
        # The site's language (LIVEFEED_LANGUAGE): a document gathering feeds is in it.
        self.language = language
        self.short_origin = (short_url or public_url).rstrip("/")
        self.site_name = site_name
        # Absolute, as search engines and feed readers need it; a path is on this site.
        self.site_logo = self.origin + site_logo if site_logo and site_logo[0] == "/" else site_logo

    def feed_path(self, slug: str) -> str:
        return f"/feeds/{quote(slug)}"

    def post_path(self, slug: str, post_id: int) -> str:
        return f"/feeds/{quote(slug)}/posts/{post_id}"

    def tag_path(self, tag: str) -> str:
        """A tag's page: a tag in any script is sent as percent-encoded UTF-8 (``выборы`` is
        ``/tags/%D0%B2…``); one of a–z, digits and hyphens reads as it is written."""
        return f"/tags/{quote(tag, safe='')}"

    def feed(self, slug: str) -> str:
        return self.origin + self.feed_path(slug)

    def post(self, slug: str, post_id: int) -> str:
        return self.origin + self.post_path(slug, post_id)

    def embed_original_path(self, embed_id: int) -> str:
        """The page that shows a social post as its site does, once a reader asks."""
        return f"/embeds/{embed_id}/original"

    def short(self, code: str) -> str:
        return f"{self.short_origin}/s/{quote(code)}"


def feed_json(feed: Feed, urls: Urls) -> dict[str, Any]:
    return {
        "slug": feed.slug,
        "url": urls.feed(feed.slug),
        "short_url": urls.short(feed.short_code) if feed.short_code else None,
        "title": feed.title,
        "lead": feed.lead,
        "notes": feed.notes,
        "tags": list(feed.tags),
        "timezone": feed.timezone,
        "status": feed.status.value,
        "coverage_start": iso_utc(feed.coverage_start) if feed.coverage_start else None,
        "coverage_end": iso_utc(feed.coverage_end) if feed.coverage_end else None,
        "audio_stream_url": feed.audio_stream_url or None,
        "recording_url": feed.recording_url or None,
        "last_seq": feed.last_seq,
        "version": feed.version,
        "updated_at": iso_utc(feed.updated_at),
        "discussion": feed.discussion.value,
        "moderation": feed.moderation.value,
        "default_verification": feed.default_verification.value,
        "ended_order": feed.ended_order,
        "language": feed.language,
        "show_readers": feed.show_readers,
    }


def post_json(post: Post, slug: str, urls: Urls) -> dict[str, Any]:
    """A post as readers may see it; a deleted post keeps only its identity."""
    base: dict[str, Any] = {
        "id": post.id,
        "version": post.version,
        "seq": post.seq,
        "url": urls.post(slug, post.id),
        "state": post.state.value,
    }
    if post.state is PostState.DELETED:
        return base
    return base | {
        "short_url": urls.short(post.short_code) if post.short_code else None,
        "published_at": iso_utc(post.published_at) if post.is_published else None,
        "updated_at": iso_utc(post.updated_at),
        "headline": post.headline,
        "title": post.title_text,
        "body": post.body,
        "body_html": post.body_html,
        "quote": (
            {"text": post.quote.text, "attribution": post.quote.attribution} if post.quote else None
        ),
        "image": (
            {
                "url": post.image.url,
                "caption": post.image.caption,
                "credit": post.image.credit,
                "alt": post.image.alt,
                # Set for a picture uploaded here: its size and every rendition's address.
                "width": post.image.width or None,
                "height": post.image.height or None,
                "renditions": [
                    {"width": r.width, "height": r.height, "url": r.url}
                    for r in post.image.renditions
                ],
                "source_type": post.image.source_type or None,
                "ai_generated": post.image.ai_made,
                "credentials": credentials_json(post.image.credentials),
            }
            if post.image
            else None
        ),
        "video": (
            {
                "url": post.video.url,
                "kind": post.video.kind.value,
                "embed_url": post.video.embed_url,
                "alt": post.video.alt,
            }
            if post.video
            else None
        ),
        "read_more": (
            {
                "url": post.read_more.url,
                "title": post.read_more.title,
                "summary": post.read_more.summary,
                "image_url": post.read_more.image_url,
            }
            if post.read_more
            else None
        ),
        # Only on a post that shows a social post: every other post's shape stays as it was.
        **({"embed": embed_json(post.embed, urls)} if post.embed else {}),
        **({"audio": audio_json(post.audio)} if post.audio else {}),
        "tags": list(post.tags),
        "key_event": post.key_event,
        "pinned": post.pinned,
        "author": {"name": post.author_name} if post.author_name else None,
        # Before it goes out (see domain/workflow.py); readers only ever see null here.
        "publish_at": (
            iso_utc(post.publish_at)
            if post.state is PostState.SCHEDULED and post.publish_at
            else None
        ),
        "review_note": (post.review_note or None) if post.state is PostState.DRAFT else None,
        # Edits marked as corrections, oldest first; a minor edit leaves no trace here.
        "corrections": [{"at": iso_utc(c.at), "note": c.note} for c in post.corrections],
        "verification": post.verification.value,
        "source_type": post.source_type.value if post.source_type else None,
        "sourcing": post.sourcing,
        "retracted": post.is_retracted,
        "retraction_reason": post.retraction.reason if post.retraction else None,
        "retracted_at": iso_utc(post.retraction.at) if post.retraction else None,
    }


def audio_json(audio: Audio) -> dict[str, Any]:
    return {
        "url": audio.url or None,
        "type": audio.content_type or None,
        "duration_ms": audio.duration_ms,
        "start": audio.start,
        "transcript": audio.transcript,
    }


def embed_json(embed: Embed, urls: Urls) -> dict[str, Any]:
    """A social post shown in a post, as kept when it was embedded (see domain/embeds.py)."""
    return {
        "url": embed.url,
        "provider": embed.provider,
        "author_name": embed.author_name or None,
        "author_url": embed.author_url or None,
        "text": embed.text,
        "published_at": iso_utc(embed.published_at) if embed.published_at else None,
        "image_url": embed.image_url or None,
        "html": embed.html,
        "available": not embed.gone,
        "original_url": urls.origin + urls.embed_original_path(embed.id),
    }


def credentials_json(credentials: Credentials | None) -> dict[str, Any] | None:
    """A picture's Content Credentials as the API, feeds and pages' scripts show them."""
    if credentials is None:
        return None
    return {
        "validity": credentials.validity.value,
        "signer": credentials.signer,
        "claim_generator": credentials.claim_generator,
        "actions": list(credentials.actions),
        "digital_source_type": credentials.digital_source_type or None,
        "failures": list(credentials.failures),
    }
