"""Emails to the newsroom's own people about work waiting for them, for those who asked.

An editor may choose to be told when a contribution is sent to their feed's queue, and a
moderator when a reader reports a comment on their feed (admins, who hold every right, when
either happens anywhere). Each notice is written to the mail outbox in the transaction of
what it tells of, so none is sent for something rolled back, and none holds up the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from livefeed.distribution import mail
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import N_
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.domain.users import User
from livefeed.languages.catalogs import _
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import members

# Every notice ends saying why it came, so no one wonders how to stop it.
_WHY = N_("You are told because you asked to be, on your account page.")


@dataclass(frozen=True)
class Preferences:
    contributions: bool
    reports: bool


def preferences(svc: Services, user: User) -> Preferences:
    with svc.db.read() as conn:
        contributions, reports = account_store.mail_preferences(conn, user.id)
    return Preferences(contributions, reports)


def set_preferences(svc: Services, user: User, *, contributions: bool, reports: bool) -> None:
    with svc.db.write() as conn:
        account_store.set_mail_preferences(
            conn, user.id, contributions=contributions, reports=reports
        )


def contribution_waiting(
    svc: Services, conn: Connection, feed: Feed, post: Post, author: User
) -> None:
    """Tell the feed's editors who asked that ``post`` waits in the Contributions queue."""
    wanting = members.asking_for_mail(
        conn, feed.id, frozenset({FeedRole.EDITOR}), "notify_contributions"
    )
    queue = f"{svc.urls.origin}/desk/feeds/{feed.slug}/contributions"
    for email, _name in wanting:
        if email == author.email:
            continue
        with mail.speaking_to(None):
            title = post.headline or _("an update without a headline")
            body = "\n\n".join((
                _(
                    "%(name)s sent “%(title)s” to “%(feed)s”; it waits for an editor in the "
                    "Contributions queue:",
                    name=author.display_name, title=title, feed=feed.title,
                ),
                queue,
                _(_WHY),
            ))  # fmt: skip
            subject = _("A contribution waits: %(title)s", title=title)
        mail.queue(svc, conn, email, subject, body)


def comment_reported(svc: Services, conn: Connection, feed: Feed, comment_id: int) -> None:
    """Tell the feed's moderators and editors who asked that a comment was reported."""
    wanting = members.asking_for_mail(
        conn, feed.id, frozenset({FeedRole.MODERATOR, FeedRole.EDITOR}), "notify_reports"
    )
    queue = f"{svc.urls.origin}/moderation?tab=reported"
    for email, _name in wanting:
        with mail.speaking_to(None):
            body = "\n\n".join((
                _(
                    "A reader reported comment %(id)s on “%(feed)s”. The moderation queue has it:",
                    id=comment_id, feed=feed.title,
                ),
                queue,
                _(_WHY),
            ))  # fmt: skip
            subject = _("A comment was reported on %(feed)s", feed=feed.title)
        mail.queue(svc, conn, email, subject, body)
