"""Livefeed as the README deploys it: instances of ``livefeed serve`` on PostgreSQL and Redis,
and nginx in front of them running the shipped ``deploy/nginx.conf``.

nginx runs unprivileged from a folder of the test's own (its configuration, pid, logs and
temporary files), on loopback ports; the shipped file is used as it is but for the addresses
and paths that name the operator's machine, each of which must be found in it.
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest

import livefeed.web
from livefeed.access import accounts
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade
from tests.conftest import _empty_postgres, missing_service
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed
from tests.ports import free_port
from tests.redis_server import RedisServer

NGINX = Path("/usr/sbin/nginx")
SHIPPED = Path(__file__).parents[2] / "deploy" / "nginx.conf"
STATIC = Path(livefeed.web.__file__).parent / "static"
COMMAND = Path(sys.executable).with_name("livefeed")
WAIT = 15.0
# Starting an instance costs seconds, more while other suites share the machine.
START_TIMEOUT = 60.0
SHIPPED_PORTS = (8001, 8002, 8003)


@dataclass
class Instance:
    """One ``livefeed serve`` of the test's own, on a loopback port."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"instance {self.name} exited:\n{self.log.read_text()}")
            try:
                httpx.get(self.url + "/", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        pytest.fail(f"instance {self.name} did not answer:\n{self.log.read_text()}")

    def terminate(self) -> int:
        """SIGTERM, as systemd stops it; the exit status once it has gone."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"instance {self.name} ignored SIGTERM:\n{self.log.read_text()}")


def start_instance(directory: Path, name: str, env: dict[str, str]) -> Instance:
    port = free_port()
    everything = {
        "PATH": "/usr/bin:/bin",
        "PYTHONUNBUFFERED": "1",
        "LIVEFEED_SEED_DEMO": "false",
        **env,
    }
    log = directory / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(COMMAND), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=everything,
            cwd=directory,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Instance(name, port, process, log)


class Nginx:
    """nginx with the shipped site file, in front of ``instances``, until :meth:`stop`."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.access_log = directory / "access.log"
        self.error_log = directory / "error.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, instances: list[Instance], media_root: Path) -> None:
        directory = self.directory
        for temporary in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / temporary).mkdir()
        site = directory / "livefeed.conf"
        site.write_text(self._site(instances, media_root))
        main = directory / "nginx.conf"
        main.write_text(self._main(site))
        self.process = subprocess.Popen(
            [str(NGINX), "-p", str(directory), "-c", str(main), "-e", str(self.error_log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _site(self, instances: list[Instance], media_root: Path) -> str:
        text = SHIPPED.read_text()
        replacements = [
            ("listen 80;", f"listen 127.0.0.1:{self.port};"),
            ("listen [::]:80;\n", ""),
            ("/var/log/nginx/livefeed.access.log", str(self.access_log)),
            ("/var/log/nginx/livefeed.error.log", f"{self.error_log} warn"),
            ("/srv/livefeed/static/", f"{STATIC}/"),
            ("root /srv/livefeed;", f"root {media_root};"),
        ]
        for shipped, ours in zip(SHIPPED_PORTS, instances, strict=True):
            replacements.append((f"127.0.0.1:{shipped} ", f"{ours.address} "))
        for old, new in replacements:
            assert old in text, f"deploy/nginx.conf no longer holds {old!r}"
            text = text.replace(old, new)
        return text

    def _main(self, site: Path) -> str:
        # nginx started by root hands its workers to "nobody" unless told otherwise; they must
        # read the test's folders.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        folder = self.directory
        return (
            f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {self.error_log} warn;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            f"    client_body_temp_path {folder}/body;\n"
            f"    proxy_temp_path {folder}/proxy;\n"
            f"    fastcgi_temp_path {folder}/fastcgi;\n"
            f"    uwsgi_temp_path {folder}/uwsgi;\n"
            f"    scgi_temp_path {folder}/scgi;\n"
            f"    include {site};\n"
            "}\n"
        )

    def _wait_until_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited:\n{self.error_log.read_text()}")
            try:
                httpx.get(self.url + "/static/live.js", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        pytest.fail(f"nginx did not answer:\n{self.error_log.read_text()}")

    def stop(self) -> None:
        """Graceful: nginx finishes what it is answering (its log lines with it), then exits."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def upstreams(self, user_agent: str) -> list[str]:
        """Which instance answered each request made with ``user_agent``, in order."""
        found = []
        for line in self.access_log.read_text().splitlines():
            if f'"{user_agent}"' in line:
                found.append(line.split(" upstream=", 1)[1].split(" ", 1)[0])
        return found


@pytest.fixture
def nginx_binary() -> Path:
    if not NGINX.exists():
        missing_service(f"nginx is not installed at {NGINX}")
    return NGINX


@dataclass
class Site:
    """A migrated PostgreSQL database holding Anna, her feed "summit" and her API token."""

    svc: Services
    database_url: str
    token: str


@pytest.fixture
def site(postgres_url: str) -> Iterator[Site]:
    _empty_postgres(postgres_url)
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": postgres_url, "LIVEFEED_SEED_DEMO": "false"}, env_file=None
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    upgrade(svc.db)
    editor = make_editor(svc)
    make_feed(svc, editor)
    yield Site(svc, postgres_url, accounts.create_token(svc, editor.email))
    svc.close()


@pytest.fixture
def instances() -> Iterator[list[Instance]]:
    """Instances the test starts; each still running is stopped at its end."""
    started: list[Instance] = []
    yield started
    for instance in started:
        if instance.process.poll() is None:
            instance.terminate()


def publish(url: str, token: str, headline: str) -> int:
    answer = httpx.post(
        f"{url}/api/v1/feeds/summit/posts",
        json={"headline": headline},
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT,
    )
    assert answer.status_code == 201, answer.text
    seq: int = answer.json()["seq"]
    return seq


@dataclass
class Cluster:
    nginx: Nginx
    instances: list[Instance]


Launch = Callable[..., Cluster]


@pytest.fixture
def launch(
    nginx_binary: Path,
    site: Site,
    private_redis: RedisServer,
    instances: list[Instance],
    tmp_path: Path,
) -> Iterator[Launch]:
    """Three instances on PostgreSQL and Redis, told to believe nginx, and nginx in front."""
    nginx = Nginx(tmp_path / "nginx", free_port())
    nginx.directory.mkdir()

    # The folder every instance shares for uploads (unless told otherwise), served by nginx.
    shared = tmp_path / "shared"
    (shared / "media").mkdir(parents=True)

    def start(**env: str) -> Cluster:
        private_redis.start()
        settings = {
            "LIVEFEED_DATABASE_URL": site.database_url,
            "LIVEFEED_REDIS_URL": private_redis.url,
            "LIVEFEED_PUBLIC_URL": nginx.url,
            "LIVEFEED_TRUSTED_PROXIES": "127.0.0.1",
            "LIVEFEED_MEDIA_DIR": str(shared / "media"),
            **env,
        }
        for name in ("a", "b", "c"):
            instances.append(start_instance(tmp_path, name, settings))
        for instance in instances:
            instance.wait_until_up()
        nginx.start(instances, shared)
        return Cluster(nginx, instances)

    yield start
    nginx.stop()
