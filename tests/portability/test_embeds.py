"""A social post's snapshot moves with its feed: its picture as a file of the zip, its markup
sanitised again on the way in, its hosts plain origins."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from livefeed.distribution import reading
from livefeed.domain.errors import Invalid
from livefeed.domain.users import User
from livefeed.portability import importing
from livefeed.services import Services
from tests.factories import make_editor, make_feed, make_post
from tests.portability.test_round_trip import _admin, document, exported
from tests.social_sites import Social, social_sites


@pytest.fixture
def social(svc: Services) -> Iterator[Social]:
    with social_sites(svc) as sites:
        yield sites


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    return anna


def with_document(data: bytes, change: Any) -> bytes:
    """The zip with its document changed by ``change``, every file kept."""
    source = zipfile.ZipFile(io.BytesIO(data))
    found = json.loads(source.read("feed.json"))
    change(found)
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            body = json.dumps(found).encode() if name == "feed.json" else source.read(name)
            out.writestr(name, body)
    return target.getvalue()


def test_the_snapshot_and_its_picture_come_back_the_same(
    svc: Services, editor: User, social: Social, other_site: Services
) -> None:
    post = make_post(svc, editor, **{"embed.url": social.chirp_post()})
    assert post.embed is not None
    data = exported(svc)
    embed = document(data)["posts"][0]["embed"]
    picture = post.embed.image_url.rsplit("/", 1)[1]
    assert embed["image"] == f"media/{picture}"
    assert f"media/{picture}" in zipfile.ZipFile(io.BytesIO(data)).namelist()

    importing.import_feed(other_site, _admin(other_site), io.BytesIO(data))

    again = document(exported(other_site))["posts"][0]["embed"]
    assert again == embed
    assert other_site.storage.exists(picture)


def test_markup_and_hosts_are_not_taken_on_trust(
    svc: Services, editor: User, social: Social, other_site: Services
) -> None:
    make_post(svc, editor, **{"embed.url": social.chirp_post()})

    def hostile(found: dict[str, Any]) -> None:
        found["posts"][0]["embed"]["html"] = '<p onclick="x()">Hi<script>steal()</script></p>'

    importing.import_feed(
        other_site, _admin(other_site), io.BytesIO(with_document(exported(svc), hostile))
    )
    admin = _admin(other_site)
    (post,) = reading.list_posts(other_site, "summit", limit=5, cursor=None)[1]
    assert post.embed is not None
    assert post.embed.html == "<p>Hi</p>"

    def injected(found: dict[str, Any]) -> None:
        found["uri"] += "-again"
        found["slug"] = "summit-again"
        found["posts"][0]["embed"]["hosts"] = ["https://a.test; script-src *"]

    with pytest.raises(Invalid) as refused:
        importing.import_feed(other_site, admin, io.BytesIO(with_document(exported(svc), injected)))
    assert list(refused.value.errors) == ["posts[0].embed.hosts"]
