"""The public shape of comments: their address and JSON, as ``resources`` is for feeds and posts.

The same JSON goes to the API and into the feed's event log, so a script and a reader's open
page see the same fields. A reader's email address is never part of it, nor, outside the
moderators' view, why a comment was held or who decided on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from livefeed.distribution.resources import Urls
from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.times import iso_utc


def discussion_path(urls: Urls, slug: str) -> str:
    return f"{urls.feed_path(slug)}/discussion"


def comment_url(urls: Urls, slug: str, comment_id: int) -> str:
    return f"{urls.origin}{discussion_path(urls, slug)}#comment-{comment_id}"


def comment_json(
    comment: Comment, slug: str, urls: Urls, *, moderator: bool = False
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": comment.id,
        "feed": slug,
        "parent_id": comment.parent_id,
        "url": comment_url(urls, slug, comment.id),
        "state": comment.state.value,
        "author": {"name": comment.author_name, "guest": comment.guest},
        "body": comment.body,
        "body_html": comment.body_html,
        "created_at": iso_utc(comment.created_at),
    }
    if moderator:
        data |= {
            "hold_reason": comment.hold_reason or None,
            "reports": comment.reports,
            "decided_by": comment.decided_by or None,
            "decided_at": iso_utc(comment.decided_at) if comment.decided_at else None,
            "decision_reason": comment.decision_reason or None,
        }
    return data


def taken_down_json(comment: Comment) -> dict[str, Any]:
    """What the log keeps of a comment readers no longer see: which one, and nothing it said."""
    return {"id": comment.id, "parent_id": comment.parent_id}


def comment_from_json(data: dict[str, Any], feed_id: int) -> Comment | None:
    """The comment an event shows, read back from its JSON to render it; ``None`` once its
    words have been taken out of the log (see :func:`taken_down_json`)."""
    if "body" not in data:
        return None
    moment = datetime.fromisoformat(data["created_at"].replace("Z", "+00:00"))
    return Comment(
        id=data["id"],
        feed_id=feed_id,
        parent_id=data["parent_id"],
        author_id=None,
        author_name=data["author"]["name"],
        guest=data["author"]["guest"],
        body=data["body"],
        state=CommentState(data["state"]),
        hold_reason="",
        reports=0,
        created_at=moment,
        updated_at=moment,
    )
