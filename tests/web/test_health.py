"""``/healthz`` and ``/readyz``: what a load balancer asks before it sends an instance traffic."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import migrate
from livefeed.web.app import create_app
from tests.factories import CHEAP_PASSWORDS
from tests.redis_server import RedisServer

Probe = Callable[..., TestClient]


@pytest.fixture
def probe(tmp_path: Path) -> Iterator[Probe]:
    """Builds an app over settings of the test's own; the apps are closed at the end."""
    built: list[Services] = []

    def make(**values: str) -> TestClient:
        settings = Settings.from_env(
            {"LIVEFEED_MEDIA_DIR": str(tmp_path / "media"), **values}, env_file=None
        )
        svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
        built.append(svc)
        # No lifespan: the checks need nothing the app starts, only what it is given.
        return TestClient(create_app(settings, svc))

    yield make
    for svc in built:
        svc.close()


def test_healthz_says_the_process_answers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ready_on_a_current_database(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_names_migrations_not_yet_applied(
    probe: Probe, sqlite_template: Path, tmp_path: Path
) -> None:
    database = tmp_path / "behind.db"
    shutil.copy(sqlite_template, database)
    settings = Settings.from_env({"LIVEFEED_DATABASE_URL": f"sqlite:///{database}"}, env_file=None)
    svc = Services.build(settings)
    migrate.downgrade(svc.db, "0013")
    svc.close()
    response = probe(LIVEFEED_DATABASE_URL=f"sqlite:///{database}")
    answer = response.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "not ready",
        "problems": {"migrations": f"at revision 0013, this code needs {migrate.head_revision()}"},
    }


def test_readyz_names_a_database_that_does_not_answer(probe: Probe, tmp_path: Path) -> None:
    # A directory is no database file: every connection fails.
    client = probe(LIVEFEED_DATABASE_URL=f"sqlite:///{tmp_path}")
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "not ready", "problems": {"database": "does not answer"}}
    assert str(tmp_path) not in answer.text


def test_readyz_asks_redis_when_one_is_configured(
    probe: Probe, sqlite_url: str, private_redis: RedisServer
) -> None:
    client = probe(LIVEFEED_DATABASE_URL=sqlite_url, LIVEFEED_REDIS_URL=private_redis.url)
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["problems"] == {"redis": "does not answer"}

    private_redis.start()
    up = client.get("/readyz")
    assert up.status_code == 200, up.text
