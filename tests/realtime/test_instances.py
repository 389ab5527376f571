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

from livefeed.access import accounts
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade
from tests.conftest import _empty_postgres
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_editor, make_feed
from tests.ports import free_port
from tests.realtime.test_stream import Stream
from tests.redis_server import RedisServer

pytestmark = pytest.mark.postgres
WAIT = 10.0
# A process starting on a machine busy with other tests may take a while to import and listen.
START_WAIT = 60.0


@dataclass
class Instance:
    url: str
    process: subprocess.Popen[bytes]


def start_instance(postgres_url: str, redis_url: str, directory: Path, name: str) -> Instance:
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "LIVEFEED_DATABASE_URL": postgres_url,
        "LIVEFEED_REDIS_URL": redis_url,
        "LIVEFEED_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LIVEFEED_SEED_DEMO": "false",
    }
    command = str(Path(sys.executable).with_name("livefeed"))
    with (directory / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(
            [command, "serve", "--workers", "1", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=directory,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Instance(f"http://127.0.0.1:{port}", process)


@pytest.fixture
def site(postgres_url: str) -> Iterator[tuple[Services, str]]:
    """A migrated PostgreSQL database with an editor, a feed and the editor's API token."""
    _empty_postgres(postgres_url)
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": postgres_url, "LIVEFEED_SEED_DEMO": "false"}, env_file=None
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    upgrade(svc.db)
    editor = make_editor(svc)
    make_feed(svc, editor)
    yield svc, accounts.create_token(svc, editor.email)
    svc.close()


@pytest.fixture
def instances(
    postgres_url: str, private_redis: RedisServer, tmp_path: Path
) -> Iterator[list[Instance]]:
    """Instances are started by the test; each is stopped at its end."""
    started: list[Instance] = []
    yield started
    for instance in started:
        instance.process.terminate()
        instance.process.wait(WAIT)


@pytest.fixture
def cluster(
    postgres_url: str,
    private_redis: RedisServer,
    tmp_path: Path,
    site: tuple[Services, str],
    instances: list[Instance],
) -> tuple[Instance, Instance, str]:
    private_redis.start()
    for name in ("a", "b"):
        instances.append(start_instance(postgres_url, private_redis.url, tmp_path, name))
    for instance in instances:
        _wait_until_up(instance)
    return instances[0], instances[1], site[1]


def _wait_until_up(instance: Instance) -> None:
    deadline = time.monotonic() + START_WAIT
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
    cluster: tuple[Instance, Instance, str], private_redis: RedisServer
) -> None:
    a, b, token = cluster
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


def test_an_instance_starts_while_redis_is_down_and_serves_from_the_log(
    postgres_url: str,
    private_redis: RedisServer,
    tmp_path: Path,
    site: tuple[Services, str],
    instances: list[Instance],
) -> None:
    _svc, token = site
    instance = start_instance(postgres_url, private_redis.url, tmp_path, "alone")
    instances.append(instance)
    _wait_until_up(instance)
    reader = Stream(f"{instance.url}/feeds/summit/events")
    try:
        assert reader.connected() == 200
        before = publish(instance, token, "Before Redis")
        private_redis.start()
        after = publish(instance, token, "After Redis")
        assert [int(m.id or 0) for m in reader.wait_for(2)] == [before, after]
    finally:
        reader.close()
