"""The app served by uvicorn on a thread of the test process, on a free loopback port: the
server shares the test's services (its database and its clock) and its lifespan runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette

from tests.ports import free_port

STARTING_SECONDS = 10.0


@contextmanager
def serving(app: Starlette, http: Any = "auto") -> Iterator[str]:
    """The app's address while it is served; ``http`` is uvicorn's protocol (``StreamFront``
    answers streams on the socket as ``livefeed serve`` does)."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", http=http
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTING_SECONDS
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(STARTING_SECONDS)
