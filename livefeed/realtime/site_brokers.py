"""Which broker carries a site's wake-ups: for a process that serves the site, and for one that
only writes to it (the CLI, an import, a script).

Every process writing to a site announces its commits the way the serving processes listen:
through Redis when it is configured, else PostgreSQL's ``NOTIFY`` on a PostgreSQL site, else,
on SQLite, by datagram to the serving processes' sockets in the site's wake directory. A
serving process that hears every writer that way reads a feed's log only when woken, and once
a heartbeat in case a wake-up was lost; one that cannot (a lone app without that directory)
reads it every second.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from livefeed.realtime.broker import Broker, MemoryBroker, broker_from_url
from livefeed.realtime.postgres_broker import PostgresBroker
from livefeed.realtime.sibling_broker import SiblingBroker


def wake_directory(database_url: str) -> Path | None:
    """Where the serving processes of a SQLite site listen, the same for every process of this
    machine opening that database file; ``None`` for any other database.

    Under the temporary directory and named by a digest of the file's path: a socket's path
    may not exceed 107 bytes, and a database may live anywhere.
    """
    scheme, found, rest = database_url.partition(":///")
    file = rest.split("?", 1)[0]
    if not found or not scheme.startswith("sqlite") or not file or file == ":memory:":
        return None
    digest = hashlib.sha256(str(Path(file).resolve()).encode()).hexdigest()[:20]
    return Path(tempfile.gettempdir()) / f"livefeed-{digest}"


def open_wake_directory(database_url: str) -> Path | None:
    """The site's wake directory, made if need be, for a serving process to listen in; ``None``
    when there is none, or when someone else made it or may write in it (their datagrams
    could only fake wake-ups and reader counts, but a site need not hear them)."""
    directory = wake_directory(database_url)
    if directory is None:
        return None
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        held = directory.lstat()
    except OSError:
        return None
    mine = stat.S_ISDIR(held.st_mode) and held.st_uid == os.getuid()
    return directory if mine and not held.st_mode & 0o077 else None


def serving_broker(
    database_url: str, redis_url: str | None, instance_id: str, siblings: Path | None
) -> tuple[Broker, bool]:
    """The broker of a process serving the site, and whether it hears every writer's commits
    (``siblings``: the wake directory the SQLite site's processes share, if any)."""
    if redis_url:
        return broker_from_url(redis_url, instance_id=instance_id), True
    if database_url.startswith("postgres"):
        return PostgresBroker(database_url, instance_id=instance_id), True
    if siblings is not None:
        return SiblingBroker(siblings, f"worker-{os.getpid()}"), True
    return MemoryBroker(), False


def writing_broker(database_url: str, redis_url: str | None, instance_id: str) -> Broker:
    """The broker a process that writes to the site and serves nothing announces through."""
    if redis_url:
        return broker_from_url(redis_url, instance_id=instance_id)
    if database_url.startswith("postgres"):
        return PostgresBroker(database_url, instance_id=instance_id)
    directory = wake_directory(database_url)
    if directory is not None:
        return SiblingBroker(directory, instance_id)
    return MemoryBroker()
