"""A newsroom with something of everything in it, made through the use cases an editor's day
goes by: the desk's pages are checked full, since an empty table fits any screen.

``fill_newsroom`` makes it on a browser test's server; ``addresses`` gives the pages to visit,
by route, their path parameters filled from what was made.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from livefeed.access import tokens, users
from livefeed.discussion import bans, moderation
from livefeed.discussion import comments as discussion
from livefeed.distribution import webhooks
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import Comment, RejectReason
from livefeed.domain.posts import PostState
from livefeed.domain.users import Role, User
from livefeed.newsroom import invitations, media, publishing, team, workflow
from livefeed.services import Services
from tests import media_files as files
from tests.browser.conftest import LiveServer
from tests.factories import make_feed, make_moderator, make_post, make_user

ADDRESS = "198.51.100.23"
# Long, as real ones are: a name the header must not cut to "Ad…", a title that must wrap.
ADMIN_NAME = "Adaeze Okonkwo-Villanueva"
TITLE = "Ceasefire talks in Geneva: the night the delegations came back to the table"
LONG_LINK = "https://example.org/reports/" + "geneva-ceasefire-" * 6


@dataclass
class Newsroom:
    """What the test made, to fill the routes' path parameters with."""

    admin: User
    slug: str
    published: int
    draft: int
    contribution: int
    scheduled: int
    reported: int
    featurable: int
    media_id: int
    invitation: str


def comment(svc: Services, slug: str, who: User | None, body: str, name: str = "") -> Comment:
    fields = {"body": body, "accept_standards": "on", "name": name}
    return discussion.post_comment(svc, who, slug, fields, address=ADDRESS)


def fill_newsroom(server: LiveServer) -> Newsroom:
    """An administrator who edits a busy feed, through the use cases an editor's day goes by."""
    svc, slug = server.svc, server.slug
    admin = make_user(svc, server.email("adaeze@newsroom.test"), Role.ADMIN, ADMIN_NAME)
    # Readers' comments show at once, to be reported and featured; guests' wait for review.
    make_feed(
        svc,
        admin,
        slug=slug,
        title=TITLE,
        lead=f"Follow the talks as they happen; the agenda is at {LONG_LINK}",
        discussion="guests",
        moderation="post",
    )
    anna = server.editor
    team.set_member(svc, admin, slug, anna.email, FeedRole.CONTRIBUTOR)
    make_moderator(svc, slug, server.email("mo@newsroom.test"))
    invited = invitations.invite(
        svc, admin, server.email("newcomer@newsroom.test"), feed_slug=slug, role="contributor"
    )

    # Corrected, so that its edit page lists its revisions.
    published = make_post(svc, admin, slug, headline="Delegations return", body=LONG_LINK)
    publishing.edit_post(
        svc,
        admin,
        slug,
        published.id,
        {"headline": "Delegations return after midnight", "body": LONG_LINK},
        seen_version=published.version,
        correction=True,
        correction_note="The delegations came back after midnight, not before.",
    )
    make_post(svc, admin, slug, headline="Statement expected at dawn", body="Stay with us.")
    words = {"headline": "Overnight: what we know so far", "body": "A summary. " * 20}
    draft = workflow.start_post(svc, admin, slug, words, state=PostState.DRAFT)
    contribution = workflow.start_post(
        svc,
        anna,
        slug,
        {"headline": "Crowds gather at the Palais des Nations", "body": LONG_LINK},
        state=PostState.SUBMITTED,
    )
    soon = workflow.When((svc.clock() + timedelta(days=1)).isoformat())
    scheduled = workflow.start_post(
        svc,
        admin,
        slug,
        {"headline": "Press conference, live", "body": "At nine."},
        state=PostState.SCHEDULED,
        publish_at=soon,
    )

    rita = make_user(svc, server.email("rita@readers.test"), name="Rita Margarethe Oyelaran")
    sam = make_user(svc, server.email("sam@readers.test"), name="Samuel Abernathy-Kowalczyk")
    reported = comment(svc, slug, rita, f"Is this the source? {LONG_LINK}")
    discussion.report_comment(
        svc, sam, reported.id, {"reason": "misinformation", "note": "Not the source."},
        address=ADDRESS,
    )  # fmt: skip
    featurable = comment(svc, slug, sam, "The mood outside is hopeful tonight.")
    banned_for = comment(svc, slug, rita, "Buy cheap watches " + LONG_LINK)
    bans.ban_author(
        svc, admin, banned_for.id, {"length": "7d", "scope": "feed", "reason": "Spam, again"}
    )
    comment(svc, slug, None, f"A guest's question: {LONG_LINK}", name="Guest Reader")
    rejected = comment(svc, slug, None, "Off topic", name="Another Guest Reader")
    moderation.reject(svc, admin, rejected.id, RejectReason.SPAM)

    tokens.create(
        svc,
        admin,
        admin.email,
        name="Wire importer for the overnight desk",
        feeds=[slug],
        role="contributor",
        expires="30d",
    )
    dan = make_user(svc, server.email("dan@newsroom.test"), name="Dan Departed")
    users.disable(svc, admin, dan.email)
    picture = files.png(600, 400)
    uploaded = media.upload(
        svc,
        admin,
        media.Incoming("hall.png", io.BytesIO(picture), len(picture)),
        "The conference hall from the press gallery",
        slug,
    )
    # A webhook with a long address and a delivery, for the webhooks page.
    hook = webhooks.register(svc, admin, LONG_LINK, events=["comment.approved", "post.published"])
    webhooks.send_test(svc, admin, hook.webhook.id)
    return Newsroom(
        admin=admin,
        slug=slug,
        published=published.id,
        draft=draft.id,
        contribution=contribution.id,
        scheduled=scheduled.id,
        reported=reported.id,
        featurable=featurable.id,
        media_id=uploaded.media.id,
        invitation=invited.url.split("/invitations/", 1)[1],
    )


def addresses(made: Newsroom) -> dict[str, list[str]]:
    """The pages to visit, by route: its path parameters filled from what the test made, a
    route more than once where its page differs by what it shows (a draft, a contribution)."""
    slug = made.slug
    post = f"/feeds/{slug}/posts/{made.published}"
    desk_post = f"/desk/feeds/{slug}/posts"
    return {
        "/desk": ["/desk"],
        "/desk/feeds/new": ["/desk/feeds/new"],
        "/desk/feeds/{slug}/edit": [f"/desk/feeds/{slug}/edit"],
        "/desk/feeds/{slug}/end": [f"/desk/feeds/{slug}/end"],
        "/desk/feeds/{slug}/team": [f"/desk/feeds/{slug}/team"],
        "/desk/feeds/{slug}/contributions": [f"/desk/feeds/{slug}/contributions"],
        "/desk/feeds/{slug}/mine": [f"/desk/feeds/{slug}/mine"],
        "/desk/feeds/{slug}/posts/{post_id}": [
            f"{desk_post}/{made.draft}",
            f"{desk_post}/{made.contribution}",
            f"{desk_post}/{made.scheduled}",
        ],
        "/feeds/{slug}/posts/{post_id}/edit": [f"{post}/edit"],
        "/feeds/{slug}/posts/{post_id}/delete": [f"{post}/delete"],
        "/feeds/{slug}/posts/{post_id}/retract": [f"{post}/retract"],
        "/desk/tokens": ["/desk/tokens"],
        "/desk/users": ["/desk/users"],
        "/desk/audit": ["/desk/audit"],
        "/desk/webhooks": ["/desk/webhooks"],
        "/password-reset": ["/password-reset", "/password-reset?sent=1"],
        "/desk/standards": ["/desk/standards"],
        "/desk/blocked-words": ["/desk/blocked-words"],
        "/desk/media": ["/desk/media"],
        "/desk/media/{media_id}/delete": [f"/desk/media/{made.media_id}/delete"],
        "/moderation": ["/moderation", "/moderation?tab=reported", "/moderation?tab=decided"],
        "/feeds/{slug}/moderation": [f"/feeds/{slug}/moderation"],
        "/moderation/comments/{comment_id}/ban": [f"/moderation/comments/{made.featurable}/ban"],
        "/moderation/comments/{comment_id}/feature": [
            f"/moderation/comments/{made.featurable}/feature"
        ],
        "/moderation/bans": ["/moderation/bans"],
        "/comments/{comment_id}/report": [f"/comments/{made.reported}/report"],
        "/account": ["/account"],
        "/account/delete": ["/account/delete"],
        "/account/deleted": ["/account/deleted"],
        "/invitations/{token}": [f"/invitations/{made.invitation}"],
        "/community-standards": ["/community-standards"],
        "/feeds/{slug}/community-standards": [f"/feeds/{slug}/community-standards"],
    }
