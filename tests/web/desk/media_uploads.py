"""Sending a file to an upload door, reading a refusal, and checking that nothing was kept."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from livefeed.services import Services
from livefeed.store import media as media_store
from tests import media_files as files

UPLOAD = "/api/v1/media"


def post_file(
    client: TestClient,
    data: bytes,
    name: str = "photo.jpg",
    alt: str | None = "Delegates in the hall",
    headers: dict[str, str] | None = None,
    url: str = UPLOAD,
    extra: dict[str, str] | None = None,
) -> Any:
    fields = {} if alt is None else {"alt": alt}
    return client.post(
        url,
        data=fields | (extra or {}),
        files={"file": (name, data, "image/jpeg")},
        headers=headers,
    )


def rows(svc: Services) -> int:
    with svc.db.read() as conn:
        return media_store.count_media(conn)


def nothing_stored(svc: Services) -> bool:
    return rows(svc) == 0 and files.stored_files(svc.settings.media_path) == set()


def assert_refused(response: Any, status: int, field: str, message: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["field"] == field
    if message is not None:
        assert body["errors"] == [{"field": field, "message": message}]
