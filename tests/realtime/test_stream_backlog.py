"""What a reader that does not keep up costs the server: bounded, whatever it asks for.

A reader that stops reading while big posts pour in is let go, and nothing is kept for it; a
reader resuming from far back is sent its backlog as it drains, not built in memory at once.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from livefeed.realtime.connections import MAX_PENDING_BYTES, STALL_SECONDS
from livefeed.realtime.hub import TICK_SECONDS
from livefeed.realtime.recent import BYTES_PER_FEED as RECENT_BYTES
from livefeed.realtime.recent import FRAMES_PER_FEED as RECENT_FRAMES
from tests.realtime.served_site import (
    LOAD_TIMEOUT,
    SQLITE_ONLY,
    WAIT,
    Background,
    Publishers,
    Reader,
    Site,
    ids,
    wait_for,
)

pytestmark = pytest.mark.long

BIG_POSTS = 2_000
BODY_CHARS = 8 * 1024
# Enough big posts before the baseline to fill the feed's cache of recent frames in the hub (a
# frame holds more than its body), and the allocator's high-water mark with a batch as big as the
# hub reads (it reads up to 500 events at a time; the last warm-up posts pile up while the server
# is frozen): both are the feed's cost whatever its readers do (tens of MB at these sizes), not a
# stalled reader's.
WARM_UP_PILED = 600
WARM_UP_POSTS = min(RECENT_FRAMES, RECENT_BYTES // BODY_CHARS) + WARM_UP_PILED
TINY_RCVBUF = 4096
MEMORY_GROWTH_LIMIT_KB = 20 * 1024
# Memory is compared when the hub has had two ticks with nothing to send, no batch in flight.
QUIET_SECONDS = 2 * TICK_SECONDS + 0.5
# What the kernels on both ends and the server's transport can take for a reader before its
# writes back up: past that, the server has at most the stall limit (checked at its tick) to let
# it go, and a second more here for a loaded two-core machine.
STALLED_CAPACITY = (
    int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])  # the send buffer's most
    + 2 * TINY_RCVBUF  # the kernel doubles what it is given
    + 64 * 1024  # asyncio's high-water mark, when it pauses writing
    + MAX_PENDING_BYTES
)
DROP_LIMIT = STALL_SECONDS + TICK_SECONDS + 1.0
PARAGRAPH = (
    "Delegates returned to the conference hall after a short recess, and the chair read out"
    " the amended text line by line while interpreters in the glass booths kept pace. "
)


def big_body(n: int) -> str:
    """8 KB of Markdown in paragraphs, different for every post."""
    text = f"Update {n}.\n\n"
    while len(text) < BODY_CHARS:
        text += PARAGRAPH * 3 + "\n\n"
    return text[:BODY_CHARS]


@SQLITE_ONLY
def test_a_reader_that_never_reads_is_let_go_and_costs_the_server_nothing(site: Site) -> None:
    """A reader whose window stays shut is let go, and the server keeps no backlog for it.

    Its socket has a tiny receive buffer and it never reads; the server's memory is compared
    from when the feed is warm and both readers are connected to after 2,000 more posts of 8 KB
    (some 27 MB of frames, 14 KB each, which the server would hold if it buffered for that
    reader).
    """
    total = WARM_UP_POSTS + BIG_POSTS
    with contextlib.ExitStack() as cleanup:
        normal = Reader(site, "0")
        reading = Background(lambda: normal.read_until(total, LOAD_TIMEOUT))
        cleanup.callback(reading.join, WAIT)
        cleanup.callback(normal.close)
        reading.start()
        at_start = site.memory_kb()

        def warm_up(_worker: int, n: int) -> None:
            site.publish(f"Warm-up {n}", big_body(n))

        with Publishers(WARM_UP_POSTS - WARM_UP_PILED, warm_up) as publishers:
            publishers.join()
        with site.frozen():
            for n in range(WARM_UP_POSTS - WARM_UP_PILED, WARM_UP_POSTS):
                warm_up(0, n)
        wait_for(lambda: len(normal.events) >= WARM_UP_POSTS, LOAD_TIMEOUT, "warm-up lost")

        stalled = Reader(site, str(WARM_UP_POSTS), rcvbuf=TINY_RCVBUF)
        cleanup.callback(stalled.close)
        wait_for(lambda: stalled.queued_bytes() > 0, WAIT, "the stalled reader got no answer")
        time.sleep(QUIET_SECONDS)
        # The normal reader gets the very bytes the stalled one is sent, and soon after.
        sent_before = normal.received
        before = site.memory_kb()

        def publish(_worker: int, n: int) -> None:
            site.publish(f"Update {n}", big_body(WARM_UP_POSTS + n))

        filled_at: float | None = None
        dropped_at: float | None = None
        peak = before["VmRSS"]
        started = time.monotonic()
        with Publishers(BIG_POSTS, publish) as publishers:
            while publishers.running() or reading.is_alive():
                now = time.monotonic()
                assert now - started < LOAD_TIMEOUT, f"not done in {LOAD_TIMEOUT} s"
                if filled_at is None and normal.received - sent_before > STALLED_CAPACITY:
                    filled_at = now
                if dropped_at is None and not stalled.held_by_server(site):
                    dropped_at = now
                peak = max(peak, site.memory_kb()["VmRSS"])
                time.sleep(0.05)
            publishers.join()
        elapsed = time.monotonic() - started
        if reading.error is not None:
            raise reading.error
        time.sleep(QUIET_SECONDS)
        after = site.memory_kb()

        assert ids(normal.events) == list(range(1, total + 1))
        assert {e.event for e in normal.events} == {"post.published"}

        assert filled_at is not None, "the stalled reader was never sent enough to fill up"
        assert dropped_at is not None, "the server never let go of the stalled reader"
        assert dropped_at - filled_at < DROP_LIMIT, (
            f"let go {dropped_at - filled_at:.1f} s after it was sent more than it can hold"
        )
        stalled.read_to_end()  # what the kernels still held for it, then the end
        taken = ids(stalled.events)
        assert taken == list(range(WARM_UP_POSTS + 1, WARM_UP_POSTS + 1 + len(taken)))
        assert 0 < len(taken) < BIG_POSTS

        growth = after["VmRSS"] - before["VmRSS"]
        print(
            f"server VmRSS: {at_start['VmRSS']} kB at the start, {before['VmRSS']} kB after"
            f" {WARM_UP_POSTS} warm-up posts, {after['VmRSS']} kB after {BIG_POSTS} more in"
            f" {elapsed:.1f} s (growth {growth} kB, sampled peak {peak} kB, VmHWM"
            f" {after['VmHWM']} kB); the stalled reader, having taken {len(taken)} events, was"
            f" let go {dropped_at - filled_at:+.2f} s from when it was sent more than it can hold"
        )
        assert growth < MEMORY_GROWTH_LIMIT_KB, f"the server grew by {growth} kB"


REPLAY_POSTS = 1_000


@SQLITE_ONLY
def test_a_reader_resuming_from_far_back_costs_the_server_a_bounded_amount(site: Site) -> None:
    """``Last-Event-ID: 0`` on a long feed: the backlog must come from the log as it drains.

    Today ``Hub.replay`` collects every missed frame, ``open_stream`` joins them and the front
    writes them in one go, past ``MAX_PENDING_BYTES``: several times the size of the frames
    for one connection (see the printout), however slowly the reader reads, and anyone can ask.
    """
    with Publishers(REPLAY_POSTS, lambda _w, n: site.publish(f"Earlier {n}", big_body(n))) as p:
        p.join()
    # One reader catches up in full first: what the server allocates once (templates compiled,
    # queries prepared, the allocator's arenas) is not what this reader costs.
    warm = Reader(site, str(REPLAY_POSTS - 300))
    try:
        warm.read_until(300)
    finally:
        warm.close()
    before = site.memory_kb()["VmRSS"]
    peak = before
    reader = Reader(site, "0", rcvbuf=TINY_RCVBUF)
    try:
        deadline = time.monotonic() + DROP_LIMIT + WAIT
        while time.monotonic() < deadline:  # from the request until the server lets go
            peak = max(peak, site.memory_kb()["VmRSS"])
            if reader.queued_bytes() > 0 and not reader.held_by_server(site):
                break
            time.sleep(0.02)
    finally:
        reader.close()
    growth = peak - before
    print(f"server VmRSS {before} kB, peak {peak} kB while replaying {REPLAY_POSTS} posts")
    assert growth < MEMORY_GROWTH_LIMIT_KB, f"the server grew by {growth} kB for one reader"
