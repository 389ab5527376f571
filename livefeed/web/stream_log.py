"""The log line of an event stream answered on the socket (``web/front.py``): one when the
reader goes, as an access log writes a request once it is answered, with where it started, how
long it stayed and how many events it was sent. A line costs more than the connect it records
(a reconnect storm of 10,000 readers would otherwise spend a third of its time logging that
they came back).

Counted from ``seq`` numbers, which have no gaps: nothing is added per event or per reader
while the stream runs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from livefeed.web.request_log import new_request_id

log = logging.getLogger("livefeed.stream")


@dataclass
class StreamVisit:
    slug: str
    # The seq the reader had before this connection: what it is sent comes after.
    first_seq: int
    request_id: str = field(default_factory=new_request_id)
    started: float = field(default_factory=time.monotonic)

    def closed(self, last_seq: int) -> None:
        seconds = time.monotonic() - self.started
        sent = max(0, last_seq - self.first_seq)
        log.info(
            "stream closed %s after %.1fs, %d events sent after seq %d",
            self.slug,
            seconds,
            sent,
            self.first_seq,
            extra={
                "request_id": self.request_id,
                "feed": self.slug,
                "after_seq": self.first_seq,
                "duration_s": round(seconds, 3),
                "events_sent": sent,
            },
        )
