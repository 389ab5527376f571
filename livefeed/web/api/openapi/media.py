"""The media's part of the OpenAPI document: uploads, and what they add to a post's image.

Its limits (the widths made, the description's length) come from the media rules, and the
upload's size limits are said in words, since they are the site's settings.
"""

from __future__ import annotations

from livefeed.domain import media as media_rules
from livefeed.domain import posts as post_rules
from livefeed.domain.videos import VideoKind
from livefeed.web.api.openapi.helpers import (
    PROBLEM_TYPE,
    Schema,
    array,
    integer,
    nullable,
    obj,
    ok,
    operation,
    ref,
    text,
    web_url,
)
from livefeed.web.api.openapi.posts import PARTS


def media_schemas() -> dict[str, Schema]:
    """Uploads, and what they add to posts: ``Image`` here replaces the plain one of
    ``part_schemas`` as posts send it back (its input shape, ``ImageInput``, is unchanged)."""
    description, fields = PARTS["Image"]
    rendition = obj(
        "One size of an uploaded picture.",
        {
            "width": integer("Pixels across.", 1),
            "height": integer("Pixels down.", 1),
            "url": text("The file, cached for good.", format="uri"),
        },
        ["width", "height", "url"],
        closed=False,
    )
    image = fields | {
        "width": nullable(integer("Pixels across, for a picture uploaded here.", 1)),
        "height": nullable(integer("Pixels down, for a picture uploaded here.", 1)),
        "renditions": array(
            ref("Rendition"),
            "For a picture uploaded here, every size made of it, smallest first, for srcset; "
            "empty for a picture elsewhere.",
        ),
    }
    video_url = web_url(
        "A YouTube address (youtube.com/watch?v=…, youtu.be/…, /shorts/…, /embed/…), a Vimeo "
        "address (vimeo.com/…), or the url of an MP4 or WebM video uploaded here."
    )
    video_alt = text(
        "What the video shows, for readers who cannot see it: the player's label. Empty for none.",
        post_rules.CAPTION_LENGTH,
    )
    widths = ", ".join(str(width) for width in media_rules.RENDITION_WIDTHS)
    return {
        "Image": obj(description, image, tuple(image), closed=False),
        "Rendition": rendition,
        "VideoInput": obj(
            "A video shown with the post. Send null instead of the object to remove it.",
            {"url": video_url, "alt": video_alt},
        ),
        "Video": obj(
            "A video shown with the post.",
            {
                "url": text("The address as given."),
                "kind": {
                    "type": "string",
                    "enum": [kind.value for kind in VideoKind],
                    "description": "Where it plays from.",
                },
                "embed_url": text(
                    "What the page plays: YouTube's or Vimeo's privacy-enhanced player (for an "
                    "iframe), or the uploaded file itself.",
                    format="uri",
                ),
                "alt": video_alt,
            },
            ["url", "kind", "embed_url", "alt"],
            closed=False,
        ),
        "MediaUpload": obj(
            "A picture (JPEG, PNG, GIF or WebP, told from its content) or a video (MP4 or "
            f"WebM). A picture is re-encoded without its metadata, upright, in widths {widths} "
            "(never enlarged); an animated one keeps its first frame.",
            {
                "file": {
                    "type": "string",
                    "format": "binary",
                    "description": "The file, under its own name (a name with a path is refused).",
                },
                "alt": text(
                    "What it shows, for readers who cannot see it.",
                    media_rules.ALT_LENGTH,
                    minLength=1,
                ),
                "feed": text(
                    "The slug of the feed it is for (optional): its editors then see it in the "
                    "media library, and it counts against the feed's quota as well as yours."
                ),
            },
            ["file", "alt"],
        ),
        "Media": obj(
            "An upload. Give url as a post's image.url (or video.url): its renditions are then "
            "shown with srcset.",
            {
                "id": integer("The upload's number.", 1),
                "url": text("The largest rendition, or the video.", format="uri"),
                "type": text("The type it is served as, e.g. image/jpeg or video/mp4."),
                "width": nullable(integer("Pixels across, upright; null for a video.", 1)),
                "height": nullable(integer("Pixels down, upright; null for a video.", 1)),
                "alt": text("The description sent."),
                "renditions": array(ref("Rendition"), "Smallest first; empty for a video."),
            },
            ["id", "url", "type", "width", "height", "alt", "renditions"],
            closed=False,
        ),
    }


def media_paths() -> dict[str, Schema]:
    upload = operation(
        "media",
        "uploadMedia",
        "Upload a picture or a video (editors and contributors)",
        {"201": ok("Media", "The upload.")},
        body={
            "required": True,
            "description": "multipart/form-data with file, alt and feed.",
            "content": {"multipart/form-data": {"schema": ref("MediaUpload")}},
        },
        write=True,
        problems=("404", "422"),
    )
    # Uploads have limits of their own, not the 4 MB of other requests.
    upload["responses"]["413"] = {
        "description": "The file is over LIVEFEED_MEDIA_MAX_BYTES (a picture, 20 MB by "
        "default) or LIVEFEED_MEDIA_MAX_VIDEO_BYTES (a video, 200 MB); refused as soon as it "
        "passes, with field file. Also an upload that would take its uploader's files past "
        "LIVEFEED_MEDIA_QUOTA_PER_USER, or its feed's past LIVEFEED_MEDIA_QUOTA_PER_FEED.",
        "content": {PROBLEM_TYPE: {"schema": ref("Problem")}},
    }
    return {"/api/v1/media": {"post": upload}}
