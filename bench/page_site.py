"""A site shaped like a newsroom's after days of live coverage, for ``page.py`` to time.

A page's cost depends on what the database holds: the posts' Markdown, quotes, images and
cards, a pinned post, tags, and a timeline long enough that a deep page is far down an index.
So the site is built as a desk would build it, through the publishing use case, with publish
times 30 s apart, and the database then settled so that none of the build's
background work lands on the timed requests.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from livefeed.access import accounts
from livefeed.distribution.reading import PAGE_SIZE
from livefeed.domain.cursors import Cursor
from livefeed.domain.users import Role
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from livefeed.store.database import engine_url
from livefeed.store.migrate import upgrade

SMALL = 20
# One post every 30 s: 10,000 posts are three and a half days of coverage.
POST_INTERVAL = timedelta(seconds=30)

# Opens a scratch database and yields its URL.
Opener = Callable[[], AbstractContextManager[str]]


HEADLINES = (
    "Delegates return to the main hall",
    "Minister says agreement is within reach",
    "Protesters gather outside the conference centre",
    "Draft text published overnight",
    "Talks adjourned for an hour",
    "What we know so far",
    "Negotiators disagree over the finance clause",
    "Observers describe the mood as tense",
    "Statement from the host delegation",
    "Smaller nations call for a firmer target",
    "Markets react to the latest draft",
    "Vote expected before midnight",
)
SENTENCES = (
    "Delegates filed back into the plenary hall shortly after the break, many of them still "
    "on the phone to their capitals.",
    "The draft, seen by our correspondent, keeps the **2035 target** but softens the wording on "
    "how progress will be checked.",
    "A spokesperson for the presidency said the text was *not final* and that talks would "
    "continue through the night if needed.",
    "Several delegations asked for more time to study the finance annex, which runs to forty "
    "pages.",
    "Read the [full draft text](https://www.example.org/summit/draft-text) on the conference "
    "website.",
    "Outside, police estimated the crowd at around two thousand people, most of them students.",
    "The head of the island states' group called the proposal “a step, but not the step we need”.",
    "Our reporters in the hall say the chair has called the heads of delegation to a closed "
    "meeting.",
    "Officials expect the revised text to be circulated before the evening session.",
    "Analysts at the [institute](https://research.example.net/briefings/summit) said the "
    "numbers did not yet add up.",
)
LISTS = (
    "- the finance annex\n- the review cycle\n- the loss and damage fund",
    "1. a vote on the agenda\n2. statements from ministers\n3. the closing plenary",
)
QUOTES = (
    ("We came here to agree, and we will not leave without an agreement.", "The host minister"),
    ("The text on the table today is weaker than the one we had yesterday.", "A negotiator"),
)
TAGS = ("politics", "climate", "finance", "energy", "protest", "diplomacy")


def post_fields(rng: random.Random, number: int) -> dict[str, object]:
    """A realistic post: about 500 bytes of Markdown, some with a quote, image or card."""
    paragraphs = [" ".join(rng.sample(SENTENCES, 2)) for _ in range(2)]
    if number % 5 == 0:
        paragraphs.append(rng.choice(LISTS))
    fields: dict[str, object] = {
        "headline": f"{rng.choice(HEADLINES)} ({number + 1})",
        "body": "\n\n".join(paragraphs),
        "tags": ", ".join(rng.sample(TAGS, number % 3)),
        "key_event": number % 20 == 7,
        # An early summary pinned on top, as editors do on a long-running story.
        "pinned": number == 2,
    }
    if number % 7 == 3:
        said, who = rng.choice(QUOTES)
        fields |= {"quote.text": said, "quote.attribution": who}
    if number % 11 == 5:
        fields |= {
            "image.url": f"https://images.example.org/summit/{number}.jpg",
            "image.alt": "Delegates in the plenary hall",
            "image.caption": "The plenary hall during the afternoon session",
            "image.credit": "Jane Photographer",
        }
    if number % 13 == 9:
        fields |= {
            "read_more.url": f"https://www.example.org/summit/analysis-{number}",
            "read_more.title": "Analysis: what the draft text really says",
            "read_more.summary": "Our correspondent reads the forty pages so you do not have to.",
            "read_more.image_url": f"https://images.example.org/summit/card-{number}.jpg",
        }
    return fields


class Clock:
    """Publish times moved on by hand, so the feed covers days instead of seconds."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Site:
    database_url: str
    posts: int
    deep_page: int
    deep_cursor: str
    publish_seconds: float


def build_site(database_url: str, posts: int) -> Site:
    """Migrate, add an editor and two feeds, and publish every post in a transaction of its own."""
    clock = Clock(datetime.now(UTC) - POST_INTERVAL * (posts + SMALL + 1))
    settings = Settings.from_env({"LIVEFEED_DATABASE_URL": database_url}, env_file=None)
    svc = Services.build(settings, clock=clock)
    rng = random.Random(2026)
    try:
        upgrade(svc.db)
        editor = accounts.add_user(
            svc, "editor@bench.test", "a long benchmark password", role=Role.ADMIN
        )
        started = time.perf_counter()
        for slug, count in (("small", SMALL), ("big", posts)):
            publishing.create_feed(
                svc,
                editor,
                {
                    "slug": slug,
                    "title": f"Summit talks: live ({count} posts)",
                    "lead": "Leaders meet for a **second** day. Follow every update here.",
                    "notes": "Times are local to Geneva.",
                    "tags": "politics, climate",
                    "timezone": "Europe/Zurich",
                },
            )
            for number in range(count):
                clock.now += POST_INTERVAL
                publishing.publish_post(svc, editor, slug, post_fields(rng, number))
                if (number + 1) % 1000 == 0:
                    elapsed = time.perf_counter() - started
                    print(f"  {slug}: {number + 1:>6,} posts published ({elapsed:.0f} s)")
        publish_seconds = time.perf_counter() - started
        deep_page = max(2, round(0.8 * posts / PAGE_SIZE))
        cursor = page_cursor(svc, "big", deep_page)
        settle(svc)
    finally:
        svc.close()
    return Site(database_url, posts, deep_page, cursor, publish_seconds)


def settle(svc: Services) -> None:
    """Finish the build's background work now, so none of it runs while requests are timed.

    SQLite folds its write-ahead log back into the database file; PostgreSQL gathers the
    statistics its autovacuum would gather soon after this many inserts anyway.
    """
    if svc.db.is_sqlite:
        with svc.db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with svc.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    os.sync()


def page_cursor(svc: Services, slug: str, page: int) -> str:
    """The "Show older posts" cursor that leads to page ``page`` of the feed (1 is the top)."""
    with svc.db.read() as conn:
        feed = feed_store.get_by_slug(conn, slug)
        assert feed is not None
        above = post_store.timeline(
            conn, feed.id, before=None, limit=(page - 1) * PAGE_SIZE, skip_pinned=True
        )
    return Cursor(above[-1].published_at, above[-1].id).encode()


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="livefeed-bench-") as folder:
        yield f"sqlite:///{folder}/livefeed.db"


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A scratch database of our own on the server, dropped afterwards whatever happens."""
    name = f"livefeed_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(engine_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
