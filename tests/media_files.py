"""Files for upload tests, made here: real pictures from Pillow, real videos from Debian's
ffmpeg, and crafted ones that lie.

Pictures are noisy rather than flat, so that a re-encoding that dropped or garbled pixels
would not go unnoticed, and each can carry EXIF (an orientation, a GPS position) and a
colour profile. Videos carry the tags a phone writes: where it was, and a title.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import tempfile
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageCms

from tests.conftest import missing_service

GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # Paris
PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def picture(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Noise over a gradient: left half reddish, right half bluish (to tell mirrored pictures)."""
    noise = Image.effect_noise((width, height), 40).convert("L")
    red = Image.new("L", (width, height), 0)
    red.paste(220, (0, 0, width // 2, height))
    blue = Image.new("L", (width, height), 0)
    blue.paste(220, (width // 2, 0, width, height))
    image = Image.merge("RGB", (red, noise, blue))
    if mode == "RGBA":  # see-through towards the bottom
        image.putalpha(Image.linear_gradient("L").rotate(180).resize((width, height)))
        return image
    return image.convert(mode) if mode != "RGB" else image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg(
    width: int = 1200,
    height: int = 800,
    *,
    gps: bool = False,
    orientation: int | None = None,
    profile: bool = False,
) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera Maker"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    options: dict[str, object] = {"exif": exif, "quality": 90}
    if profile:
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        options["icc_profile"] = srgb.tobytes()
    return encode(picture(width, height), "JPEG", **options)


def png(width: int = 800, height: int = 600, mode: str = "RGB") -> bytes:
    return encode(picture(width, height, mode), "PNG")


def gif(width: int = 300, height: int = 200, frames: int = 1) -> bytes:
    shots = [picture(width, height).rotate(30 * i).convert("P") for i in range(frames)]
    return encode(shots[0], "GIF", save_all=frames > 1, append_images=shots[1:], loop=0)


def webp(width: int = 1000, height: int = 500) -> bytes:
    return encode(picture(width, height, "RGBA"), "WEBP", quality=80)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A small, well-formed PNG whose header claims ``width`` × ``height``: its few bytes of
    pixels would decode to gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def mp4(size: int = 4096) -> bytes:
    """An MP4's ftyp box, then padding: enough for its container signature."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
    return ftyp + struct.pack(">I4s", size - 24, b"mdat") + bytes(size - 32)


def mp4_signature_then_zeros(zeros: int) -> bytes:
    """Twelve bytes that say "MP4", and nothing after them: no video at all."""
    return struct.pack(">I4s4s", 12, b"ftyp", b"isom") + bytes(zeros)


def webm(size: int = 4096) -> bytes:
    """A WebM's EBML header (DocType "webm"), then padding."""
    header = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581")
    return header + b"\x02" + bytes(size - len(header) - 1)


PARIS = "+48.8566+002.3522/"
# What a phone's clip says about itself, and what none of it may keep once uploaded.
PHONE_TAGS = {"location": PARIS, "title": "secret"}
_CODECS = {
    "mp4": ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    "webm": ["-c:v", "libvpx-vp9", "-c:a", "libopus"],
}


def need_ffmpeg() -> None:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        missing_service("ffmpeg is not installed (Debian's ffmpeg package)")


@cache
def video(ext: str = "mp4", *, seconds: int = 1, tagged: bool = True) -> bytes:
    """A real clip with a test picture and a tone, tagged like a phone's when ``tagged``."""
    need_ffmpeg()
    tags = [arg for key, value in PHONE_TAGS.items() for arg in ("-metadata", f"{key}={value}")]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"clip.{ext}"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error",
             "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=64x64:rate=5",
             "-f", "lavfi", "-i", f"sine=duration={seconds}",
             *(tags if tagged else []), *_CODECS[ext], "-shortest", str(target)],
            check=True, timeout=60,
        )  # fmt: skip
        return target.read_bytes()


def probe(data: bytes) -> dict[str, Any]:
    """What ffprobe reads in a stored video: its container's tags, its streams, its length."""
    need_ffmpeg()
    with tempfile.NamedTemporaryFile() as file:
        file.write(data)
        file.flush()
        found = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
             file.name],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    report: dict[str, Any] = json.loads(found.stdout)
    return report


def stored_files(root: Path) -> set[str]:
    """The names in the media folder, our own temporary files included."""
    return {path.name for path in root.iterdir()} if root.exists() else set()


_SOUND_CODECS = {
    "mp3": ["-c:a", "libmp3lame"],
    "m4a": ["-c:a", "aac"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
    "wav": ["-c:a", "pcm_s16le"],
}


@cache
def audio(ext: str = "mp3", *, seconds: int = 1, cover: bool = False) -> bytes:
    """A real sound clip of a tone, tagged with a title and an artist, with a cover picture
    too when ``cover`` (an MP3's ID3 tag may carry one)."""
    need_ffmpeg()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"clip.{ext}"
        picture = Path(folder) / "cover.png"
        if cover:
            Image.new("RGB", (16, 16), "red").save(picture)
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error",
             "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
             *(["-i", str(picture), "-map", "0:a", "-map", "1:v", "-c:v", "png",
                "-disposition:v", "attached_pic"] if cover else []),
             "-metadata", "title=secret", "-metadata", f"location={PARIS}",
             *_SOUND_CODECS[ext], str(target)],
            check=True, timeout=60,
        )  # fmt: skip
        return target.read_bytes()


def sound_tags(path: Path) -> dict[str, object]:
    """What ffprobe reads in a stored clip: the container's and each track's tags, and the
    kinds of its tracks."""
    report = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    parsed = json.loads(report)
    tags: dict[str, object] = dict(parsed["format"].get("tags") or {})
    for stream in parsed["streams"]:
        tags.update(stream.get("tags") or {})
    tags["tracks"] = [stream["codec_type"] for stream in parsed["streams"]]
    return tags
