"""Who reads which post: the tables ``tests/web/test_reading_permissions.py`` checks.

That test adds a post in every state to the summit of the permission matrix's world (see
``tests/permission_rules.py`` for its personas) and walks every route that shows posts, as
every persona, for every one of them. Who may read what is written out here by hand from the
newsroom's rules, never asked of the code: a route that answers by a rule of its own shows up
against these tables.

The posts: Carl's draft; Anna's draft; Carl's contribution; Anna's scheduled post; Anna's posts
published, retracted, and deleted after going out; Carl's contribution the editors deleted
before it went out.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.permission_rules import (
    ADMIN,
    ADMINS,
    CONTRIBUTOR,
    EDITOR,
    EDITORS,
    EVERYONE,
    SIGNED_IN,
    TEAM_WRITERS,
    TOKEN_CONTRIBUTOR,
    WHOLE_TEAM,
)

POST_KINDS = (
    "draft", "editors_draft", "submitted", "scheduled", "published", "retracted", "deleted",
    "deleted_unpublished",
)  # fmt: skip
NOBODY: frozenset[str] = frozenset()

# Who may read each post. A draft is its author's alone, even for the editors and the admin; a
# contribution or a scheduled post is its author's and the editors'; what went out is
# everyone's (a deleted post as its tombstone); a post deleted before it went out stays with
# its author and the editors. Anna's token narrowed to the contributor role reads as a
# contributor would: her own posts, no one else's before they go out. Mo moderates the
# discussion, not the posts to come.
READERS: dict[str, frozenset[str]] = {
    "draft": frozenset({CONTRIBUTOR}),
    "editors_draft": frozenset({EDITOR, TOKEN_CONTRIBUTOR}),
    "submitted": frozenset({CONTRIBUTOR, EDITOR, ADMIN}),
    "scheduled": frozenset({EDITOR, ADMIN, TOKEN_CONTRIBUTOR}),
    "published": EVERYONE,
    "retracted": EVERYONE,
    "deleted": EVERYONE,
    "deleted_unpublished": frozenset({CONTRIBUTOR, EDITOR, ADMIN}),
}
# What readers' pages, feeds for apps and search engines show, to anyone: what is out and still
# there (a retracted post stays in its place, struck through).
PUBLIC: dict[str, frozenset[str]] = {"published": EVERYONE, "retracted": EVERYONE}


def only(*kinds: str) -> dict[str, frozenset[str]]:
    return {kind: READERS[kind] for kind in kinds}


@dataclass(frozen=True)
class Reading:
    """A route that answers with one post: its page, its JSON, its history, its short URL."""

    # Who finds each post there; anyone else is told it is missing (404), as if it never was.
    finds: dict[str, frozenset[str]]
    # Who, of those, may use the route; the others are refused (401, 403, or sent to sign in).
    allowed: frozenset[str]
    # Someone without a session (pages) or a token (the API) is refused before anything.
    signed_in_first: bool = False


READINGS: dict[str, Reading] = {
    "/feeds/{slug}/posts/{post_id}": Reading(PUBLIC, EVERYONE),
    "/feeds/{slug}/posts/{post_id}/edit": Reading(PUBLIC, EDITORS, signed_in_first=True),
    "/feeds/{slug}/posts/{post_id}/delete": Reading(PUBLIC, EDITORS, signed_in_first=True),
    "/feeds/{slug}/posts/{post_id}/retract": Reading(PUBLIC, EDITORS, signed_in_first=True),
    # The desk's page of a post not out yet; one out already sends its reader to the feed.
    "/desk/feeds/{slug}/posts/{post_id}": Reading(READERS, SIGNED_IN, signed_in_first=True),
    "/api/v1/feeds/{slug}/posts/{post_id}": Reading(READERS, EVERYONE),
    "/api/v1/feeds/{slug}/posts/{post_id}/revisions": Reading(
        READERS, WHOLE_TEAM, signed_in_first=True
    ),
    "/api/v1/feeds/{slug}/posts/{post_id}/short-url": Reading(
        READERS, EDITORS, signed_in_first=True
    ),
}


@dataclass(frozen=True)
class Listing:
    """A route that answers with many posts (its path may carry a query)."""

    # Who finds each post in it; a post not named here is found by no one.
    shows: dict[str, frozenset[str]]
    # Who may use the route; the others are refused, and find nothing.
    allowed: frozenset[str] = EVERYONE


LISTINGS: dict[str, Listing] = {
    # The feed's page lists its scheduled posts above the rest for the team (a private page).
    "/feeds/{slug}": Listing(PUBLIC | {"scheduled": frozenset({EDITOR, ADMIN})}),
    # The same page read another way: oldest first, key events only, one tag, a search.
    "/feeds/{slug}?order=oldest": Listing(PUBLIC | {"scheduled": frozenset({EDITOR, ADMIN})}),
    "/feeds/{slug}?view=key-events": Listing(
        {"published": EVERYONE, "scheduled": frozenset({EDITOR, ADMIN})}
    ),
    "/feeds/{slug}?tag=politics": Listing(PUBLIC | {"scheduled": frozenset({EDITOR, ADMIN})}),
    "/feeds/{slug}?q=matrix+post": Listing(PUBLIC | {"scheduled": frozenset({EDITOR, ADMIN})}),
    "/feeds/{slug}/embed": Listing(PUBLIC),
    # Only a post that was corrected, retracted or changed state is in the log: here, the
    # retracted one.
    "/feeds/{slug}/corrections": Listing({"retracted": EVERYONE}),
    "/feeds/{slug}/corrections.atom": Listing({"retracted": EVERYONE}),
    "/feeds/{slug}/updates": Listing(PUBLIC),
    "/tags/{tag}": Listing(PUBLIC),
    "/feeds.{format}": Listing(PUBLIC),
    "/feeds/{slug}/feed.{format}": Listing(PUBLIC),
    # A retracted post is a key event no more.
    "/feeds/{slug}/key-events.{format}": Listing({"published": EVERYONE}),
    "/tags/{tag}/feed.{format}": Listing(PUBLIC),
    "/sitemap-news.xml": Listing(PUBLIC),
    "/api/v1/feeds/{slug}/posts": Listing(PUBLIC),
    # What is not out yet, by state: all of it that the caller may read, and nothing else.
    "/api/v1/feeds/{slug}/posts?state=draft": Listing(only("draft", "editors_draft"), TEAM_WRITERS),
    "/api/v1/feeds/{slug}/posts?state=submitted": Listing(only("submitted"), TEAM_WRITERS),
    "/api/v1/feeds/{slug}/posts?state=scheduled": Listing(only("scheduled"), TEAM_WRITERS),
    "/desk/feeds/{slug}/contributions": Listing(only("submitted", "scheduled"), EDITORS),
    # My posts: one's own not out yet, and one's contributions whatever became of them.
    "/desk/feeds/{slug}/mine": Listing(
        {
            "draft": frozenset({CONTRIBUTOR}),
            "editors_draft": frozenset({EDITOR}),
            "submitted": frozenset({CONTRIBUTOR}),
            "scheduled": frozenset({EDITOR}),
            "deleted_unpublished": frozenset({CONTRIBUTOR}),
        },
        TEAM_WRITERS,
    ),
    # The audit log names each post something was done to by its headline: a draft has had
    # nothing done to it yet, and the admin reads every other post anyway.
    "/desk/audit": Listing(
        {kind: ADMINS for kind in POST_KINDS if kind not in ("draft", "editors_draft")}, ADMINS
    ),
}
