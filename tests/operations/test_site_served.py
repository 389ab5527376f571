"""``livefeed serve`` for real: links follow the port it serves on, pages leave compressed while
the event stream never is, and a production start seeds no demo."""

from __future__ import annotations

import socket

import httpx2 as httpx

from tests.operations.conftest import Serve
from tests.realtime.test_stream import WAIT


def test_links_follow_the_port_when_no_public_url_is_set(serve: Serve) -> None:
    served = serve()  # LIVEFEED_PORT alone, as an operator would move it off 8000
    robots = httpx.get(served.at("/robots.txt"), timeout=WAIT).text
    assert f"Sitemap: http://127.0.0.1:{served.port}/sitemap.xml" in robots
    assert "127.0.0.1:8000" not in robots
    assert f"Livefeed on http://127.0.0.1:{served.port}/" in served.output()
    # No demo on a production start: the site has nothing but what its editors make.
    assert "Demo feed" not in served.output()
    assert httpx.get(served.at("/sitemap-news.xml"), timeout=WAIT).text.count("<url>") == 0


def test_pages_are_compressed_and_the_stream_is_not(serve: Serve) -> None:
    served = serve("--demo")
    assert "Demo feed: " in served.output()
    slug = served.output().split("Demo feed: ")[1].split()[0].rsplit("/", 1)[1]
    page = httpx.get(served.at(f"/feeds/{slug}"), headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    updates = httpx.get(
        served.at(f"/feeds/{slug}/updates?since=0"), headers={"Accept-Encoding": "gzip"}
    )
    assert updates.headers["content-encoding"] == "gzip"
    assert updates.json()["events"]

    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(
            f"GET /feeds/{slug}/events?last_event_id=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: text/event-stream\r\nAccept-Encoding: gzip, br\r\n\r\n".encode()
        )
        received = b""
        while b"event: post.published" not in received:
            data = sock.recv(65536)
            assert data, received
            received += data
    head = received.split(b"\r\n\r\n", 1)[0].decode().lower()
    assert head.startswith("http/1.1 200")
    assert "content-type: text/event-stream" in head
    assert "content-encoding" not in head
