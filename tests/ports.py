"""Loopback ports for the servers the tests start, each from its own pytest worker's range.

A port the kernel picks (``bind(("127.0.0.1", 0))``) comes from the ephemeral range, from which
it also picks every other server's port and every outgoing connection's. Released for a server
to bind, it could be taken meanwhile by another worker's server, whose answers the test then
read as ours. These ports lie below the ephemeral range, and each worker has a range of its own.
"""

from __future__ import annotations

import itertools
import os
import socket

FIRST = 20_000
PER_WORKER = 1_500
WORKERS = 8  # ranges; more workers than this share them, as before


def _range() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = FIRST + (int(worker) % WORKERS if worker.isdigit() else 0) * PER_WORKER
    return range(start, start + PER_WORKER)


def _candidates() -> itertools.cycle[int]:
    ports = _range()
    # Started where this process's id says, so that two runs at once seldom walk in step.
    offset = os.getpid() % len(ports)
    return itertools.cycle([*ports[offset:], *ports[:offset]])


_next = _candidates()


def free_port() -> int:
    """The next port of this worker's range that nothing holds now (a probe binds it)."""
    for _ in range(PER_WORKER):
        port = next(_next)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_range()}")
