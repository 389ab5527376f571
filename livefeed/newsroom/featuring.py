"""Featuring a reader's comment in the feed, as a quote post with their name.

The post is published by :func:`publishing.publish_post`, like any other: readers see it live,
the event log and the audit log have it. Its quote is the comment's text, word for word; the
attribution is the reader's display name ("Sam, in the discussion"), never their address.

Two editors featuring the same comment at once would make two posts, so the comment is first
claimed (a row the database lets only one editor write), then the post is published, then the
claim names its post. A publish that fails lets go of the claim.
"""

from __future__ import annotations

from collections.abc import Mapping

from livefeed.access import audit
from livefeed.access.permissions import require_right
from livefeed.domain.access import Right
from livefeed.domain.comments import Comment
from livefeed.domain.errors import Conflict
from livefeed.domain.moderation_queue import FeedRef
from livefeed.domain.posts import Post
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import comments as comment_store
from livefeed.store import feeds as feed_store
from livefeed.store import moderation_queue as store

DEFAULT_HEADLINE = "From the discussion"


def attribution(comment: Comment) -> str:
    return f"{comment.author_name}, in the discussion"


def feature_target(svc: Services, actor: User | None, comment_id: int) -> tuple[Comment, FeedRef]:
    """The comment an editor is about to feature, with its feed, for the form; only for those
    who may publish in its feed."""
    with svc.db.read() as conn:
        comment = comment_store.require_comment(conn, comment_id)
        require_right(conn, actor, comment.feed_id, Right.PUBLISH)
        feed = feed_store.require_feed_by_id(conn, comment.feed_id)
    return comment, FeedRef(feed.id, feed.slug, feed.title)


def feature_comment(
    svc: Services, actor: User | None, comment_id: int, fields: Mapping[str, object]
) -> Post:
    """Publish ``comment_id`` as a quote post. ``fields`` may give the post's ``headline``
    (:data:`DEFAULT_HEADLINE` otherwise), a ``body`` to introduce it, ``key_event``, ``tags``.
    Only a comment readers can see may be featured, and only once."""
    with svc.db.write() as conn:
        comment = comment_store.require_comment(conn, comment_id)
        editor = require_right(conn, actor, comment.feed_id, Right.PUBLISH)
        if not comment.is_visible:
            raise Conflict("only a comment readers can see can be featured: approve it first")
        feed = feed_store.require_feed_by_id(conn, comment.feed_id)
        post_fields = _post_fields(comment, fields)
        # The editor's words are checked before anything is claimed.
        publishing.preview_post(svc, post_fields, language=feed.language)
        store.claim_feature(conn, comment.id, by=editor.id, now=svc.clock())
    try:
        post = publishing.publish_post(svc, editor, feed.slug, post_fields)
    except BaseException:
        with svc.db.write() as conn:
            store.drop_claim(conn, comment.id)
        raise
    with svc.db.write() as conn:
        store.complete_feature(conn, comment.id, post.id)
        audit.record(
            svc, conn, editor, "comment.featured", f"comment {comment.id} by {comment.author_name}",
            feed_id=feed.id, post_id=post.id, comment_id=comment.id,
        )  # fmt: skip
    return post


def _post_fields(comment: Comment, fields: Mapping[str, object]) -> dict[str, object]:
    headline = fields.get("headline")
    given = isinstance(headline, str) and headline.strip()
    return {
        "headline": headline if given else DEFAULT_HEADLINE,
        "body": fields.get("body") or "",
        "quote.text": comment.body,
        "quote.attribution": attribution(comment),
        "tags": fields.get("tags") or "",
        "key_event": fields.get("key_event") or "",
    }
