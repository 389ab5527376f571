"""What readers and scripts read: the feed page, a post, the home page, a tag, changes since."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from livefeed.domain.cursors import Cursor
from livefeed.domain.errors import Invalid, Message, NotFound
from livefeed.domain.events import Event
from livefeed.domain.feed_views import Order, View, highlight, parse_view
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post, PostState
from livefeed.domain.text import clean_tags
from livefeed.domain.verification import Verification
from livefeed.domain.visibility import may_read_post
from livefeed.services import Services
from livefeed.store import events as event_log
from livefeed.store import feed_views, search
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from livefeed.store import revisions as revision_store

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Search results come as one page; the key events box holds this many (the newest five show,
# the rest under "Show all").
SEARCH_SIZE = 50
KEY_EVENTS = 200


@dataclass(frozen=True)
class FeedPage:
    feed: Feed
    lead_html: str
    notes_html: str
    pinned: Post | None
    posts: list[Post]
    key_events: list[Post]
    next_cursor: str | None
    is_first_page: bool
    view: View = field(default_factory=View)
    key_event_total: int = 0
    # How many entries the feed's corrections log holds (counted on the first page only).
    corrections: int = 0

    @property
    def only(self) -> Verification | None:
        """The "Confirmed only" view shows posts in that state alone; ``None``: every post."""
        return self.view.only


@dataclass(frozen=True)
class PostPage:
    feed: Feed
    post: Post
    lead_html: str


@dataclass(frozen=True)
class Home:
    live: list[Feed]
    ended: list[Feed]


@dataclass(frozen=True)
class TagPage:
    tag: str
    feeds: list[Feed]
    posts: list[tuple[Post, Feed]]
    next_cursor: str | None

    @property
    def language(self) -> str | None:
        """The language every feed on the page is written in; ``None`` when they differ (the
        page then speaks its reader's)."""
        found = {feed.language for feed in self.feeds} | {feed.language for _, feed in self.posts}
        return found.pop() if len(found) == 1 else None


def parse_cursor(text: str | None) -> Cursor | None:
    return Cursor.decode(text) if text else None


def parse_limit(text: str | None) -> int:
    if not text:
        return PAGE_SIZE
    # ASCII only: str.isdigit() also passes "²", which int() then refuses.
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise Invalid.field(
            "limit", "must be a whole number from 1 to %(most)d", most=MAX_PAGE_SIZE
        )
    return int(text)


def feed_page(
    svc: Services,
    slug: str,
    cursor: str | None = None,
    params: Mapping[str, str] | None = None,
) -> FeedPage:
    """The feed with one page of posts as the reader asked (``params``: the query string's
    order, view, tag and search); the first page also carries the pinned post on top."""
    before = parse_cursor(cursor)
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        view = parse_view(params or {}, default_order=reading_order(feed), language=feed.language)
        lead_html, notes_html = feed_store.rendered_texts(conn, feed.id)
        first = before is None
        # The pinned post and the key events stand on top of the first page and nowhere else,
        # so a page further down does not look for them: both searches grow with the feed.
        # Leaving pinned posts out of the timeline changes nothing when there are none.
        pinned = post_store.pinned(conn, feed.id)[:1] if first and not view.is_search else []
        if pinned and not _in_view(pinned[0], view):
            pinned = []
        if view.is_search:
            posts = search.find(conn, feed.id, view.words, limit=SEARCH_SIZE)
        else:
            posts = feed_views.listing(conn, feed.id, view, after=before, limit=PAGE_SIZE + 1)
        key_events = post_store.key_events(conn, feed.id, limit=KEY_EVENTS) if first else []
        total = feed_views.key_event_count(conn, feed.id) if first else 0
        corrections = revision_store.count_public(conn, feed.id) if first else 0
    page, more = posts[:PAGE_SIZE], len(posts) > PAGE_SIZE and not view.is_search
    if view.is_search:
        page = [_highlighted(post, view.words) for post in posts]
    return FeedPage(
        feed=feed,
        lead_html=lead_html,
        notes_html=notes_html,
        pinned=pinned[0] if pinned else None,
        posts=page,
        key_events=key_events,
        next_cursor=_cursor_after(page) if more else None,
        is_first_page=first,
        view=view,
        key_event_total=total,
        corrections=corrections,
    )


def reading_order(feed: Feed) -> Order:
    """How the feed reads when the reader did not choose: an ended story may read from the
    start, if its editors said so."""
    if feed.status is FeedStatus.ENDED and feed.ended_order == Order.OLDEST.value:
        return Order.OLDEST
    return Order.NEWEST


def _in_view(post: Post, view: View) -> bool:
    if view.key_events_only and not post.key_event:
        return False
    if view.only is not None and post.verification is not view.only:
        return False
    return not view.tag or view.tag in post.tags


def _highlighted(post: Post, words: list[str]) -> Post:
    return replace(post, body_html=highlight(post.body_html, words))


def post_page(svc: Services, slug: str, post_id: int) -> PostPage:
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        post = post_store.require_post(conn, feed, post_id, visible=_has_a_page)
        lead_html, _ = feed_store.rendered_texts(conn, feed.id)
    return PostPage(feed, post, lead_html)


def find_feed(svc: Services, slug: str) -> Feed | None:
    with svc.db.read() as conn:
        return feed_store.get_by_slug(conn, slug)


def get_feed(svc: Services, slug: str) -> Feed:
    with svc.db.read() as conn:
        return feed_store.require_feed(conn, slug)


def list_posts(
    svc: Services, slug: str, *, limit: int, cursor: str | None
) -> tuple[Feed, list[Post], str | None]:
    """A page of published posts, newest first (the API's listing, pinned post included)."""
    before = parse_cursor(cursor)
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        posts = post_store.timeline(
            conn, feed.id, before=before, limit=limit + 1, skip_pinned=False
        )
    page = posts[:limit]
    return feed, page, _cursor_after(page) if len(posts) > limit else None


def changes_since(svc: Services, slug: str, seq: int, *, limit: int) -> tuple[Feed, list[Post]]:
    """Posts published, edited or deleted after ``seq``, in ``seq`` order."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        return feed, post_store.changed_since(conn, feed.id, seq, limit=limit)


def events_after(
    svc: Services, feed_id: int, seq: int, *, limit: int = 500
) -> tuple[Feed, list[tuple[Event, Post | None]]]:
    """The feed's log after ``seq``, each post event with its post as it is now (to render)."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed_by_id(conn, feed_id)
        logged = event_log.after(conn, feed_id, seq, limit=limit)
        found: list[tuple[Event, Post | None]] = []
        for event in logged:
            post = post_store.get_post(conn, event.post_id) if event.post_id else None
            found.append((event, post if post and _has_a_page(post) else None))
    return feed, found


def parse_seq(text: str, field: str = "since") -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise Invalid.field(field, "must be an event number (a whole number, 0 or more)")
    return int(text)


def get_post(svc: Services, slug: str, post_id: int) -> tuple[Feed, Post]:
    """Any post of the feed readers were told of, a deleted one as its tombstone (scripts need
    to see deletions). One never out (a draft, even a deleted one) is not there for readers:
    workflow.visible_post is what shows it to its author and the editors."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        post = post_store.require_post(conn, feed, post_id, visible=_anyone_may_read)
    return feed, post


def _anyone_may_read(post: Post) -> bool:
    """What readers get, signed in or not: the reading rule for someone with no rights, since
    nothing here asks who they are (the newsroom's view of a post is ``workflow``'s)."""
    return may_read_post(post, None)


def _has_a_page(post: Post) -> bool:
    """What a reader's page or the live stream shows: a tombstone has nothing to show, so a
    deleted post is missing there (the stream tells its readers to take it down)."""
    return _anyone_may_read(post) and post.state is not PostState.DELETED


def home(svc: Services) -> Home:
    with svc.db.read() as conn:
        live = feed_store.list_feeds(conn, [FeedStatus.LIVE, FeedStatus.SCHEDULED])
        ended = feed_store.list_feeds(conn, [FeedStatus.ENDED], limit=20)
    return Home(live, ended)


def all_feeds(svc: Services) -> list[Feed]:
    with svc.db.read() as conn:
        return feed_store.list_feeds(
            conn, [FeedStatus.LIVE, FeedStatus.SCHEDULED, FeedStatus.ENDED], limit=500
        )


def tag_counts(svc: Services) -> list[tuple[str, int]]:
    with svc.db.read() as conn:
        return feed_views.tag_counts(conn)


def tag_page(svc: Services, tag: str, cursor: str | None = None) -> TagPage:
    try:
        (clean,) = clean_tags(tag, "tag", language=svc.settings.language)
    except (Invalid, ValueError):
        raise NotFound(Message("“%(tag)s” is not a tag", tag=tag)) from None
    before = parse_cursor(cursor)
    with svc.db.read() as conn:
        feeds = feed_store.with_tag(conn, clean) if before is None else []
        posts = feed_views.with_tag(conn, clean, before=before, limit=PAGE_SIZE + 1)
        by_id = {f.id: f for f in feeds}
        for post in posts:
            if post.feed_id not in by_id:
                by_id[post.feed_id] = feed_store.require_feed_by_id(conn, post.feed_id)
    page = posts[:PAGE_SIZE]
    return TagPage(
        tag=clean,
        feeds=feeds,
        posts=[(post, by_id[post.feed_id]) for post in page],
        next_cursor=_cursor_after(page) if len(posts) > PAGE_SIZE else None,
    )


def _cursor_after(page: list[Post]) -> str:
    last = page[-1]
    return Cursor(last.published_at, last.id).encode()


# Embeds: the newest few posts of a feed, maybe of one tag only, for a frame on another site.

EMBED_SIZE = 10


@dataclass(frozen=True)
class Embed:
    feed: Feed
    posts: list[Post]  # the pinned post first (if it is shown), then the newest
    tag: str | None
    limit: int


def parse_embed_tag(text: str | None, language: str = "en") -> str | None:
    if not text:
        return None
    tags = clean_tags(text, "tag", language=language)
    if len(tags) > 1:
        raise Invalid.field("tag", "must be one tag")
    return tags[0] if tags else None


def embed(svc: Services, slug: str, *, tag: str | None = None, limit: str | None = None) -> Embed:
    """What an embed shows: at most ``limit`` posts (the pinned one included), of ``tag`` if given.

    ``tag`` and ``limit`` are as the query string gives them; either, if unusable, is refused
    with the field named.
    """
    count = parse_limit(limit) if limit else EMBED_SIZE
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        only = parse_embed_tag(tag, feed.language)
        pinned = [p for p in post_store.pinned(conn, feed.id)[:1] if only is None or only in p.tags]
        rest = count - len(pinned)
        if rest == 0:
            posts: list[Post] = []
        elif only is None:
            posts = post_store.timeline(conn, feed.id, before=None, limit=rest, skip_pinned=True)
        else:
            posts = feed_views.feed_tagged(conn, feed.id, only, limit=rest, skip_pinned=True)
    return Embed(feed, pinned + posts, only, count)


# Syndication: what the Atom, RSS and JSON Feed documents list. Each reads what its validator
# is made of first, then the posts: a change landing in between makes the validator older
# than the posts (one needless download later), never newer (a stale copy kept as fresh).


@dataclass(frozen=True)
class SiteStamp:
    """Changes whenever anything on the site does: the validator of documents across feeds."""

    feeds: int
    events: int
    updated_at: datetime | None


@dataclass(frozen=True)
class Gathered:
    """Posts from several feeds, newest first, each with its feed, and the stamp read before."""

    stamp: SiteStamp
    posts: list[tuple[Post, Feed]]


def site_stamp(svc: Services) -> SiteStamp:
    with svc.db.read() as conn:
        return SiteStamp(*feed_store.stamp(conn))


def feed_newest(
    svc: Services, slug: str, *, key_events: bool, limit: int
) -> tuple[Feed, str, list[Post]]:
    """The feed, its lead as HTML and its newest published posts (or key events only)."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        lead_html, _ = feed_store.rendered_texts(conn, feed.id)
        if key_events:
            posts = post_store.key_events(conn, feed.id, limit=limit)
        else:
            posts = post_store.timeline(conn, feed.id, before=None, limit=limit, skip_pinned=False)
    return feed, lead_html, posts


def tag_newest(svc: Services, tag: str, *, limit: int) -> tuple[str, Gathered]:
    """The newest posts carrying ``tag`` in any feed; a tag no feed or post has is not found."""
    try:
        (clean,) = clean_tags(tag, "tag", language=svc.settings.language)
    except (Invalid, ValueError):
        raise NotFound(Message("“%(tag)s” is not a tag", tag=tag)) from None
    with svc.db.read() as conn:
        stamp = SiteStamp(*feed_store.stamp(conn))
        posts = feed_views.with_tag(conn, clean, before=None, limit=limit)
        if not posts and not feed_store.with_tag(conn, clean, limit=1):
            raise NotFound(Message("nothing is tagged “%(tag)s”", tag=clean))
        feeds = {
            feed_id: feed_store.require_feed_by_id(conn, feed_id)
            for feed_id in {p.feed_id for p in posts}
        }
    return clean, Gathered(stamp, [(post, feeds[post.feed_id]) for post in posts])


def live_newest(svc: Services, *, limit: int) -> Gathered:
    """The newest posts of every live feed."""
    with svc.db.read() as conn:
        stamp = SiteStamp(*feed_store.stamp(conn))
        live = {f.id: f for f in feed_store.list_feeds(conn, [FeedStatus.LIVE], limit=1_000)}
        posts = post_store.newest_in(conn, list(live), limit=limit)
    return Gathered(stamp, [(post, live[post.feed_id]) for post in posts])
