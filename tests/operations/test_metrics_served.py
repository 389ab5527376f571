"""Metrics of a real ``livefeed serve``: readers by feed, events fanned out and how long they
took from the commit to the readers, with a token at ``/metrics`` and on a port of their own."""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Iterator

import pytest

from livefeed.services import Services
from livefeed.settings import Settings
from tests.conftest import announcing
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed, make_post
from tests.operations.conftest import Serve, Served
from tests.ports import free_port
from tests.realtime.test_stream import WAIT, Stream
from tests.web.test_metrics import samples

TOKEN = "served-metrics-token"


@pytest.fixture
def site(serve: Serve) -> Iterator[tuple[Served, Services, int]]:
    metrics_port = free_port()
    served = serve(LIVEFEED_METRICS_TOKEN=TOKEN, LIVEFEED_METRICS_PORT=str(metrics_port))
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": f"sqlite:///{served.log.parent / 'livefeed.db'}"},
        env_file=None,
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    with announcing(svc):
        yield served, svc, metrics_port
    svc.close()


def scrape(
    url: str, token: str | None = TOKEN
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    request = urllib.request.Request(url)  # noqa: S310 (our own loopback server)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=WAIT) as response:  # noqa: S310
        return samples(response.read().decode())


def test_readers_fan_out_and_delivery_time_are_measured(
    site: tuple[Served, Services, int],
) -> None:
    served, svc, metrics_port = site
    anna = make_editor(svc)
    feed = make_feed(svc, anna)
    readers = [Stream(served.at("/feeds/summit/events")) for _ in range(3)]
    try:
        assert all(reader.connected() == 200 for reader in readers)
        found = scrape(served.at("/metrics"))
        assert found[("livefeed_stream_readers", (("feed_id", str(feed.id)),))] == 3

        make_post(svc, anna, headline="One")
        make_post(svc, anna, headline="Two")
        for reader in readers:
            reader.wait_for(2)
        found = scrape(served.at("/metrics"))
    finally:
        for reader in readers:
            reader.close()
    assert found[("livefeed_events_fanned_out_total", ())] == 2
    assert found[("livefeed_event_deliveries_total", ())] == 6
    assert found[("livefeed_publish_to_deliver_seconds_count", ())] == 2
    # Without Redis a commit in another process wakes the server through the wake directory.
    assert 0 < found[("livefeed_publish_to_deliver_seconds_sum", ())] < 2 * WAIT

    # The same numbers on the metrics port, which asks for no token.
    alone = scrape(f"http://127.0.0.1:{metrics_port}/metrics", token=None)
    assert alone[("livefeed_events_fanned_out_total", ())] == 2

    deadline = time.monotonic() + WAIT
    while ("livefeed_stream_readers", (("feed_id", str(feed.id)),)) in found:
        assert time.monotonic() < deadline, "the readers who left are still counted"
        found = scrape(served.at("/metrics"))
        if found.get(("livefeed_stream_readers", (("feed_id", str(feed.id)),))) == 0:
            break
        time.sleep(0.1)


def test_stream_lines_say_how_long_and_how_many_events(
    site: tuple[Served, Services, int],
) -> None:
    served, svc, _ = site
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_post(svc, anna, headline="Before")
    reader = Stream(served.at("/feeds/summit/events"), headers={"Last-Event-ID": "0"})
    try:
        reader.wait_for(1)
        make_post(svc, anna, headline="After")
        reader.wait_for(2)
    finally:
        reader.close()
    deadline = time.monotonic() + WAIT
    while "stream closed summit" not in served.output():
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.05)
    output = served.output()
    # One line a stream, when it ends: where it started, how long, what it was sent.
    closed = re.findall(
        r"INFO livefeed\.stream \[[0-9a-f]{16}\] "
        r"stream closed summit after [0-9.]+s, 2 events sent after seq 0$",
        output,
        re.M,
    )
    assert len(closed) == 1, output
    assert "stream opened" not in output
