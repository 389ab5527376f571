"""``livefeed serve`` on uvloop and on the standard library's loop: a reader's stream gets a post.

uvloop is installed by default and its transports are not ``asyncio.Transport``s; the stream
front must serve both alike, so the whole path (the real command, a raw-socket stream client,
a post published through the API) runs once per loop.
"""

from __future__ import annotations

import socket
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.cli.conftest import Run, ok
from tests.cli.test_site import serving
from tests.sse_client import StreamParser, request

WAIT = 10.0


def uses_uvloop(pid: int) -> bool:
    """Whether uvloop's compiled loop is mapped into the process (imported, hence running)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "/uvloop/loop." in maps


@pytest.mark.parametrize("setting", ["uvloop", "asyncio"])
def test_serve_streams_a_published_post_on_either_loop(
    setting: str, migrated: dict[str, str], summit: str, run: Run, tmp_path: Path
) -> None:
    token = ok(run("token", "create", "anna@newsroom.test")).split()[-1]
    env = migrated | {"LIVEFEED_LOOP": setting}
    pid: list[int] = []
    with serving(env, tmp_path, started=pid) as (port, output):
        assert f"(event loop: {setting})" in output, output
        assert uses_uvloop(pid[0]) is (setting == "uvloop")
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
            sock.sendall(request(f"/feeds/{summit}/events", f"127.0.0.1:{port}"))
            parser = StreamParser()
            while parser.status is None:
                parser.feed(sock.recv(65536))
            assert parser.status == 200
            assert parser.headers["content-type"].startswith("text/event-stream")
            answer = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/feeds/{summit}/posts",
                json={"headline": f"Published under {setting}"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=WAIT,
            )
            assert answer.status_code == 201, answer.text
            seq = answer.json()["seq"]
            events = []
            while not events:
                events = [e for e in parser.feed(sock.recv(65536)) if e.event != "message"]
            [event] = events
            assert event.event == "post.published"
            assert event.id == str(seq)
            assert f"Published under {setting}" in event.data
