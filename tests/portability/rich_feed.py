"""A feed with every kind of content, made through the use cases as a newsroom would make it:
posts in every state, edits, a correction, a retraction, a deletion, tags, key events, the pin,
an uploaded picture and video, a quote, a Read more card, a team, comments in every state with
replies and reports, and a featured comment."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import timedelta

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.comments import Reason
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import featuring, media, publishing, workflow
from livefeed.newsroom.media import Incoming
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from tests import media_files as files
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_moderator, make_user

ADDRESS = "198.51.100.7"


@dataclass(frozen=True)
class Rich:
    editor: User
    slug: str


def upload(svc: Services, actor: User, data: bytes, name: str, alt: str) -> media.Uploaded:
    """In a real file, as the faces hand uploads over (ffprobe reads a video from one)."""
    with tempfile.TemporaryFile() as file:
        file.write(data)
        file.seek(0)
        return media.upload(svc, actor, Incoming(name, file, len(data)), alt, "summit")


def comment(svc: Services, clock: Clock, who: User | None, body: str, **extra: str) -> int:
    clock.advance(200)
    fields = {"body": body, "accept_standards": "on", **extra}
    if who is None:
        fields["name"] = "A guest"
    return discussion.post_comment(svc, who, "summit", fields, address=ADDRESS).id


def make_rich_feed(svc: Services, clock: Clock, editor: User, *, video: bool = True) -> Rich:
    make_feed(
        svc,
        editor,
        audio_stream_url="https://radio.example/live.mp3",
        discussion="guests",
        moderation="pre",
    )
    carl = make_contributor(svc)
    mo = make_moderator(svc)
    picture = upload(svc, editor, files.jpeg(1800, 1200), "hall.jpg", "The hall, from above")
    publishing.publish_post(
        svc, editor, "summit",
        {"headline": "Leaders arrive", "body": "The *first* motorcade.", "tags": ["arrivals"],
         "key_event": True, "image.url": picture.url, "image.alt": "The hall, from above",
         "image.caption": "The hall at 9am", "image.credit": "Ana Photo"},
    )  # fmt: skip
    clock.advance()
    quoted = publishing.publish_post(
        svc, editor, "summit",
        {"headline": "The host speaks", "quote.text": "We are ready.",
         "quote.attribution": "The host", "pinned": True,
         "read_more.url": "https://news.example/story", "read_more.title": "The full story",
         "read_more.summary": "Everything so far."},
    )  # fmt: skip
    clock.advance()
    corrected = publishing.publish_post(
        svc, editor, "summit", {"headline": "Talks start at 10", "body": "Ten o'clock."}
    )
    clock.advance()
    publishing.edit_post(
        svc, editor, "summit", corrected.id,
        {"headline": "Talks start at 11", "body": "Eleven o'clock."},
        seen_version=corrected.version, correction=True, correction_note="The time was wrong.",
    )  # fmt: skip
    clock.advance()
    edited = publishing.edit_post(
        svc, editor, "summit", quoted.id,
        {**quoted.as_fields(), "body": "Said at the door."}, seen_version=quoted.version,
    )  # fmt: skip
    assert edited.version == 2
    clock.advance()
    retracted = publishing.publish_post(svc, editor, "summit", {"headline": "A walkout"})
    clock.advance()
    publishing.retract_post(svc, editor, "summit", retracted.id, "It did not happen.")
    clock.advance()
    gone = publishing.publish_post(svc, editor, "summit", {"headline": "Posted twice"})
    clock.advance()
    publishing.delete_post(svc, editor, "summit", gone.id)
    clock.advance()
    workflow.start_post(
        svc, editor, "summit", {"body": "A draft, one line."}, state=PostState.DRAFT
    )
    clock.advance()
    contribution = workflow.start_post(
        svc, carl, "summit", {"headline": "From the floor"}, state=PostState.SUBMITTED
    )
    workflow.update_post(
        svc, editor, "summit", contribution.id, state=PostState.DRAFT, note="Add a source"
    )
    clock.advance()
    later = (clock.now + timedelta(hours=3)).isoformat()
    workflow.start_post(
        svc, editor, "summit", {"headline": "Evening wrap"},
        state=PostState.SCHEDULED, publish_at=When(later),
    )  # fmt: skip
    if video:
        clip = upload(svc, editor, files.video(), "clip.mp4", "The motorcade, moving")
        clock.advance()
        publishing.publish_post(
            svc, editor, "summit",
            {"headline": "On video", "video.url": clip.url, "video.alt": "The motorcade"},
        )  # fmt: skip
    clock.advance()
    publishing.publish_post(
        svc, editor, "summit",
        {"headline": "Watch", "video.url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
    )  # fmt: skip
    _discussion(svc, clock, editor, mo)
    return Rich(editor, "summit")


def _discussion(svc: Services, clock: Clock, editor: User, mo: User) -> None:
    sam = make_user(svc, "sam@readers.test", name="Sam")
    kim = make_user(svc, "kim@readers.test", name="Kim")
    lee = make_user(svc, "lee@readers.test", name="Lee")
    first = comment(svc, clock, sam, "Great coverage")
    moderation.approve(svc, mo, first)
    reply = comment(svc, clock, kim, "Agreed", parent_id=str(first))
    moderation.approve(svc, mo, reply)
    rejected = comment(svc, clock, kim, "Buy cheap watches")
    moderation.reject(svc, mo, rejected, Reason.SPAM)
    comment(svc, clock, None, "A guest waits")
    hidden = comment(svc, clock, lee, "Not nice")
    moderation.approve(svc, mo, hidden)
    discussion.report_comment(
        svc, sam, hidden, {"reason": "abuse", "note": "Rude"}, address=ADDRESS
    )
    moderation.hide(svc, mo, hidden)
    clock.advance()
    featuring.feature_comment(svc, editor, first, {"headline": "Readers react"})
