"""A picture uploaded through one instance is there on every other: in object storage (a
real S3 server on loopback) or in one folder the instances share, which nginx serves."""

from __future__ import annotations

import itertools

import httpx2 as httpx
import pytest

from tests import media_files as files
from tests.deploy.conftest import WAIT, Launch, Site
from tests.s3_server import KEY_ID, REGION, SECRET, S3Server

pytestmark = pytest.mark.postgres
_buckets = itertools.count(1)


def _upload(url: str, token: str) -> dict[str, object]:
    answer = httpx.post(
        f"{url}/api/v1/media",
        data={"alt": "Delegates in the hall", "feed": "summit"},
        files={"file": ("hall.jpg", files.jpeg(2000, 1500), "image/jpeg")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT,
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def _publish_with(url: str, token: str, picture: str) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/feeds/summit/posts",
        json={"headline": "The hall fills", "image": {"url": picture, "alt": "The hall"}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT,
    )


def test_uploaded_on_one_instance_read_from_another_in_object_storage(
    launch: Launch, site: Site, s3_server: S3Server
) -> None:
    bucket = f"newsroom-{next(_buckets)}"
    s3_server.bucket(bucket)
    cluster = launch(
        LIVEFEED_MEDIA_URL=f"s3://{bucket}/media",
        LIVEFEED_MEDIA_ENDPOINT=s3_server.url,
        LIVEFEED_MEDIA_REGION=REGION,
        LIVEFEED_MEDIA_ACCESS_KEY_ID=KEY_ID,
        LIVEFEED_MEDIA_SECRET_ACCESS_KEY=SECRET,
    )
    nginx, (a, b, c) = cluster.nginx, cluster.instances

    uploaded = _upload(a.url, site.token)
    address = str(uploaded["url"])
    name = address.rsplit("/", 1)[1]
    # Posts keep the site's own address, whichever storage is behind it.
    assert address == f"{nginx.url}/media/{name}"
    assert f"media/{name}" in s3_server.keys(bucket)
    stored = s3_server.client.get_object(Bucket=bucket, Key=f"media/{name}")["Body"].read()

    for door in (b.url, nginx.url):
        sent = httpx.get(f"{door}/media/{name}", timeout=WAIT)
        assert sent.status_code == 302
        location = sent.headers["location"]
        assert location.startswith(f"{s3_server.url}/{bucket}/media/{name}?")
        assert "X-Amz-Signature=" in location
        picture = httpx.get(location, timeout=WAIT)
        assert picture.status_code == 200
        assert picture.content == stored
        assert picture.headers["content-type"] == "image/jpeg"

    # Another instance knows the upload as this site's own: the post gets its renditions.
    post = _publish_with(c.url, site.token, address)
    assert post.status_code == 201, post.text
    page = httpx.get(f"{nginx.url}/feeds/summit", timeout=WAIT).text
    assert f"/media/{name}" in page


def test_uploaded_on_one_instance_served_by_nginx_from_the_shared_folder(
    launch: Launch, site: Site
) -> None:
    cluster = launch()
    nginx, (a, b, _c) = cluster.nginx, cluster.instances
    name = str(_upload(a.url, site.token)["url"]).rsplit("/", 1)[1]

    direct = httpx.get(f"{b.url}/media/{name}", timeout=WAIT)
    assert direct.status_code == 200
    served = httpx.get(f"{nginx.url}/media/{name}", headers={"User-Agent": "media-check"})
    assert served.status_code == 200
    assert served.content == direct.content
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"] == "default-src 'none'; sandbox"
    # A name Livefeed never gives is not looked up in the folder.
    refused = httpx.get(f"{nginx.url}/media/.incoming-x", headers={"User-Agent": "media-check"})
    assert refused.status_code == 404
    nginx.stop()
    # nginx served the picture itself, and passed the name it does not serve to an instance.
    served_by, refused_by = nginx.upstreams("media-check")
    assert served_by == "-"
    assert refused_by != "-"
