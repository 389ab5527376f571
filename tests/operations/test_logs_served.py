"""The logs of a real ``livefeed serve`` through a whole session: every line dated, levelled,
named and tied to its request; access lines with route, status, duration and bytes; and not one
password, token, session or form token anywhere in them."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import httpx2 as httpx

from livefeed.services import Services
from livefeed.settings import Settings
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_editor, make_feed
from tests.operations.conftest import Serve, Served
from tests.web.conftest import csrf_of

READER_PASSWORD = "a reader's own secret words"
TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+ "
    r"\[(-|[A-Za-z0-9._-]{8,64})\] "
)


def session(served: Served, svc: Services) -> list[str]:
    """Sign up, log in, make an API token, publish with it; every secret used, returned."""
    secrets: list[str] = [PASSWORD, READER_PASSWORD]
    make_feed(svc, make_editor(svc))
    with httpx.Client(base_url=served.url, follow_redirects=False, timeout=30) as reader:
        token = csrf_of(reader.get("/signup").text)
        signed_up = reader.post(
            "/signup",
            data={
                "csrf_token": token,
                "next": "/",
                "display_name": "Rita Reader",
                "email": "rita@readers.test",
                "password": READER_PASSWORD,
                "accept_standards": "on",
            },
        )
        assert signed_up.status_code == 303, signed_up.text
        secrets += [token, *reader.cookies.values()]
        # A wrong password, as anyone mistypes it.
        mistyped = reader.post(
            "/login",
            data={
                "csrf_token": csrf_of(reader.get("/login").text),
                "email": "anna@newsroom.test",
                "password": "the wrong password, typed",
            },
        )
        assert mistyped.status_code == 422
        secrets.append("the wrong password, typed")
    with httpx.Client(base_url=served.url, follow_redirects=False, timeout=30) as desk:
        token = csrf_of(desk.get("/login").text)
        logged_in = desk.post(
            "/login",
            data={"csrf_token": token, "email": "anna@newsroom.test", "password": PASSWORD},
        )
        assert logged_in.status_code == 303, logged_in.text
        page = desk.get("/desk/tokens").text
        made = desk.post(
            "/desk/tokens",
            data={
                "csrf_token": csrf_of(page),
                "name": "newsroom script",
                "role": "editor",
                "expires": "30d",
                "feeds": "summit",
            },
        )
        assert made.status_code == 201, made.text
        api_token = re.search(r'class="one-time-link" readonly value="([^"]+)"', made.text)
        assert api_token
        secrets += [token, csrf_of(page), api_token.group(1), *desk.cookies.values()]
    published = httpx.post(
        served.at("/api/v1/feeds/summit/posts"),
        json={"headline": "Published with a token", "body": "Through the API."},
        headers={"Authorization": f"Bearer {api_token.group(1)}"},
        timeout=30,
    )
    assert published.status_code == 201, published.text
    refused = httpx.post(
        served.at("/api/v1/feeds/summit/posts"),
        json={"headline": "Refused"},
        headers={"Authorization": "Bearer lf_not-a-real-token-but-shaped-like-one"},
        timeout=30,
    )
    assert refused.status_code == 401
    secrets.append("lf_not-a-real-token-but-shaped-like-one")
    return secrets


def services_of(served: Served) -> Services:
    database = served.log.parent / "livefeed.db"
    settings = Settings.from_env({"LIVEFEED_DATABASE_URL": f"sqlite:///{database}"}, env_file=None)
    return Services.build(settings, passwords=CHEAP_PASSWORDS)


def first_admin_password(served: Served) -> str:
    where = re.search(r"the password is in (\S+) \(readable by you alone", served.output())
    assert where, served.output()
    path = Path(where.group(1))
    assert path.parent == served.log.parent
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    email, password = path.read_text().splitlines()
    assert email == "admin@livefeed.local"
    return password


def test_a_whole_session_leaves_no_secret_in_the_logs(serve: Serve) -> None:
    served = serve()
    svc = services_of(served)
    try:
        secrets = [first_admin_password(served), *session(served, svc)]
    finally:
        svc.close()
    served.stop()
    output = served.output()
    assert all(len(secret) >= 8 for secret in secrets)
    for secret in secrets:
        assert secret not in output, f"a secret is in the logs: {secret[:4]}…"

    lines = [line for line in output.splitlines() if TEXT_LINE.match(line)]
    access = [line for line in lines if " livefeed.access " in line]
    assert any(
        re.search(r"\] POST /api/v1/feeds/\{slug\}/posts 201 [0-9.]+ms \d+B$", line)
        for line in access
    ), access
    assert any(re.search(r"\] GET /signup 200 [0-9.]+ms [1-9]\d*B$", line) for line in access)
    assert all(not re.search(r"\[-\]", line) for line in access)
    # What the app itself says is logged too (it was dropped before logging was configured).
    assert any(" uvicorn.error " in line for line in lines)
    # Nothing but the console's own messages goes unformatted.
    unformatted = [line for line in output.splitlines() if line and not TEXT_LINE.match(line)]
    assert all(
        line.startswith(("Database ", "First admin: ", "Livefeed on ")) for line in unformatted
    ), unformatted


def test_json_logs_are_one_object_a_line(serve: Serve) -> None:
    served = serve(LIVEFEED_LOG_FORMAT="json")
    svc = services_of(served)
    try:
        secrets = session(served, svc)
    finally:
        svc.close()
    served.stop()
    output = served.output()
    for secret in secrets:
        assert secret not in output
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert records
    for record in records:
        assert {"timestamp", "level", "logger", "request_id", "message"} <= set(record), record
    access = [r for r in records if r["logger"] == "livefeed.access"]
    posted = [
        r for r in access if r["route"] == "/api/v1/feeds/{slug}/posts" and r["method"] == "POST"
    ]
    assert posted
    assert posted[0]["status"] == 201
    assert posted[0]["bytes"] > 0
    assert posted[0]["duration_ms"] > 0
    assert len({r["request_id"] for r in access}) == len(access)
