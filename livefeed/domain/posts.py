"""A post: one timestamped update in a feed, its parts and the rules for its fields.

Fields are named the same way everywhere (``headline``, ``quote.text``, ``image.url`` …): the
compose form uses these names for its inputs and the API flattens its JSON into them, so an
error names the same field on a page and in problem+json.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from livefeed.domain.audio import (
    AUDIO_START,
    AUDIO_TRANSCRIPT,
    AUDIO_URL,
    TRANSCRIPT_LENGTH,
    Audio,
    parse_audio,
)
from livefeed.domain.credentials import Credentials, is_ai_made
from livefeed.domain.credentials import parse_source_type as parse_image_source
from livefeed.domain.embeds import Embed
from livefeed.domain.errors import Checks, Conflict, Message
from livefeed.domain.media import Rendition
from livefeed.domain.text import (
    clean_flag,
    clean_line,
    clean_tags,
    clean_text,
    clean_title,
    clean_web_url,
)
from livefeed.domain.verification import (
    SourceType,
    Verification,
    parse_source_type,
    parse_sourcing,
    parse_verification,
)
from livefeed.domain.videos import Video, parse_video

HEADLINE_LENGTH = 200
BODY_LENGTH = 20_000
QUOTE_LENGTH = 2_000
NAME_LENGTH = 200
CAPTION_LENGTH = 500
SUMMARY_LENGTH = 500


class PostState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    DELETED = "deleted"


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class Image:
    url: str
    caption: str
    credit: str
    alt: str
    # For a picture uploaded here: its size and renditions, found when the post is written.
    width: int = 0
    height: int = 0
    renditions: tuple[Rendition, ...] = ()
    # Its Content Credentials, read on upload (see domain/credentials.py), and the IPTC
    # digital source type an editor gave by hand ("" for none).
    credentials: Credentials | None = None
    source_type: str = ""

    @property
    def ai_made(self) -> bool:
        return is_ai_made(self.credentials, self.source_type)


@dataclass(frozen=True)
class ReadMore:
    """A card pointing to the full article behind an update."""

    url: str
    title: str
    summary: str
    image_url: str


@dataclass(frozen=True)
class Correction:
    """An edit an editor marked as a correction: its public note, and the wording it replaced
    (the headline and the sanitised body as readers saw them), so readers can compare."""

    at: datetime
    note: str
    headline: str
    body_html: str


@dataclass(frozen=True)
class Retraction:
    """A post withdrawn in the open: it stays where it was, struck through, with the reason."""

    at: datetime
    reason: str


@dataclass(frozen=True)
class PostInput:
    headline: str
    body: str
    quote: Quote | None
    image: Image | None
    read_more: ReadMore | None
    tags: tuple[str, ...]
    key_event: bool
    pinned: bool
    video: Video | None = None
    # How far the newsroom stands behind it (see domain/verification.py); ``None``: not said,
    # so a new post takes its feed's default and an edit keeps what the post had.
    verification: Verification | None = None
    source_type: SourceType | None = None
    sourcing: str = ""
    # A social post to show (see domain/embeds.py): its address as given, and once the server
    # has described it, its snapshot, written with the post.
    embed_url: str = ""
    embed: Embed | None = None
    audio: Audio | None = None


@dataclass(frozen=True)
class Post:
    id: int
    feed_id: int
    state: PostState
    headline: str
    body: str
    body_html: str
    quote: Quote | None
    image: Image | None
    read_more: ReadMore | None
    tags: tuple[str, ...]
    key_event: bool
    pinned: bool
    author_id: int | None
    author_name: str
    published_at: datetime
    created_at: datetime
    updated_at: datetime
    version: int
    seq: int
    # Its short URL's code (see domain/shortcodes.py); "" only for a post made by an older
    # release while this one was being rolled out.
    short_code: str = ""
    video: Video | None = None
    # Public corrections, oldest first, and the retraction, if any (see domain/revisions.py).
    corrections: tuple[Correction, ...] = ()
    retraction: Retraction | None = None
    # Its verification state, where it came from and on whose word (domain/verification.py).
    verification: Verification = Verification.CONFIRMED
    source_type: SourceType | None = None
    sourcing: str = ""
    embed: Embed | None = None
    audio: Audio | None = None

    # Its life before it goes out (see domain/workflow.py): when it is due if scheduled, when
    # it was sent to the editors, the editor who last dealt with it and their note if they
    # sent it back, and whether they changed a contribution before it went out (None: it was
    # never a contribution).
    publish_at: datetime | None = None
    submitted_at: datetime | None = None
    reviewer_id: int | None = None
    reviewer_name: str = ""
    review_note: str = ""
    edited_in_review: bool | None = None

    @property
    def is_published(self) -> bool:
        return self.state is PostState.PUBLISHED

    @property
    def reached_readers(self) -> bool:
        """Whether readers were ever told of it. A post gets a ``seq`` of the event log only
        when it is published: one that never was (a draft, even a deleted one) keeps 0."""
        return self.seq > 0

    @property
    def is_retracted(self) -> bool:
        return self.retraction is not None

    @property
    def title_text(self) -> str:
        """What names the post wherever a title is shown: see :func:`display_headline`."""
        return display_headline(self)

    def as_fields(self) -> dict[str, object]:
        """The post's editable fields in their flat form names (the base of an edit)."""
        quote = self.quote or Quote("", "")
        image = self.image or Image("", "", "", "")
        card = self.read_more or ReadMore("", "", "", "")
        return {
            "headline": self.headline,
            "body": self.body,
            "quote.text": quote.text,
            "quote.attribution": quote.attribution,
            "image.url": image.url,
            "image.caption": image.caption,
            "image.credit": image.credit,
            "image.alt": image.alt,
            "image.source_type": image.source_type,
            "read_more.url": card.url,
            "read_more.title": card.title,
            "read_more.summary": card.summary,
            "read_more.image_url": card.image_url,
            "video.url": self.video.url if self.video else "",
            "video.alt": self.video.alt if self.video else "",
            "embed.url": self.embed.url if self.embed else "",
            AUDIO_URL: self.audio.url if self.audio else "",
            AUDIO_START: self.audio.start_text
            if self.audio and self.audio.start is not None
            else "",
            AUDIO_TRANSCRIPT: self.audio.transcript if self.audio else "",
            "tags": list(self.tags),
            "key_event": self.key_event,
            "pinned": self.pinned,
            "verification": self.verification.value,
            "source_type": self.source_type.value if self.source_type else "",
            "sourcing": self.sourcing,
        }


TITLE_TEXT_LENGTH = 120
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_LINE_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)+")
_MD_INLINE_MARK = re.compile(r"<[^>]*>|[*_`~]+")
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def first_sentence(markdown: str, limit: int = TITLE_TEXT_LENGTH) -> str:
    """The first sentence of a Markdown text as plain text, at most ``limit`` characters."""
    for raw in markdown.splitlines():
        text = _MD_INLINE_MARK.sub("", _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", raw)))
        text = " ".join(_MD_LINE_MARK.sub("", text).split())
        if text:
            break
    else:
        return ""
    end = _SENTENCE_END.search(text)
    if end:
        text = text[: end.end()]
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


def display_headline(post: Post) -> str:
    """The post's headline, or for a post without one, the first sentence of its text (or of
    its quote, or its picture's, card's or video's description)."""
    if post.headline:
        return post.headline
    for text in (
        post.body,
        post.quote.text if post.quote else "",
        post.image.alt if post.image else "",
        post.read_more.title if post.read_more else "",
        post.video.alt if post.video else "",
        post.embed.text if post.embed else "",
        post.audio.transcript if post.audio else "",
    ):
        if sentence := first_sentence(text):
            return sentence
    return ""


def parse_post_input(fields: Mapping[str, object], *, language: str = "en") -> PostInput:
    """Check every field of a post; raise :class:`Invalid` listing each one that is wrong.

    Links inside the Markdown body are checked by the renderer, which is the one that parses it.
    """
    checks = Checks()

    def line(name: str, limit: int, required: bool = False) -> str:
        return checks.run(
            lambda: clean_line(fields.get(name), name, max_length=limit, required=required), ""
        )

    def url(name: str) -> str:
        return checks.run(lambda: clean_web_url(fields.get(name), name), "")

    headline = checks.run(
        lambda: clean_title(fields.get("headline"), "headline", max_length=HEADLINE_LENGTH), ""
    )
    body = checks.run(lambda: clean_text(fields.get("body"), "body", max_length=BODY_LENGTH), "")

    quote_text = checks.run(
        lambda: clean_text(fields.get("quote.text"), "quote.text", max_length=QUOTE_LENGTH), ""
    )
    attribution = line("quote.attribution", NAME_LENGTH)
    if attribution and not quote_text:
        checks.fail("quote.text", "a quote needs its words as well as who said them")
    quote = Quote(quote_text, attribution) if quote_text else None

    image_url = url("image.url")
    caption = line("image.caption", CAPTION_LENGTH)
    credit = line("image.credit", NAME_LENGTH)
    alt = line("image.alt", CAPTION_LENGTH)
    if (caption or credit or alt or fields.get("image.source_type")) and not image_url:
        checks.fail("image.url", "give the image's address, or clear its caption and credit")
    if image_url and not alt:
        checks.fail("image.alt", "describe the image for readers who cannot see it")
    image_source = checks.run(lambda: parse_image_source(fields.get("image.source_type")), "")
    image = Image(image_url, caption, credit, alt, source_type=image_source) if image_url else None

    card_url = url("read_more.url")
    card_title = line("read_more.title", HEADLINE_LENGTH)
    card_summary = checks.run(
        lambda: clean_text(
            fields.get("read_more.summary"), "read_more.summary", max_length=SUMMARY_LENGTH
        ),
        "",
    )
    card_image = url("read_more.image_url")
    if (card_title or card_summary or card_image) and not card_url:
        checks.fail("read_more.url", "give the article's address, or clear the card")
    if card_url and not card_title:
        checks.fail("read_more.title", "a Read more card needs the article's title")
    card = ReadMore(card_url, card_title, card_summary, card_image) if card_url else None

    video_url = url("video.url")
    # A description without a video is dropped, not refused: an API client removes a video by
    # its address alone.
    video_alt = line("video.alt", CAPTION_LENGTH)
    video = (
        checks.run(lambda: replace(parse_video(video_url), alt=video_alt), None)
        if video_url
        else None
    )

    embed_url = url("embed.url")
    audio_transcript = checks.run(
        lambda: clean_text(
            fields.get(AUDIO_TRANSCRIPT), AUDIO_TRANSCRIPT, max_length=TRANSCRIPT_LENGTH
        ),
        "",
    )
    audio = parse_audio(checks, url(AUDIO_URL), audio_transcript, fields.get(AUDIO_START))

    tags: tuple[str, ...] = checks.run(
        lambda: clean_tags(fields.get("tags"), language=language), ()
    )
    key_event = checks.run(lambda: clean_flag(fields.get("key_event"), "key_event"), False)
    pinned = checks.run(lambda: clean_flag(fields.get("pinned"), "pinned"), False)
    verification = checks.run(
        lambda: parse_verification(fields.get("verification"), as_it_is=True), None
    )
    source_type = checks.run(lambda: parse_source_type(fields.get("source_type")), None)
    sourcing = checks.run(lambda: parse_sourcing(fields.get("sourcing")), "")
    # A one-line update may go without a headline; a post with nothing at all may not.
    if not (headline or body or quote or image or card or video_url or embed_url or audio):
        checks.fail("headline", "a post needs a headline or some text")
    checks.done()
    return PostInput(
        headline, body, quote, image, card, tags, key_event, pinned, video=video,
        verification=verification, source_type=source_type, sourcing=sourcing,
        embed_url=embed_url, audio=audio,
    )  # fmt: skip


def check_editable(post: Post, seen_version: int | None) -> None:
    """An edit must target a live post, and the version its author saw, if they said one."""
    if post.state is PostState.DELETED:
        raise Conflict("this post has been deleted and can no longer be edited")
    if post.state is not PostState.PUBLISHED:
        # A draft, contribution or scheduled post changes through workflow.py, which tells
        # readers nothing: an edit here would log its words as an event.
        raise Conflict("this post is not published yet", field="state")
    if seen_version is not None and seen_version != post.version:
        raise Conflict(
            Message(
                "this post was changed by someone else (you edited version %(seen)s, "
                "it is now at version %(version)s)",
                seen=seen_version,
                version=post.version,
            ),
            field="version",
        )
