"""Running the server: one process, or one worker per core on a shared port.

With ``--workers N`` (N > 1) this process starts N workers and waits for them. Each binds the
port itself with ``SO_REUSEPORT``, so the kernel spreads new connections over them and none
hands sockets to another. The workers share wake-ups and reader counts through Redis when it is
configured, else PostgreSQL's notifications, else, on SQLite, Unix datagram sockets in the
site's wake directory, where the CLI's commits reach them too
(:mod:`livefeed.realtime.site_brokers`). The scheduler, the webhook sender and the push
outbox already act once whichever instance gets there first, so they run in every worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
from pathlib import Path
from types import FrameType

from livefeed.operations import logs
from livefeed.realtime.site_brokers import open_wake_directory
from livefeed.settings import Settings

GRACE_SECONDS = 10.0


def run(settings: Settings, loop: str, workers: int) -> None:
    siblings = open_wake_directory(settings.database_url)
    try:
        _run(settings, loop, workers, siblings)
    finally:
        if siblings is not None:
            # Left to another instance of the site still serving, which holds a socket in it.
            with contextlib.suppress(OSError):
                siblings.rmdir()


def _run(settings: Settings, loop: str, workers: int, siblings: Path | None) -> None:
    if workers <= 1:
        _serve(settings, loop, siblings, None)
        return
    context = multiprocessing.get_context("spawn")
    started = [
        context.Process(
            target=_serve,
            args=(settings, loop, siblings, True),
            name=f"livefeed-worker-{n + 1}",
        )
        for n in range(workers)
    ]
    for process in started:
        process.start()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for process in started:
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    # Ctrl-C reaches every worker from the terminal already; a second signal would make
    # uvicorn skip its graceful shutdown.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for process in started:
        process.join()
    for process in started:
        process.join(GRACE_SECONDS)


def _serve(settings: Settings, loop: str, siblings: Path | None, shared: bool | None) -> None:
    import uvicorn

    from livefeed.cli.uvicorn_server import Server
    from livefeed.web.app import create_app
    from livefeed.web.front import StreamFront

    # A spawned worker starts with Python's own logging: each sets up the site's.
    logs.configure(settings.log_format)
    app = create_app(settings, siblings=siblings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        proxy_headers=False,
        # Naming the server tells no reader anything, only someone looking for its known flaws.
        server_header=False,
        # Caches age what they keep by it.
        date_header=True,
        # An idle kept-alive connection is let go after 5 s: each one holds a file descriptor
        # that a reader's event stream could use, and a browser opens a new one in no time.
        timeout_keep_alive=5,
        # Logging is ours (operations/logs.py): one format, a request id on every line, and
        # access lines with the route, the duration and the bytes.
        log_config=None,
        access_log=False,
        log_level="info",
        http=StreamFront.serving(app),
        timeout_graceful_shutdown=5,
        loop=loop,
    )
    server = Server(config, app.state.ticks)
    if not shared:
        server.run()
        return
    server.run(sockets=[_shared_socket(settings.host, settings.port)])


def _shared_socket(host: str, port: int) -> socket.socket:
    """The port, bound by this worker beside its siblings (the kernel balances between them)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock
