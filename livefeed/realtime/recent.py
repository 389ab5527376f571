"""Each feed's recent frames, already encoded, kept after its last reader has gone.

When every reader of a feed drops at once (a deploy, a load balancer's restart) they come back
within seconds, each a few events behind. Keeping the feed's last frames past its last reader
means their catch-up is a slice of bytes already made rather than a read of the log and a
rendering per post per reader. What is kept is bounded per feed and in bytes across all feeds,
and the feed least recently used goes first.

A ring holds frames with consecutive ``seq``s only, so a slice of it is exactly what a reader
missed; a replay slice is joined once and the same bytes go to every reader asking for it.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Sequence

from livefeed.realtime.frames import Batch, Frame

FRAMES_PER_FEED = 1024
BYTES_PER_FEED = 4 * 1024 * 1024
SLICES_KEPT = 16


class Ring:
    """Consecutive frames of one feed, oldest first, and the replay slices made from them."""

    __slots__ = ("_slices", "frames", "size")

    def __init__(self) -> None:
        self.frames: deque[Frame] = deque()
        self.size = 0
        self._slices: OrderedDict[tuple[int, int], Batch] = OrderedDict()

    @property
    def first_seq(self) -> int:
        return self.frames[0].seq if self.frames else 0

    @property
    def last_seq(self) -> int:
        return self.frames[-1].seq if self.frames else 0

    def covers(self, seq: int) -> bool:
        """Whether every frame after ``seq`` up to the newest kept one is here."""
        return bool(self.frames) and self.first_seq <= seq + 1

    def add(self, frames: Sequence[Frame]) -> None:
        """Frames read from the log, newer or older than those kept: joined where they touch.

        Newer frames that leave a gap replace what is kept (the newest matter most); older ones
        that leave a gap are not kept.
        """
        if not frames:
            return
        if self.frames and frames[-1].seq < self.first_seq - 1:
            return
        if self.frames and frames[0].seq > self.last_seq + 1:
            self.clear()
        older = [f for f in frames if f.seq < self.first_seq] if self.frames else []
        for frame in reversed(older):
            self.frames.appendleft(frame)
            self.size += len(frame.chunk)
        for frame in frames:
            if not self.frames or frame.seq == self.last_seq + 1:
                self.frames.append(frame)
                self.size += len(frame.chunk)
                if frame.takes_down:
                    self._forget_before(frame.seq)
        self._trim()

    def _forget_before(self, seq: int) -> None:
        """A post or comment was taken down: what was kept before may hold its words, which
        the log has let go of; a reader behind this reads the log (its tombstones) instead."""
        while self.frames and self.frames[0].seq < seq:
            self.size -= len(self.frames.popleft().chunk)
        self._slices.clear()

    def slice(self, after: int, upto: int, limit: int) -> Batch | None:
        """At most ``limit`` frames after ``after`` up to ``upto``; the same object for every
        reader asking for the same slice. ``None`` when the ring does not reach back so far."""
        if not self.covers(after) or after >= min(upto, self.last_seq):
            return None
        key = (after, upto)
        batch = self._slices.get(key)
        if batch is None:
            start = after + 1 - self.first_seq
            stop = min(upto - self.first_seq + 1, start + limit, len(self.frames))
            batch = Batch([self.frames[i] for i in range(start, stop)])
            self._slices[key] = batch
            if len(self._slices) > SLICES_KEPT:
                self._slices.popitem(last=False)
        return batch

    def between(self, after: int, upto: int) -> list[Frame] | None:
        """Every frame after ``after`` up to ``upto``, if all of them are here."""
        if not self.covers(after) or self.last_seq < upto:
            return None
        start = after + 1 - self.first_seq
        return [self.frames[i] for i in range(start, start + max(0, upto - after))]

    def clear(self) -> None:
        self.frames.clear()
        self._slices.clear()
        self.size = 0

    def _trim(self) -> None:
        while self.frames and (len(self.frames) > FRAMES_PER_FEED or self.size > BYTES_PER_FEED):
            self.size -= len(self.frames.popleft().chunk)


class RecentFrames:
    """Every feed's ring, within ``budget`` bytes in all; the least recently used goes first."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._rings: OrderedDict[int, Ring] = OrderedDict()
        self._total = 0

    def get(self, feed_id: int) -> Ring | None:
        ring = self._rings.get(feed_id)
        if ring is not None:
            self._rings.move_to_end(feed_id)
        return ring

    def add(self, feed_id: int, frames: Sequence[Frame]) -> None:
        ring = self._rings.get(feed_id)
        if ring is None:
            ring = self._rings[feed_id] = Ring()
        self._rings.move_to_end(feed_id)
        before = ring.size
        ring.add(frames)
        self._total += ring.size - before
        self._evict()

    def forget(self, feed_id: int) -> None:
        ring = self._rings.pop(feed_id, None)
        if ring is not None:
            self._total -= ring.size

    def size(self) -> int:
        """Bytes kept, over every feed."""
        return self._total

    def _evict(self) -> None:
        while self._total > self._budget and len(self._rings) > 1:
            _, ring = self._rings.popitem(last=False)
            self._total -= ring.size
        if self._total > self._budget and self._rings:
            # One feed alone past the budget keeps its newest frames only.
            (ring,) = self._rings.values()
            while ring.frames and ring.size > self._budget:
                ring.size -= len(ring.frames.popleft().chunk)
            self._total = ring.size
