"""The per-feed event log: gap-free, increasing, and visible to readers only in seq order."""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import IntegrityError

from livefeed.domain.events import Event, EventType
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import events
from livefeed.store.schema import events as events_table
from livefeed.store.schema import feeds
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_post, make_user

# Long enough for a loaded CI machine; a passing run never waits this long.
DEADLINE = 10.0
only_postgresql = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
only_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def log_of(svc: Services, feed_id: int, after: int = 0, limit: int = 500) -> list[Event]:
    with svc.db.read() as conn:
        return events.after(conn, feed_id, after, limit=limit)


def last_seq(svc: Services, feed_id: int) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(feeds.c.last_seq).where(feeds.c.id == feed_id)).scalar_one())


def take_and_append(conn: Connection, feed: Feed, clock: Clock, note: str) -> int:
    seq = events.next_seq(conn, feed.id)
    events.append(
        conn,
        feed_id=feed.id,
        seq=seq,
        type=EventType.FEED_UPDATED,
        post_id=None,
        data={"note": note},
        now=clock(),
    )
    return seq


class Transaction:
    """A write transaction held open across statements, committed or dropped when told."""

    def __init__(self, svc: Services) -> None:
        self._block: AbstractContextManager[Connection] = svc.db.write()
        self.conn = self._block.__enter__()
        self._open = True

    def commit(self) -> None:
        self._open = False
        self._block.__exit__(None, None, None)

    def roll_back(self) -> None:
        if self._open:
            self._open = False
            error = RuntimeError("rolled back by the test")
            self._block.__exit__(type(error), error, None)


class Reader:
    """A poller that asks only for events after the highest seq it has seen, as readers do."""

    def __init__(self, svc: Services, feed_id: int) -> None:
        self.svc, self.feed_id = svc, feed_id
        self.seen: list[int] = []

    def poll(self) -> list[int]:
        high = self.seen[-1] if self.seen else 0
        self.seen += [event.seq for event in log_of(self.svc, self.feed_id, high)]
        return self.seen


@pytest.fixture
def feed(svc: Services) -> Feed:
    return make_feed(svc, make_editor(svc))


def test_every_change_takes_the_next_seq_without_gaps(svc: Services, clock: Clock) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    assert last_seq(svc, feed.id) == 0
    assert log_of(svc, feed.id) == []

    first = make_post(svc, editor, headline="One", pinned=True)
    clock.advance()
    second = make_post(svc, editor, headline="Two")
    clock.advance()
    publishing.edit_post(
        svc, editor, "summit", second.id, second.as_fields() | {"pinned": True}, seen_version=1
    )
    clock.advance()
    publishing.delete_post(svc, editor, "summit", first.id)
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"title": "Summit: day 2"})
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.LIVE)

    log = log_of(svc, feed.id)
    assert [(e.seq, e.type, e.post_id) for e in log] == [
        (1, EventType.POST_PUBLISHED, first.id),
        (2, EventType.POST_PUBLISHED, second.id),
        (3, EventType.POST_UPDATED, first.id),  # unpinned to make room for the second
        (4, EventType.POST_UPDATED, second.id),
        (5, EventType.POST_DELETED, first.id),
        (6, EventType.FEED_UPDATED, None),
        (7, EventType.FEED_ENDED, None),
        (8, EventType.FEED_UPDATED, None),
    ]
    assert last_seq(svc, feed.id) == 8
    assert all(event.feed_id == feed.id for event in log)
    # Each entry holds the state right after its change, so the log replays on its own.
    assert log[1].data["pinned"] is False
    assert (log[3].data["pinned"], log[3].data["version"], log[3].data["seq"]) == (True, 2, 4)
    tombstone = {
        "id": first.id,
        "version": 3,
        "seq": 5,
        "url": f"http://livefeed.test/feeds/summit/posts/{first.id}",
        "state": "deleted",
    }
    assert log[4].data == tombstone
    # A deleted post's words leave the log: its earlier entries now hold its tombstone too.
    assert log[0].data == log[2].data == tombstone
    assert (log[5].data["title"], log[5].data["last_seq"]) == ("Summit: day 2", 6)
    assert log[6].data["status"] == "ended"
    assert log[7].data["status"] == "live"


def test_each_feed_counts_on_its_own(svc: Services) -> None:
    editor = make_editor(svc)
    summit = make_feed(svc, editor)
    storm = make_feed(svc, editor, slug="storm", title="Storm Bert: live")
    for slug in ["summit", "storm", "summit", "storm", "storm"]:
        make_post(svc, editor, slug)
    assert [e.seq for e in log_of(svc, summit.id)] == [1, 2]
    assert [e.seq for e in log_of(svc, storm.id)] == [1, 2, 3]


def test_after_returns_what_follows_n_oldest_first(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    posts = [make_post(svc, editor, headline=f"Update {n}") for n in range(1, 8)]
    assert [e.seq for e in log_of(svc, feed.id, after=4)] == [5, 6, 7]
    assert [e.post_id for e in log_of(svc, feed.id, after=4)] == [p.id for p in posts[4:]]
    assert [e.seq for e in log_of(svc, feed.id, after=2, limit=3)] == [3, 4, 5]
    assert log_of(svc, feed.id, after=7) == []
    assert log_of(svc, feed.id, after=70) == []


def test_a_rolled_back_change_leaves_no_event_and_no_gap(
    svc: Services, feed: Feed, clock: Clock
) -> None:
    def fail_half_way() -> None:
        with svc.db.write() as conn:
            take_and_append(conn, feed, clock, "never committed")
            raise RuntimeError("the change failed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        fail_half_way()
    assert last_seq(svc, feed.id) == 0
    with svc.db.write() as conn:
        assert take_and_append(conn, feed, clock, "committed") == 1
    assert [e.data for e in log_of(svc, feed.id)] == [{"note": "committed"}]


def test_a_seq_cannot_be_written_twice(svc: Services, feed: Feed, clock: Clock) -> None:
    with svc.db.write() as conn:
        take_and_append(conn, feed, clock, "first")

    def append_seq_one_again() -> None:
        with svc.db.write() as conn:
            events.append(
                conn,
                feed_id=feed.id,
                seq=1,
                type=EventType.FEED_UPDATED,
                post_id=None,
                data={"note": "second"},
                now=clock(),
            )

    with pytest.raises(IntegrityError):
        append_seq_one_again()
    with svc.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(events_table)).scalar_one() == 1


@only_postgresql
def test_transactions_committing_out_of_order_still_show_seq_in_order(
    svc: Services, feed: Feed, clock: Clock
) -> None:
    """T1 begins first but commits last: it must get the higher seq, or a reader skips one."""
    reader = Reader(svc, feed.id)
    t1 = Transaction(svc)
    try:
        t1.conn.execute(text("SELECT 1"))  # T1 has begun
        t2 = Transaction(svc)
        seq2 = take_and_append(t2.conn, feed, clock, "T2")
        t2.commit()
        assert reader.poll() == [seq2]

        seq1 = take_and_append(t1.conn, feed, clock, "T1")
        assert reader.poll() == [seq2]  # T1's event is not visible before its commit
        t1.commit()
    finally:
        t1.roll_back()
    assert seq1 > seq2
    assert reader.poll() == [seq2, seq1]
    # Polling from the highest seq seen missed nothing that is in the log.
    assert reader.seen == [e.seq for e in log_of(svc, feed.id)] == [1, 2]


@only_postgresql
def test_a_held_seq_makes_the_next_writer_of_the_feed_wait(
    svc: Services, feed: Feed, clock: Clock
) -> None:
    other = make_feed(svc, make_user(svc, "bo@newsroom.test"), slug="storm", title="Storm")
    reader = Reader(svc, feed.id)
    t1 = Transaction(svc)
    started, finished = threading.Event(), threading.Event()
    t2_pid: list[int] = []
    t2_seq: list[int] = []
    failures: list[BaseException] = []

    def second_writer() -> None:
        try:
            with svc.db.write() as conn:
                t2_pid.append(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
                started.set()
                t2_seq.append(take_and_append(conn, feed, clock, "T2"))
        except BaseException as error:
            failures.append(error)
        finally:
            started.set()
            finished.set()

    thread = threading.Thread(target=second_writer, daemon=True)
    try:
        t1_pid = t1.conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        seq1 = take_and_append(t1.conn, feed, clock, "T1")
        thread.start()
        assert started.wait(DEADLINE)
        assert blocked_by(svc, t2_pid[0]) == [t1_pid]
        assert not finished.is_set()
        # Another feed's counter is not held: its writers go ahead.
        with svc.db.write() as conn:
            assert take_and_append(conn, other, clock, "elsewhere") == 1
        assert reader.poll() == []
        t1.commit()
        assert finished.wait(DEADLINE)
    finally:
        t1.roll_back()
        thread.join(DEADLINE)
    assert failures == []
    assert t2_seq == [seq1 + 1]
    assert reader.poll() == [seq1, seq1 + 1]


def blocked_by(svc: Services, pid: int) -> list[int]:
    """The backends ``pid`` waits for, once PostgreSQL shows it waiting on a lock."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        with svc.db.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT wait_event_type, pg_blocking_pids(pid) FROM pg_stat_activity "
                    "WHERE pid = :pid"
                ),
                {"pid": pid},
            ).one()
        if row[0] == "Lock":
            return list(row[1])
        time.sleep(0.01)
    return []


@only_sqlite
def test_on_sqlite_a_second_writer_waits_instead_of_failing(
    svc: Services, feed: Feed, clock: Clock
) -> None:
    t1 = Transaction(svc)
    about_to_begin, finished = threading.Event(), threading.Event()
    t2_seq: list[int] = []
    failures: list[BaseException] = []

    def second_writer() -> None:
        try:
            about_to_begin.set()
            with svc.db.write() as conn:
                t2_seq.append(take_and_append(conn, feed, clock, "T2"))
        except BaseException as error:
            failures.append(error)
        finally:
            finished.set()

    thread = threading.Thread(target=second_writer, daemon=True)
    try:
        seq1 = take_and_append(t1.conn, feed, clock, "T1")
        thread.start()
        assert about_to_begin.wait(DEADLINE)
        # BEGIN IMMEDIATE queues the second writer on the lock: it has neither finished nor
        # failed with "database is locked" while the first is open.
        assert not finished.wait(0.2)
        t1.commit()
        assert finished.wait(DEADLINE)
    finally:
        t1.roll_back()
        thread.join(DEADLINE)
    assert failures == []
    assert t2_seq == [seq1 + 1]
    assert [e.data["note"] for e in log_of(svc, feed.id)] == ["T1", "T2"]
