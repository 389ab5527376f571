"""The post form: what was typed, what is wrong with it, and an optional preview.

A form that fails keeps every value typed and shows each message next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from starlette.datastructures import FormData

from livefeed.distribution.resources import Urls
from livefeed.domain.posts import Post, PostState
from livefeed.newsroom.workflow import When
from livefeed.web.forms import text, typed

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
    "video.alt",
    "embed.url",
    "audio.url",
    "audio.start",
    "audio.transcript",
    "tags",
    "image.source_type",
    "verification",
    "source_type",
    "sourcing",
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
    values: dict[str, object] = dict(typed(form, POST_FIELDS))
    for name in POST_FLAGS:
        values[name] = form.get(name) == "on"
    values["publish_at"] = text(form, "publish_at")
    return values


def from_post(post: Post) -> PostForm:
    return PostForm(values=post.as_fields(), version=post.version)


# The compose form's buttons (see domain/workflow.py): publish at once, schedule, keep as a
# draft, or send to the editors. A form from before these buttons existed publishes.
INTENTS = {
    "publish": PostState.PUBLISHED,
    "schedule": PostState.SCHEDULED,
    "draft": PostState.DRAFT,
    "submit": PostState.SUBMITTED,
}


def intended(form: FormData) -> tuple[PostState, When | None]:
    """The state a new post is asked for, and its time (typed in the feed's zone) if scheduled."""
    state = INTENTS.get(text(form, "intent"), PostState.PUBLISHED)
    when = When(form.get("publish_at", ""), local=True) if state is PostState.SCHEDULED else None
    return state, when


def after_writing(urls: Urls, slug: str, post: Post) -> str:
    """Where the desk goes once a post is written: to it, wherever it now is. A scheduled post
    is listed on the feed page itself, so the editor stays on the feed."""
    if post.state is PostState.PUBLISHED:
        return f"{urls.feed_path(slug)}#post-{post.id}"
    if post.state is PostState.SCHEDULED:
        return f"{urls.feed_path(slug)}#scheduled-post-{post.id}"
    return f"/desk/feeds/{quote(slug)}/mine#post-{post.id}"
