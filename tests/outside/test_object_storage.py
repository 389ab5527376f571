"""Uploads in S3-compatible object storage, against a real S3 server on loopback (moto's)."""

from __future__ import annotations

import io
import itertools
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from livefeed.domain.errors import Unavailable
from livefeed.outside.object_storage import IMMUTABLE, ObjectStorage
from livefeed.outside.storage import LocalStorage
from livefeed.services import storage_for
from livefeed.settings import Settings, SettingsError
from tests.ports import free_port
from tests.s3_server import KEY_ID, REGION, SECRET, S3Server

NAME = "ab" * 32 + "-800.jpg"
OTHER = "cd" * 32 + ".mp4"
SITE = "https://news.example/media"
_buckets = itertools.count(1)


def _load(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback)
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), b""


def _storage(server: S3Server, bucket: str, **options: str) -> ObjectStorage:
    return ObjectStorage(
        f"s3://{bucket}/uploads/2026",
        SITE,
        endpoint=server.url,
        region=REGION,
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
        **options,
    )


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    name = f"private-{next(_buckets)}"
    s3_server.bucket(name)
    return name


def test_a_file_is_kept_under_the_prefix_read_back_and_deleted(
    s3_server: S3Server, bucket: str
) -> None:
    storage = _storage(s3_server, bucket)
    assert not storage.exists(NAME)
    storage.put(NAME, io.BytesIO(b"the picture"))
    assert storage.exists(NAME)
    assert storage.open(NAME).read() == b"the picture"
    assert s3_server.keys(bucket) == [f"uploads/2026/{NAME}"]

    storage.delete(NAME)
    assert not storage.exists(NAME)
    assert s3_server.keys(bucket) == []
    storage.delete(NAME)  # two deletions may cross: the second is no error
    with pytest.raises(FileNotFoundError):
        storage.open(NAME)


def test_a_name_already_stored_is_not_written_again(s3_server: S3Server, bucket: str) -> None:
    storage = _storage(s3_server, bucket)
    storage.put(NAME, io.BytesIO(b"first"))
    storage.put(NAME, io.BytesIO(b"second"))
    assert storage.open(NAME).read() == b"first"


@pytest.mark.parametrize("name", ["../secret", "a/b.jpg", ".incoming-x", "livefeed.db", ""])
def test_only_names_the_site_gives_are_stored_or_addressed(
    s3_server: S3Server, bucket: str, name: str
) -> None:
    storage = _storage(s3_server, bucket)
    with pytest.raises(ValueError, match="not a stored file's name"):
        storage.put(name, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="not a stored file's name"):
        storage.url(name)
    assert not storage.exists(name)
    assert s3_server.keys(bucket) == []


def test_posts_keep_the_sites_own_address(s3_server: S3Server, bucket: str) -> None:
    assert _storage(s3_server, bucket).url(NAME) == f"{SITE}/{NAME}"


def test_a_private_bucket_is_read_through_a_signed_address(
    s3_server: S3Server, bucket: str
) -> None:
    storage = _storage(s3_server, bucket)
    storage.put(NAME, io.BytesIO(b"private picture"))
    assert storage.signed

    status, headers, body = _load(storage.location(NAME))
    assert (status, body) == (200, b"private picture")
    assert headers["content-type"] == "image/jpeg"
    assert headers["cache-control"] == IMMUTABLE

    unsigned = urlsplit(storage.location(NAME))._replace(query="").geturl()
    assert _load(unsigned)[0] == 403


def test_a_public_prefix_or_cdn_is_addressed_directly(s3_server: S3Server) -> None:
    s3_server.bucket("public-media", public_prefix="uploads/")
    public = f"{s3_server.url}/public-media/uploads/2026/"
    storage = _storage(s3_server, "public-media", public_url=public)
    storage.put(OTHER, io.BytesIO(b"a video"))
    assert not storage.signed

    assert storage.location(OTHER) == f"{s3_server.url}/public-media/uploads/2026/{OTHER}"
    status, headers, body = _load(storage.location(OTHER))
    assert (status, body) == (200, b"a video")
    assert headers["content-type"] == "video/mp4"


def _settings(**env: str) -> Settings:
    return Settings.from_env({f"LIVEFEED_{k.upper()}": v for k, v in env.items()}, env_file=None)


def test_the_settings_choose_the_storage() -> None:
    assert isinstance(storage_for(_settings()), LocalStorage)
    chosen = storage_for(
        _settings(
            media_url="s3://newsroom-media/live",
            media_endpoint="https://s3.fr-par.scw.cloud",
            media_region="fr-par",
            media_public_url="https://cdn.news.example/live/",
        )
    )
    assert isinstance(chosen, ObjectStorage)
    assert (chosen.bucket, chosen.prefix) == ("newsroom-media", "live")
    assert chosen.location(NAME) == f"https://cdn.news.example/live/{NAME}"
    assert chosen.url(NAME) == f"http://127.0.0.1:8000/media/{NAME}"


def test_the_secret_comes_from_a_file_and_never_shows(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-from-a-file\n")
    settings = _settings(
        media_url="s3://b", media_access_key_id="id", media_secret_access_key_file=str(secret)
    )
    assert settings.media_secret_access_key == "s3cr3t-from-a-file"
    assert "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LIVEFEED_MEDIA_URL", "https://bucket.example/prefix"),
        ("LIVEFEED_MEDIA_URL", "s3:///prefix-without-bucket"),
        ("LIVEFEED_MEDIA_ENDPOINT", "127.0.0.1:9000"),
        ("LIVEFEED_MEDIA_PUBLIC_URL", "cdn.example/media"),
    ],
)
def test_a_bad_storage_setting_stops_the_start_naming_it(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{variable}: "):
        Settings.from_env({variable: value}, env_file=None)


def test_a_storage_that_does_not_answer_is_reported_unavailable() -> None:
    storage = ObjectStorage(
        "s3://gone/media",
        SITE,
        endpoint=f"http://127.0.0.1:{free_port()}",
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
    )
    with pytest.raises(Unavailable, match="the media storage does not answer"):
        storage.put(NAME, io.BytesIO(b"x"))
    with pytest.raises(Unavailable):
        storage.open(NAME)
