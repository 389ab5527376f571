"""What an import will write, checked and rendered before the transaction begins.

The document's shape is checked in domain/portable.py; here each feed and post also obeys the
rules it would obey if an editor typed it (lengths, link schemes, a picture's description),
its Markdown is rendered, and the HTML it carries from its old site (a correction's earlier
wording, a revision) is sanitised. A problem is named at its place in the document.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from livefeed.domain.audio import Audio
from livefeed.domain.embeds import Embed
from livefeed.domain.errors import Invalid
from livefeed.domain.feeds import parse_feed_input
from livefeed.domain.media import MediaFormat, Rendition, parse_media_name
from livefeed.domain.portable import MEDIA_FOLDER, Problems, text_of
from livefeed.domain.posts import Image, parse_post_input
from livefeed.domain.users import clean_email
from livefeed.portability.embedded import ready_embed
from livefeed.services import Services
from livefeed.store.portable_reading import URL_FIELDS

T = TypeVar("T")

# The feed form's names, and where the document holds each.
_FEED_PLACES = {
    "title": "headline",
    "lead": "description",
    "tags": "keywords",
    "coverage_start": "coverageStartTime",
    "language": "inLanguage",
}


@dataclass(frozen=True)
class ReadyPost:
    body_html: str
    image: Image | None
    video: tuple[str, int | None, str] | None
    read_more_image_url: str
    corrections: list[dict[str, str]]
    revisions: list[tuple[dict[str, Any], str]]
    embed: Embed | None = None
    audio: Audio | None = None


@dataclass
class Plan:
    slug: str
    # A document from before feeds had a language is in the site's.
    language: str = "en"
    lead_html: str = ""
    notes_html: str = ""
    files: list[str] = field(default_factory=list)
    posts: list[ReadyPost] = field(default_factory=list)


class _Problems(Problems):
    """The document's problems, and a way to run a rule of the site's and keep its own."""

    def run(self, place: str, check: Callable[[], T], fallback: T) -> T:
        try:
            return check()
        except Invalid as error:
            for name, message in error.errors.items():
                where = f"{place}.{name}" if place else name
                self.fail(where, message)
            return fallback


def prepare(
    svc: Services, document: Mapping[str, Any], files: Mapping[str, object], *, slug: str | None
) -> Plan:
    """Everything the import writes, or :class:`Invalid` listing each problem by its place."""
    problems = _Problems()
    fields = {
        "slug": slug if slug is not None else document["slug"],
        "title": document["headline"],
        "lead": document["description"],
        "notes": document["notes"],
        "tags": document["keywords"],
        "timezone": document["timezone"],
        "coverage_start": document["coverageStartTime"] or "",
        "audio_stream_url": document["audio_stream_url"],
        "recording_url": document.get("recording_url", ""),
        "discussion": document["discussion"],
        "moderation": document["moderation"],
        "language": document.get("inLanguage") or "",
    }
    try:
        checked = parse_feed_input(fields, default_language=svc.settings.language)
    except Invalid as error:
        renamed = {_FEED_PLACES.get(name, name): text for name, text in error.errors.items()}
        raise Invalid(renamed) from None
    plan = Plan(checked.slug, checked.language)
    plan.lead_html = problems.run("", lambda: svc.markup.render(checked.lead, "description"), "")
    plan.notes_html = problems.run("", lambda: svc.markup.render(checked.notes, "notes"), "")
    for index, person in enumerate(document["people"]):
        problems.run(f"people[{index}]", functools.partial(clean_email, person["email"]), "")
    uploads = _media(document, files, problems)
    plan.files = sorted({name for upload in uploads.values() for name in upload.names})

    def resolve(href: str) -> str:
        if not href.startswith(MEDIA_FOLDER):
            return href
        return svc.storage.url(href.removeprefix(MEDIA_FOLDER))

    for index, post in enumerate(document["posts"]):
        place = f"posts[{index}]"
        ready = problems.run(
            place, functools.partial(_post, svc, post, uploads, resolve, checked.language), None
        )
        nothing: tuple[Embed | None, str] = (None, "")
        embed, name = problems.run(place, functools.partial(ready_embed, svc, post, files), nothing)
        if name and name not in plan.files:
            plan.files.append(name)
        if ready is not None:
            plan.posts.append(replace(ready, embed=embed))
    if problems.found:
        raise Invalid(problems.found)
    return plan


@dataclass(frozen=True)
class Upload:
    """One of the document's uploads: its files, the size of each picture file, and a
    video's length."""

    names: list[str]
    sizes: list[tuple[int, int]]
    duration_ms: int | None
    byte_size: int | None = None


Uploads = dict[str, Upload]


def _media(
    document: Mapping[str, Any], files: Mapping[str, object], problems: _Problems
) -> Uploads:
    uploads: Uploads = {}
    for index, item in enumerate(document["media"]):
        place = f"media[{index}]"
        try:
            fmt = MediaFormat.from_content_type(item["contenttype"])
        except (KeyError, ValueError):
            problems.fail(place + ".contenttype", "is not a picture or video type this site keeps")
            continue
        names, sizes = [], []
        for number, rendition in enumerate(item["renditions"]):
            where = f"{place}.renditions[{number}].href"
            name = str(rendition["href"]).removeprefix(MEDIA_FOLDER)
            parsed = parse_media_name(name)
            if parsed is None or parsed.hash != item["hash"] or parsed.format is not fmt:
                problems.fail(where, "must be media/ and the file's name from its hash")
                continue
            if name not in files:
                problems.fail(where, "%(name)s is not in the zip", name=name)
                continue
            names.append(name)
            sizes.append((rendition.get("width") or 0, rendition.get("height") or 0))
        uploads[item["hash"]] = Upload(names, sizes, item["duration_ms"], item["sizeinbytes"])
    return uploads


def _post(
    svc: Services,
    post: Mapping[str, Any],
    uploads: Uploads,
    resolve: Callable[[str], str],
    language: str,
) -> ReadyPost:
    quote = post.get("quote") or {}
    image = post.get("image") or {}
    card = post.get("read_more") or {}
    video = post.get("video") or {}
    sound = post.get("audio") or {}
    _known_files(post, uploads)
    fields = {
        "headline": text_of(post["headlines"]),
        "body": text_of(post["bodies"]),
        "quote.text": quote.get("text", ""),
        "quote.attribution": quote.get("attribution", ""),
        "image.url": resolve(str(image.get("href", ""))),
        "image.caption": image.get("caption", ""),
        "image.credit": image.get("credit", ""),
        "image.alt": image.get("alt", ""),
        "read_more.url": card.get("url", ""),
        "read_more.title": card.get("title", ""),
        "read_more.summary": card.get("summary", ""),
        "read_more.image_url": resolve(str(card.get("image_url", ""))),
        "video.url": resolve(str(video.get("href", ""))),
        "video.alt": video.get("alt", ""),
        "audio.url": resolve(str(sound.get("href", ""))),
        "audio.start": sound.get("start"),
        "audio.transcript": sound.get("transcript", ""),
        "tags": post["keywords"],
        "key_event": post["key_event"],
        "pinned": post["pinned"],
    }
    data = parse_post_input(fields, language=language)
    body_html = svc.markup.render(data.body, "body")
    picture = data.image
    if picture is not None and (href := str(image.get("href", ""))).startswith(MEDIA_FOLDER):
        picture = _with_renditions(svc, picture, href, uploads)
    moving = None
    if data.video is not None:
        found = uploads.get(str(video.get("href", "")).removeprefix(MEDIA_FOLDER)[:64])
        moving = (data.video.url, found.duration_ms if found else None, data.video.alt)
    corrections = [
        {
            "at": item["at"],
            "note": item["note"],
            "headline": item["headline"],
            "body_html": svc.markup.clean(item["body_html"]),
        }
        for item in post["corrections"]
    ]
    revisions = []
    for revision in post["revisions"]:
        kept = dict(revision["fields"])
        for name in URL_FIELDS:
            if isinstance(kept.get(name), str):
                kept[name] = resolve(kept[name])
        revisions.append((kept, svc.markup.clean(revision["body_html"])))
    card_image = data.read_more.image_url if data.read_more else ""
    audio = data.audio
    if audio is not None and audio.url:
        clip = uploads.get(str(sound.get("href", "")).removeprefix(MEDIA_FOLDER)[:64])
        if clip is not None:
            audio = replace(audio, duration_ms=clip.duration_ms, byte_size=clip.byte_size)
    return ReadyPost(body_html, picture, moving, card_image, corrections, revisions, audio=audio)


def _known_files(post: Mapping[str, Any], uploads: Uploads) -> None:
    """A post may show only files the document lists under ``media``."""
    listed = {name for upload in uploads.values() for name in upload.names}
    for key, part in (
        ("image", "href"),
        ("video", "href"),
        ("audio", "href"),
        ("read_more", "image_url"),
    ):
        href = str((post.get(key) or {}).get(part, ""))
        if href.startswith(MEDIA_FOLDER) and href.removeprefix(MEDIA_FOLDER) not in listed:
            where = f"{key}.{part}"
            raise Invalid.field(where, "%(href)s is not among the document's media", href=href)


def _with_renditions(svc: Services, picture: Image, href: str, uploads: Uploads) -> Image:
    upload = uploads[href.removeprefix(MEDIA_FOLDER)[:64]]
    renditions = tuple(
        Rendition(width, height, svc.storage.url(name))
        for name, (width, height) in zip(upload.names, upload.sizes, strict=True)
        if width
    )
    if not renditions:
        return picture
    largest = renditions[-1]
    return replace(picture, width=largest.width, height=largest.height, renditions=renditions)
