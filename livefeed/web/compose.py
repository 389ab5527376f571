"""The post form: what was typed, what is wrong with it, and an optional preview.

A form that fails keeps every value typed and shows each message next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from livefeed.domain.posts import Post

POST_FIELDS = (
    "headline",
    "body",
    "quote.text",
    "quote.attribution",
    "image.url",
    "image.caption",
    "image.credit",
    "image.alt",
    "read_more.url",
    "read_more.title",
    "read_more.summary",
    "read_more.image_url",
    "video.url",
    "tags",
)
POST_FLAGS = ("key_event", "pinned")


@dataclass
class PostForm:
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    preview_html: str | None = None
    version: int | None = None

    def value(self, name: str) -> str:
        found = self.values.get(name, "")
        if isinstance(found, list | tuple):
            return ", ".join(str(item) for item in found)
        return "" if isinstance(found, bool) else str(found)

    def checked(self, name: str) -> bool:
        return self.values.get(name) in (True, "on")


def blank() -> PostForm:
    return PostForm()


def from_form(form: FormData) -> dict[str, object]:
    """The post fields from a submitted form, flags as booleans."""
    values: dict[str, object] = {}
    for name in POST_FIELDS:
        raw = form.get(name, "")
        values[name] = raw if isinstance(raw, str) else ""
    for name in POST_FLAGS:
        values[name] = form.get(name) == "on"
    return values


def from_post(post: Post) -> PostForm:
    return PostForm(values=post.as_fields(), version=post.version)
