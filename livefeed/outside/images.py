"""Decoding an uploaded picture for real and re-encoding its renditions, with Pillow.

Only files that passed ``domain.containers.inspect_image`` come here: their kind, declared
size and end are known. Pillow must then agree on the format (it is told which single decoder
it may use) and decode the pixels; anything it cannot decode is refused, however it is named.

Every rendition is encoded afresh from the pixels alone, so nothing of the upload rides along:
not its EXIF (camera, GPS position), comments, text chunks or colour profile (the pixels are
converted to sRGB first), nor anything hidden between its segments. The EXIF orientation is
applied before that, so a phone's portrait photo stays upright once its EXIF is gone.

An animated GIF or WebP keeps its first frame only, as a still: the renditions must be
re-encoded frame by frame otherwise (a 300-frame GIF is 300 pictures' worth of decoding and
of decompression-bomb budget), motion that plays by itself bothers readers and breaks WCAG's
"pause, stop, hide" rule, and a clip belongs in a post's video, which has controls.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from livefeed.domain.containers import ImageInfo
from livefeed.domain.errors import Invalid
from livefeed.domain.media import (
    FILE,
    MAX_PIXELS,
    MediaFormat,
    check_pixels,
    rendition_widths,
    scaled_height,
)

# The format each kind of upload is served in: a GIF's first frame becomes a lossless PNG.
OUTPUT = {
    MediaFormat.JPEG: MediaFormat.JPEG,
    MediaFormat.PNG: MediaFormat.PNG,
    MediaFormat.GIF: MediaFormat.PNG,
    MediaFormat.WEBP: MediaFormat.WEBP,
}
_DECODER = {
    MediaFormat.JPEG: "JPEG",
    MediaFormat.PNG: "PNG",
    MediaFormat.GIF: "GIF",
    MediaFormat.WEBP: "WEBP",
}
_TURNED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
_ORIENTATION = 0x0112
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Encoded:
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class Renditions:
    format: MediaFormat
    # The upright picture's full size.
    width: int
    height: int
    files: tuple[Encoded, ...]


def make_renditions(data: bytes, info: ImageInfo, max_pixels: int = MAX_PIXELS) -> Renditions:
    """The picture at each rendition width, upright, in sRGB, without any of its metadata."""
    fmt = OUTPUT[info.format]
    try:
        with warnings.catch_warnings():
            # Pillow's own decompression-bomb check warns before it refuses: both refuse here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_DECODER[info.format]]) as opened:
                check_pixels(opened.width, opened.height, max_pixels)
                width, height, picture = _upright(opened)
                picture = _in_srgb(picture, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid.field(
            FILE,
            "the picture has more pixels than the %(megapixels)g megapixels taken",
            megapixels=max_pixels / 1e6,
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, EOFError, SyntaxError, struct.error):
        raise Invalid.field(
            FILE,
            "could not be read as a %(kind)s picture: it is damaged",
            kind=info.format.label,
        ) from None
    files = tuple(
        _encode(picture, fmt, size, scaled_height(width, height, size))
        for size in rendition_widths(width)
    )
    return Renditions(fmt, width, height, files)


def _upright(opened: Image.Image) -> tuple[int, int, Image.Image]:
    """The upright picture's full size, and its first frame decoded and turned upright.

    A JPEG is decoded straight at the smallest scale (1/2, 1/4, 1/8) that still covers the
    largest rendition: a fraction of the time and memory for a camera's full frame.
    """
    orientation = opened.getexif().get(_ORIENTATION, 1)
    turned = orientation in _TURNED
    width, height = (opened.height, opened.width) if turned else opened.size
    if opened.format == "JPEG":
        scale = rendition_widths(width)[-1] / width
        least = (math.ceil(opened.width * scale), math.ceil(opened.height * scale))
        opened.draft(opened.mode, least)
    opened.load()
    return width, height, ImageOps.exif_transpose(opened)


def _in_srgb(picture: Image.Image, fmt: MediaFormat) -> Image.Image:
    """RGB (RGBA where there is transparency a format can keep), converted to sRGB from the
    picture's own colour profile if it has one, so that dropping the profile changes nothing."""
    alpha = fmt is not MediaFormat.JPEG and (
        picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info
    )
    target = "RGBA" if alpha else "RGB"
    profile = picture.info.get("icc_profile")
    if profile and picture.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(picture, source, _SRGB, outputMode=target)
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken profile: take the pixels as sRGB already
        if converted is not None:
            return converted
    return picture if picture.mode == target else picture.convert(target)


def _encode(picture: Image.Image, fmt: MediaFormat, width: int, height: int) -> Encoded:
    if picture.size == (width, height):
        sized = picture.copy()
    else:
        sized = picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Pillow writes some of ``info`` back by default (a PNG's colour profile, say): empty it,
    # so each file holds the pixels and nothing else.
    sized.info = {}
    buffer = io.BytesIO()
    if fmt is MediaFormat.JPEG:
        sized.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt is MediaFormat.PNG:
        sized.save(buffer, "PNG", compress_level=6)
    else:
        sized.save(buffer, "WEBP", quality=85, method=4)
    return Encoded(width, height, buffer.getvalue())
