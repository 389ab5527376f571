"""Who may use each route: the table ``tests/web/test_permissions.py`` checks, row by row.

Every route of the app needs a row here, keyed by its method and path as the router spells it;
a route without one fails the test. A row names the personas allowed (see ``PERSONAS``), and
may give the body to send (form fields for pages, JSON for the API), path values of its own,
and ``hidden=True`` where a refusal is a 404 on purpose (something one may not see does not
exist, for them).

The world the personas live in (``tests/web/test_permissions.py``, ``build_world``): the feed
"summit", where Carl contributes, Mo moderates and Anna edits; the feed "election", edited by
Anna and by Otto; Olga, a member on no team; Ada, an admin. On pages each persona has a desk
session; on the API, a bearer token of their own. Two more personas exist only on the API:
Anna's token scoped to "election" only, and Anna's token scoped to the contributor role.
On pages, those two send their token and no cookie, and must fare as the anonymous reader does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"  # Olga: signed in, on no team
CONTRIBUTOR = "contributor"  # Carl, on the summit
MODERATOR = "moderator"  # Mo, on the summit
EDITOR = "editor"  # Anna: editor of the summit (and of the election)
OTHER_EDITOR = "other_editor"  # Otto: editor of the election only
ADMIN = "admin"  # Ada
TOKEN_OTHER_FEED = "token_other_feed"  # Anna's token, scoped to the election
TOKEN_CONTRIBUTOR = "token_contributor"  # Anna's token, scoped to the contributor role

PERSONAS = (
    ANONYMOUS, OUTSIDER, CONTRIBUTOR, MODERATOR, EDITOR, OTHER_EDITOR, ADMIN,
    TOKEN_OTHER_FEED, TOKEN_CONTRIBUTOR,
)  # fmt: skip
TOKENS = frozenset({TOKEN_OTHER_FEED, TOKEN_CONTRIBUTOR})

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {ANONYMOUS}
# Rights on the summit.
EDITORS = frozenset({EDITOR, ADMIN})
TEAM_WRITERS = frozenset({CONTRIBUTOR, EDITOR, ADMIN, TOKEN_CONTRIBUTOR})
MODERATORS = frozenset({MODERATOR, EDITOR, ADMIN})
WHOLE_TEAM = frozenset({CONTRIBUTOR, MODERATOR, EDITOR, ADMIN, TOKEN_CONTRIBUTOR})
ADMINS = frozenset({ADMIN})
# Work that belongs to no feed yet: those who edit some feed; those who write for some feed.
EDITS_SOMEWHERE = frozenset({EDITOR, OTHER_EDITOR, ADMIN, TOKEN_OTHER_FEED})
WRITES_SOMEWHERE = EDITS_SOMEWHERE | {CONTRIBUTOR, TOKEN_CONTRIBUTOR}
# The moderation queue: whoever moderates some feed (Otto and his token, on the election).
MODERATES_SOMEWHERE = frozenset({MODERATOR, EDITOR, OTHER_EDITOR, ADMIN, TOKEN_OTHER_FEED})
# Opening a feed: admins and editors of a feed, never through a narrowed token.
OPENERS = frozenset({EDITOR, OTHER_EDITOR, ADMIN})

PASSWORD_WRONG = "not the password at all"


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    # Form fields (pages) or the JSON body (API) to send.
    body: dict[str, Any] | None = None
    # Path values for this route only, over the world's (see ``test_permissions.PATH_VALUES``).
    values: dict[str, str] = field(default_factory=dict)
    # A refusal is a 404 here on purpose; then a 404 is never counted as allowed.
    hidden: bool = False
    # Why the row is what it is, when the code does not make it plain.
    note: str = ""
    # A known way the route falls short of its rule, until it is fixed: the test is then an
    # expected failure, and fails once the route keeps its rule (remove ``gap`` then).
    gap: str = ""


R = Rule
POST = {"headline": "From the permission matrix", "body": "A line."}
CONFIRM = {"verification": "confirmed", "sourcing": "Confirmed by the ministry"}
WIRE_ITEM = {
    "uri": "urn:wire.test:matrix",
    "version": "1",
    "versioncreated": "2026-12-06T12:00:00Z",
    "headlines": [{"value": "From the permission matrix"}],
}

RULES: dict[tuple[str, str], Rule] = {
    # Readers' pages, feeds for apps, search engines: open to all --------------------------------
    ("GET", "/"): R(EVERYONE),
    ("GET", "/feeds/{slug}"): R(EVERYONE),
    ("GET", "/feeds/{slug}/posts/{post_id}"): R(EVERYONE),
    ("GET", "/tags"): R(EVERYONE),
    ("GET", "/tags/{tag}"): R(EVERYONE),
    ("GET", "/feeds/{slug}/embed"): R(EVERYONE),
    ("GET", "/feeds/{slug}/corrections"): R(EVERYONE),
    ("GET", "/feeds/{slug}/corrections.atom"): R(EVERYONE),
    ("GET", "/feeds/{slug}/updates"): R(EVERYONE),
    ("GET", "/feeds/{slug}/events"): R(
        EVERYONE, values={"slug": "archive"}, note="the ended feed: a live one streams forever"
    ),
    # Publish-to-screen beacons come from any reader's page, signed in or not.
    ("POST", "/feeds/{slug}/latency"): R(EVERYONE, body={"latencies": "1.5"}),
    ("GET", "/feeds.{format}"): R(EVERYONE),
    ("GET", "/feeds/{slug}/feed.{format}"): R(EVERYONE),
    ("GET", "/feeds/{slug}/key-events.{format}"): R(EVERYONE),
    ("GET", "/tags/{tag}/feed.{format}"): R(EVERYONE),
    ("GET", "/robots.txt"): R(EVERYONE),
    # What a load balancer and Prometheus ask: the health checks for anyone; the metrics for
    # the bearer of LIVEFEED_METRICS_TOKEN alone, and not there at all without one.
    ("GET", "/favicon.ico"): R(EVERYONE),
    ("GET", "/healthz"): R(EVERYONE),
    ("GET", "/readyz"): R(EVERYONE),
    ("GET", "/metrics"): R(frozenset(), hidden=True, note="no persona holds the metrics token"),
    ("GET", "/sitemap.xml"): R(EVERYONE),
    ("GET", "/sitemap-news.xml"): R(EVERYONE),
    ("GET", "/sitemaps/feeds-{block:int}.xml"): R(EVERYONE),
    ("GET", "/sitemaps/posts-{block:int}.xml"): R(EVERYONE),
    ("GET", "/s/{code}"): R(EVERYONE),
    ("GET", "/media/{name}"): R(EVERYONE),
    ("GET", "/community-standards"): R(EVERYONE),
    # The scripts' words, and a social post's original (its own page, framed by ours).
    ("GET", "/words/{name:str}"): R(EVERYONE, values={"name:str": "ru.json"}),
    ("GET", "/embeds/{embed_id:int}/original"): R(EVERYONE, values={"embed_id:int": "1"}),
    # Readers' alerts: a browser subscribes with no account; unsubscribing takes its secret.
    ("GET", "/sw.js"): R(EVERYONE),
    ("GET", "/alerts/key"): R(EVERYONE),
    ("POST", "/feeds/{slug}/alerts"): R(EVERYONE, note="JSON from the page's script only"),
    ("POST", "/feeds/{slug}/alerts/unsubscribe"): R(EVERYONE, note="JSON: endpoint and auth"),
    ("GET", "/feeds/{slug}/community-standards"): R(EVERYONE),
    # Signing in and out, signing up, invitations ------------------------------------------------
    ("GET", "/login"): R(EVERYONE),
    ("POST", "/login"): R(
        EVERYONE, body={"email": "nobody@newsroom.test", "password": PASSWORD_WRONG}
    ),
    ("POST", "/logout"): R(EVERYONE, body={}),
    ("GET", "/signup"): R(EVERYONE),
    ("POST", "/signup"): R(EVERYONE, body={"email": "", "display_name": "", "password": ""}),
    ("GET", "/invitations/{token}"): R(EVERYONE),
    ("POST", "/invitations/{token}"): R(
        EVERYONE,
        body={"display_name": "Invited", "password": "correct horse battery staple"},
        note="the link is the key: whoever holds it may use it, once",
    ),
    ("GET", "/password-reset"): R(EVERYONE),
    ("POST", "/password-reset"): R(
        EVERYONE,
        body={"email": "nobody@newsroom.test"},
        note="answers the same for every address, signed in or not",
    ),
    ("GET", "/password-reset/{token}"): R(EVERYONE),
    ("POST", "/password-reset/{token}"): R(
        EVERYONE,
        body={"password": "correct horse battery staple"},
        note="the link is the key: whoever holds it may use it, once",
    ),
    # A signed-in account's own things ----------------------------------------------------------
    ("GET", "/desk"): R(SIGNED_IN),
    ("GET", "/account"): R(SIGNED_IN),
    ("POST", "/account/name"): R(SIGNED_IN, body={"display_name": ""}),
    ("POST", "/account/password"): R(
        SIGNED_IN, body={"current_password": PASSWORD_WRONG, "password": "x"}
    ),
    ("POST", "/account/notifications"): R(SIGNED_IN, body={"notify_reports": "on"}),
    ("POST", "/account/language"): R(SIGNED_IN, body={"language": "ru"}),
    ("GET", "/account/data"): R(SIGNED_IN),
    ("POST", "/account/standards"): R(SIGNED_IN, body={}),
    ("GET", "/account/delete"): R(SIGNED_IN),
    ("POST", "/account/delete"): R(SIGNED_IN, body={"password": PASSWORD_WRONG}),
    ("GET", "/account/deleted"): R(EVERYONE),
    ("GET", "/desk/webhooks"): R(ADMINS),
    ("POST", "/desk/webhooks"): R(ADMINS, body={"url": "https://93.184.216.34/matrix"}),
    ("POST", "/desk/webhooks/{webhook_id}/test"): R(ADMINS, body={}),
    ("POST", "/desk/webhooks/{webhook_id}/pause"): R(ADMINS, body={}),
    ("POST", "/desk/webhooks/{webhook_id}/resume"): R(ADMINS, body={}),
    ("POST", "/desk/webhooks/{webhook_id}/remove"): R(ADMINS, body={}),
    ("GET", "/desk/tokens"): R(SIGNED_IN),
    ("POST", "/desk/tokens"): R(SIGNED_IN, body={"name": "matrix", "expires": "7d"}),
    ("POST", "/desk/tokens/{token_id}/revoke"): R(
        EDITORS, body={}, hidden=True, note="Anna's token: hers to revoke, and any admin's"
    ),
    # Running a feed -----------------------------------------------------------------------------
    ("GET", "/desk/feeds/new"): R(OPENERS),
    ("POST", "/desk/feeds/new"): R(OPENERS, body={"slug": "matrix-feed", "title": "Matrix"}),
    ("GET", "/desk/feeds/{slug}/edit"): R(EDITORS),
    ("POST", "/desk/feeds/{slug}/edit"): R(
        EDITORS, body={"slug": "summit", "title": "Renamed", "timezone": "UTC"}
    ),
    ("GET", "/desk/feeds/{slug}/end"): R(EDITORS),
    ("POST", "/desk/feeds/{slug}/status"): R(EDITORS, body={"status": "ended"}),
    ("POST", "/desk/feeds/{slug}/standards"): R(EDITORS, body={"community_standards": "Be kind."}),
    ("GET", "/desk/feeds/{slug}/team"): R(EDITORS),
    ("POST", "/desk/feeds/{slug}/team"): R(
        EDITORS, body={"which": "add", "email": "spare@newsroom.test", "role": "moderator"}
    ),
    ("POST", "/desk/feeds/{slug}/team/remove"): R(EDITORS, body={"email": "carl@newsroom.test"}),
    ("POST", "/desk/feeds/{slug}/team/invite"): R(
        EDITORS, body={"email": "new@newsroom.test", "role": "contributor"}
    ),
    ("POST", "/desk/feeds/{slug}/team/invitations/{invitation_id}/withdraw"): R(
        EDITORS, body={}, note="those who could send it: the feed's editors and admins"
    ),
    # Writing, publishing, editing posts ---------------------------------------------------------
    ("POST", "/feeds/{slug}/posts"): R(EDITORS, body={**POST, "intent": "publish"}),
    ("GET", "/feeds/{slug}/posts/{post_id}/edit"): R(EDITORS),
    ("POST", "/feeds/{slug}/posts/{post_id}/edit"): R(EDITORS, body={**POST, "version": "1"}),
    ("GET", "/feeds/{slug}/posts/{post_id}/delete"): R(EDITORS),
    ("POST", "/feeds/{slug}/posts/{post_id}/delete"): R(EDITORS, body={"version": "1"}),
    ("GET", "/feeds/{slug}/posts/{post_id}/retract"): R(EDITORS),
    ("POST", "/feeds/{slug}/posts/{post_id}/retract"): R(
        EDITORS, body={"reason": "It was wrong.", "version": "1"}
    ),
    ("POST", "/feeds/{slug}/posts/{post_id}/editing"): R(EDITORS, body={}),
    # The newsroom's pulse (the reader count, the queues) is the editors'; whoever writes for
    # the feed may say they are composing.
    ("GET", "/feeds/{slug}/pulse"): R(EDITORS),
    # The desk's list: each signed-in person gets the pulse of the feeds they edit (maybe none).
    ("GET", "/desk/pulse"): R(SIGNED_IN),
    ("POST", "/feeds/{slug}/composing"): R(TEAM_WRITERS, body={}),
    # Confirming is the editors' call: a contributor's attempt is refused and changes nothing.
    ("POST", "/feeds/{slug}/posts/{post_id}/verification"): R(EDITORS, body=CONFIRM),
    ("POST", "/desk/link-card"): R(EDITS_SOMEWHERE, body={"url": "http://127.0.0.1/"}),
    ("POST", "/desk/media"): R(WRITES_SOMEWHERE, body={}),
    ("GET", "/desk/media"): R(WRITES_SOMEWHERE, note="each sees the uploads they may manage"),
    ("GET", "/desk/media/{media_id}/delete"): R(
        frozenset({CONTRIBUTOR, EDITOR, ADMIN}),
        note="Carl's upload for the summit: his, the summit's editors' and any admin's",
    ),
    ("POST", "/desk/media/{media_id}/delete"): R(
        frozenset({CONTRIBUTOR, EDITOR, ADMIN}),
        body={},
        note="once one of them has deleted it, the others are told it is gone (404)",
    ),
    ("GET", "/desk/feeds/{slug}/contributions"): R(EDITORS),
    ("GET", "/desk/feeds/{slug}/mine"): R(TEAM_WRITERS),
    ("GET", "/desk/feeds/{slug}/posts/{post_id}"): R(
        EDITORS | {CONTRIBUTOR},
        values={"post_id": "{submitted}"},
        hidden=True,
        note="Carl's contribution: his, and the editors'",
    ),
    ("POST", "/desk/feeds/{slug}/posts/{post_id}"): R(
        EDITORS,
        values={"post_id": "{submitted}"},
        hidden=True,
        body={**POST, "intent": "save"},
        note="a contribution waiting for the editors is theirs to change; Carl takes it back first",
    ),
    ("POST", "/desk/feeds/{slug}/posts/{post_id}/move"): R(
        EDITORS,
        values={"post_id": "{submitted}"},
        hidden=True,
        body={"intent": "publish", "from": "queue"},
        note="publishing a contribution is the editors' work",
    ),
    # The discussion -----------------------------------------------------------------------------
    ("GET", "/feeds/{slug}/discussion"): R(EVERYONE),
    ("POST", "/feeds/{slug}/discussion"): R(
        SIGNED_IN,
        body={"body": "A question."},
        note="the summit is open to signed-in readers: a stranger is told to sign in (403)",
    ),
    ("GET", "/comments/{comment_id}/report"): R(SIGNED_IN),
    ("POST", "/comments/{comment_id}/report"): R(SIGNED_IN, body={"reason": "spam"}),
    ("POST", "/comments/{comment_id}/approve"): R(MODERATORS, body={}),
    ("POST", "/comments/{comment_id}/reject"): R(MODERATORS, body={"reason": "spam"}),
    ("POST", "/comments/{comment_id}/hide"): R(MODERATORS, body={}),
    ("POST", "/comments/{comment_id}/restore"): R(MODERATORS, body={}),
    ("POST", "/comments/{comment_id}/delete"): R(
        frozenset({OUTSIDER}), body={}, note="Olga's comment: only she takes it back"
    ),
    # The moderation desk --------------------------------------------------------------------------
    ("GET", "/moderation"): R(MODERATES_SOMEWHERE),
    ("GET", "/moderation/queue.json"): R(MODERATES_SOMEWHERE),
    ("GET", "/feeds/{slug}/moderation"): R(
        EVERYONE, note="a redirect to /moderation?feed=summit, which is the page that checks"
    ),
    ("POST", "/moderation/comments/{comment_id}/approve"): R(MODERATORS, body={}),
    ("POST", "/moderation/comments/{comment_id}/reject"): R(MODERATORS, body={"reason": "spam"}),
    ("POST", "/moderation/comments/{comment_id}/hide"): R(MODERATORS, body={}),
    ("POST", "/moderation/comments/{comment_id}/restore"): R(MODERATORS, body={}),
    ("GET", "/moderation/comments/{comment_id}/ban"): R(MODERATORS),
    ("POST", "/moderation/comments/{comment_id}/ban"): R(
        MODERATORS, body={"length": "1d", "reason": "From the matrix"}, note="Olga, a reader there"
    ),
    ("GET", "/moderation/bans"): R(MODERATES_SOMEWHERE),
    ("POST", "/moderation/bans/{ban_id}/lift"): R(
        MODERATORS, body={}, note="Rex's ban from the summit's discussion"
    ),
    ("GET", "/moderation/comments/{comment_id}/feature"): R(EDITORS),
    ("POST", "/moderation/comments/{comment_id}/feature"): R(
        EDITORS, body={"headline": "From the discussion"}, note="Olga's comment, still pending: 409"
    ),
    ("GET", "/desk/blocked-words"): R(ADMINS),
    ("POST", "/desk/blocked-words"): R(ADMINS, body={"words": "matrix"}),
    # The site's administration ------------------------------------------------------------------
    ("GET", "/desk/users"): R(ADMINS),
    ("POST", "/desk/users/invite"): R(ADMINS, body={"email": "new@newsroom.test", "feed": ""}),
    ("POST", "/desk/users/disable"): R(ADMINS, body={"email": "spare@newsroom.test"}),
    ("POST", "/desk/users/enable"): R(ADMINS, body={"email": "spare@newsroom.test"}),
    ("POST", "/desk/users/role"): R(ADMINS, body={"email": "spare@newsroom.test", "role": "admin"}),
    ("GET", "/desk/audit"): R(ADMINS),
    ("GET", "/desk/standards"): R(ADMINS),
    ("POST", "/desk/standards"): R(ADMINS, body={"community_standards": "Be kind."}),
    # The API ------------------------------------------------------------------------------------
    ("GET", "/api/openapi.json"): R(EVERYONE),
    ("GET", "/api/v1/feeds"): R(EVERYONE),
    ("POST", "/api/v1/feeds"): R(OPENERS, body={"slug": "api-feed", "title": "API feed"}),
    ("GET", "/api/v1/feeds/{slug}"): R(EVERYONE),
    ("PATCH", "/api/v1/feeds/{slug}"): R(EDITORS, body={"title": "Renamed"}),
    ("GET", "/api/v1/feeds/{slug}/posts"): R(EVERYONE),
    ("POST", "/api/v1/feeds/{slug}/posts"): R(EDITORS, body=POST),
    ("GET", "/api/v1/feeds/{slug}/posts/{post_id}"): R(EVERYONE),
    ("PATCH", "/api/v1/feeds/{slug}/posts/{post_id}"): R(
        EDITORS, body={"headline": "Edited", "version": 1}
    ),
    ("DELETE", "/api/v1/feeds/{slug}/posts/{post_id}"): R(EDITORS),
    ("GET", "/api/v1/feeds/{slug}/posts/{post_id}/revisions"): R(WHOLE_TEAM),
    ("POST", "/api/v1/feeds/{slug}/posts/{post_id}/retract"): R(
        EDITORS, body={"reason": "It was wrong."}
    ),
    ("PUT", "/api/v1/feeds/{slug}/posts/{post_id}/verification"): R(EDITORS, body=CONFIRM),
    ("GET", "/api/v1/feeds/{slug}/short-url"): R(EDITORS),
    ("GET", "/api/v1/feeds/{slug}/posts/{post_id}/short-url"): R(EDITORS),
    ("POST", "/api/v1/link-cards"): R(EDITS_SOMEWHERE, body={"url": "http://127.0.0.1/"}),
    ("POST", "/api/v1/media"): R(WRITES_SOMEWHERE),
    # The portable format: every draft, held comment and team email goes out, so admins only.
    # (Who may backdate a post through POST .../posts: tests/web/api/test_portability.py.)
    ("GET", "/api/v1/feeds/{slug}/export"): R(ADMINS),
    ("POST", "/api/v1/imports"): R(ADMINS, body={}, note="an empty body is no zip: 422"),
    ("POST", "/api/v1/feeds/{slug}/ingest"): R(
        TEAM_WRITERS, body={"items": [WIRE_ITEM]}, note="into the Contributions queue"
    ),
    ("GET", "/api/v1/feeds/{slug}/members"): R(EDITORS),
    ("PUT", "/api/v1/feeds/{slug}/members/{email}"): R(EDITORS, body={"role": "moderator"}),
    ("DELETE", "/api/v1/feeds/{slug}/members/{email}"): R(EDITORS),
    ("GET", "/api/v1/feeds/{slug}/comments"): R(EVERYONE),
    ("POST", "/api/v1/feeds/{slug}/comments"): R(SIGNED_IN, body={"body": "A question."}),
    ("DELETE", "/api/v1/comments/{comment_id}"): R(frozenset({OUTSIDER})),
    ("POST", "/api/v1/comments/{comment_id}/report"): R(SIGNED_IN, body={"reason": "spam"}),
    ("POST", "/api/v1/comments/{comment_id}/approve"): R(MODERATORS, body={}),
    ("POST", "/api/v1/comments/{comment_id}/reject"): R(MODERATORS, body={"reason": "spam"}),
    ("POST", "/api/v1/comments/{comment_id}/hide"): R(MODERATORS, body={}),
    ("POST", "/api/v1/comments/{comment_id}/restore"): R(MODERATORS, body={}),
    ("GET", "/api/v1/moderation/queue"): R(MODERATES_SOMEWHERE),
    ("POST", "/api/v1/feeds/{slug}/bans"): R(
        MODERATORS,
        body={"length": "1d", "reason": "From the matrix"},
        note="no comment_id: those who may ban are told it is missing (422)",
    ),
}
