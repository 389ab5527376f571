"""Two instances of ``livefeed serve`` on PostgreSQL and Redis, as in production.

Publish on A, read on B; stop Redis, publish, start it again: B's reader has every post, in
order, once. Readers are counted over both instances.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest

from livefeed import accounts
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade
from tests.factories import PASSWORD, make_editor, make_feed
from tests.redis_server import RedisServer, free_port
from tests.test_stream import Stream

pytestmark = pytest.mark.postgres
WAIT = 10.0


@dataclass
class Instance:
    url: str
    process: subprocess.Popen[bytes]


@pytest.fixture
def cluster(
    postgres_url: str, private_redis: RedisServer, tmp_path: Path
) -> Iterator[tuple[Instance, Instance, Services, str]]:
    from tests.conftest import _empty_postgres

    _empty_postgres(postgres_url)
    private_redis.start()
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": postgres_url, "LIVEFEED_SEED_DEMO": "false"}, env_file=None
    )
    svc = Services.build(settings)
    upgrade(svc.db)
    editor = make_editor(svc)
    make_feed(svc, editor)
    token = accounts.create_token(svc, editor.email)
    command = str(Path(sys.executable).with_name("livefeed"))
    instances = []
    for name in ("a", "b"):
        port = free_port()
        env = {
            "PATH": "/usr/bin:/bin",
            "LIVEFEED_DATABASE_URL": postgres_url,
            "LIVEFEED_REDIS_URL": private_redis.url,
            "LIVEFEED_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "LIVEFEED_SEED_DEMO": "false",
        }
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        instances.append(Instance(f"http://127.0.0.1:{port}", process))
    try:
        for instance in instances:
            _wait_until_up(instance)
        yield instances[0], instances[1], svc, token
    finally:
        for instance in instances:
            instance.process.terminate()
            instance.process.wait(WAIT)
        svc.close()


def _wait_until_up(instance: Instance) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert instance.process.poll() is None, "the instance stopped"
        try:
            if httpx.get(instance.url + "/", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError("the instance did not start")


def publish(instance: Instance, token: str, headline: str) -> int:
    answer = httpx.post(
        f"{instance.url}/api/v1/feeds/summit/posts",
        json={"headline": headline},
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT,
    )
    assert answer.status_code == 201, answer.text
    seq: int = answer.json()["seq"]
    return seq


def readers_shown_to_editors(instance: Instance) -> int:
    with httpx.Client(base_url=instance.url, timeout=WAIT) as client:
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token
        client.post(
            "/login",
            data={
                "email": "anna@newsroom.test",
                "password": PASSWORD,
                "csrf_token": token.group(1),
                "next": "/desk",
            },
        )
        page = client.get("/feeds/summit").text
    shown = re.search(r'<p class="readers"><strong>(\d+)</strong>', page)
    assert shown, "editors see no reader count"
    return int(shown.group(1))


def test_published_on_one_instance_read_on_the_other_through_a_redis_outage(
    cluster: tuple[Instance, Instance, Services, str], private_redis: RedisServer
) -> None:
    a, b, _svc, token = cluster
    reader = Stream(f"{b.url}/feeds/summit/events")
    try:
        assert reader.connected() == 200
        first = publish(a, token, "Published on A")
        [message] = reader.wait_for(1)
        assert message.id == str(first)
        assert message.json["data"]["headline"] == "Published on A"

        deadline = time.monotonic() + 3 * WAIT
        while readers_shown_to_editors(a) != 1:
            assert time.monotonic() < deadline, "A never counted B's reader"
            time.sleep(0.5)

        private_redis.stop()
        seqs = [publish(a, token, f"During the outage {n}") for n in range(100)]
        private_redis.start()
        messages = reader.wait_for(101)
        assert [int(m.id or 0) for m in messages] == [first, *seqs]
        assert seqs == list(range(first + 1, first + 101))
    finally:
        reader.close()
