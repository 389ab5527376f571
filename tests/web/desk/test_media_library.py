"""The media library on the desk (listing, deleting, without JavaScript), and the quotas and
feeds as the upload doors answer them."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.media import size_text
from livefeed.domain.users import User
from livefeed.newsroom import media
from livefeed.services import Services
from tests import media_files as files
from tests.factories import make_contributor, make_feed, make_post, make_user
from tests.web.conftest import Page, bearer, csrf, log_in, squeeze, submit
from tests.web.desk.media_uploads import assert_refused, post_file, rows

# Every test here works on the feed "summit" (tests/web/desk/conftest.py).
pytestmark = pytest.mark.usefixtures("summit")


def desk_upload(client: TestClient, data: bytes, name: str, **fields: str) -> dict[str, Any]:
    response = post_file(
        client, data, name, url="/desk/media", headers={"X-CSRF-Token": csrf(client)},
        extra=fields,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def stored(svc: Services) -> set[str]:
    return files.stored_files(svc.settings.media_path)


def item(html: str, media_id: int) -> str:
    """One upload's part of the library page, from its article to the next one's."""
    start = html.index(f'id="upload-{media_id}"')
    end = html.find('<article class="queue-item', start + 1)
    return squeeze(html[start : end if end > 0 else len(html)])


# Listing -----------------------------------------------------------------------------------------


def test_the_desk_links_the_library_for_those_who_upload(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_user(svc, "olga@newsroom.test", name="Olga Outsider")
    log_in(client, editor.email)
    assert '<a href="/desk/media">Media library</a>' in client.get("/desk").text

    log_in(client, "olga@newsroom.test")
    assert "/desk/media" not in client.get("/desk").text
    assert client.get("/desk/media").status_code == 403


def test_the_library_shows_each_upload_with_where_it_is_used(
    desk: TestClient, svc: Services, editor: User
) -> None:
    picture = desk_upload(desk, files.png(700, 350), "map.png", alt="A map", feed="summit")
    clip = post_file(desk, files.video("mp4"), "clip.mp4", alt="The motorcade", url="/desk/media",
                     headers={"X-CSRF-Token": csrf(desk)}).json()  # fmt: skip
    post = make_post(svc, editor, headline="The route", **{"image.url": picture["url"],
                                                          "image.alt": "A map"})  # fmt: skip

    response = desk.get("/desk/media")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    html = response.text
    assert "Your uploads take" in html
    shown = item(html, picture["id"])
    assert f'<img src="{picture["renditions"][0]["url"]}" alt=""' in shown
    assert "<dt>Kind</dt><dd>PNG picture, 700 × 350 pixels</dd>" in shown
    record = media.get_media(svc, picture["id"])
    assert record is not None
    assert f"<dt>Size</dt><dd>{size_text(record.byte_size)}</dd>" in shown
    assert "<dt>Uploaded by</dt><dd>Anna Editor</dd>" in shown
    assert "<dt>For</dt><dd>Summit in Geneva: live</dd>" in shown
    when = svc.clock().strftime("%d %b %Y, %H:%M")
    assert f"{when} UTC</time>" in shown
    assert f'<a href="/feeds/summit/posts/{post.id}">The route</a> in Summit in Geneva' in shown
    assert "In use: it can be deleted once no post shows it." in shown
    assert f"/desk/media/{picture['id']}/delete" not in shown

    video = item(html, clip["id"])
    assert "<dt>Kind</dt><dd>MP4 video</dd>" in video
    assert "<dt>Length</dt><dd>0:01</dd>" in video
    assert "<dt>For</dt><dd>no feed in particular</dd>" in video
    assert "<dt>Used in</dt><dd>no post</dd>" in video
    assert f'href="/desk/media/{clip["id"]}/delete">Delete' in video
    # No script is needed: every action is a link or a form.
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_contributor_sees_their_own_uploads_only(
    client: TestClient, svc: Services, editor: User
) -> None:
    carl = make_contributor(svc)
    log_in(client, editor.email)
    annas = desk_upload(client, files.png(50, 50), "a.png", feed="summit")
    log_in(client, carl.email)
    carls = desk_upload(client, files.png(60, 50), "c.png", feed="summit")

    mine = client.get("/desk/media").text
    log_in(client, editor.email)
    editors = client.get("/desk/media").text

    assert f'id="upload-{carls["id"]}"' in mine
    assert f'id="upload-{annas["id"]}"' not in mine
    assert f'id="upload-{carls["id"]}"' in editors
    assert f'id="upload-{annas["id"]}"' in editors


# Deleting ----------------------------------------------------------------------------------------


def test_deleting_asks_first_then_removes_the_row_and_files(
    desk: TestClient, svc: Services
) -> None:
    picture = desk_upload(desk, files.png(700, 350), "map.png", alt="A map", feed="summit")
    assert len(stored(svc)) == 2

    confirm = desk.get(f"/desk/media/{picture['id']}/delete")

    assert confirm.status_code == 200
    page = Page(confirm.text)
    assert "Delete this upload?" in confirm.text
    (form,) = [tag for tag in page.tags("form") if tag.get("action", "").endswith("/delete")]
    assert form == {"method": "post", "action": f"/desk/media/{picture['id']}/delete",
                    "class": "actions"}  # fmt: skip
    assert "csrf_token" in page.values
    assert rows(svc) == 1  # asking deletes nothing

    done = submit(desk, f"/desk/media/{picture['id']}/delete", {})

    assert done.status_code == 303
    assert done.headers["location"] == "/desk/media?deleted=1"
    assert rows(svc) == 0
    assert stored(svc) == set()
    after = desk.get(done.headers["location"]).text
    assert '<p class="notice" role="status">The upload is deleted.</p>' in after
    assert desk.get(picture["url"].removeprefix("http://livefeed.test")).status_code == 404
    assert desk.get(f"/desk/media/{picture['id']}/delete").status_code == 404


def test_an_upload_a_post_shows_is_not_deleted_and_the_page_says_why(
    desk: TestClient, svc: Services, editor: User
) -> None:
    picture = desk_upload(desk, files.png(700, 350), "map.png", alt="A map", feed="summit")
    make_post(svc, editor, **{"image.url": picture["url"], "image.alt": "A map"})

    confirm = desk.get(f"/desk/media/{picture['id']}/delete").text
    refused = submit(desk, f"/desk/media/{picture['id']}/delete", {})

    assert "It cannot be deleted while a post shows it." in confirm
    assert "Delete upload</button>" not in confirm
    assert refused.status_code == 409
    assert (
        '<p class="form-error" role="alert">this upload is shown by 1 post: take it out of it '
        "first (edit the post and clear its picture or video), then delete it</p>"
    ) in refused.text
    assert rows(svc) == 1
    assert len(stored(svc)) == 2


def test_a_delete_without_the_form_s_token_is_refused(desk: TestClient, svc: Services) -> None:
    picture = desk_upload(desk, files.png(50, 50), "a.png")

    forged = desk.post(f"/desk/media/{picture['id']}/delete", data={"csrf_token": "forged"})

    assert forged.status_code == 403
    assert rows(svc) == 1


# Feeds and quotas at the upload doors ------------------------------------------------------------


def test_an_upload_may_name_its_feed_and_only_its_team_may(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    otto = make_user(svc, "otto@newsroom.test", name="Otto")
    make_feed(svc, otto, slug="budget", title="Budget")
    sent = post_file(client, files.png(50, 50), headers=bearer(token), extra={"feed": "summit"})
    foreign = post_file(
        client, files.png(50, 50), headers=bearer(accounts.create_token(svc, otto.email, "t")),
        extra={"feed": "summit"},
    )  # fmt: skip
    unknown = post_file(client, files.png(50, 50), headers=bearer(token), extra={"feed": "nope"})

    assert sent.status_code == 201, sent.text
    found = media.get_media(svc, sent.json()["id"])
    assert found is not None
    assert found.feed_id is not None
    assert foreign.status_code == 403
    assert unknown.status_code == 404
    assert rows(svc) == 1


def test_an_upload_past_a_quota_is_refused_on_the_file_field_saying_what_is_used(
    desk: TestClient, svc: Services, token: str
) -> None:
    first = files.png(50, 50)
    svc.settings = svc.settings.replace(media_quota_per_user=len(first) + 100)
    desk_upload(desk, first, "a.png", feed="summit")
    names = stored(svc)

    api = post_file(desk, files.png(60, 50), headers=bearer(token))
    door = post_file(desk, files.png(60, 50), "b.png", url="/desk/media",
                     headers={"X-CSRF-Token": csrf(desk)}, extra={"feed": "summit"})  # fmt: skip

    for response in (api, door):
        assert_refused(response, 413, "file")
        message = response.json()["errors"][0]["message"]
        assert message.startswith(
            f"your uploads already take {size_text(len(first))} of the "
            f"{size_text(len(first) + 100)} each person may keep on this site"
        )
    assert rows(svc) == 1
    assert stored(svc) == names

    svc.settings = svc.settings.replace(
        media_quota_per_user=10 * 1024 * 1024, media_quota_per_feed=len(first) + 100
    )
    for_feed = post_file(desk, files.png(60, 50), headers=bearer(token), extra={"feed": "summit"})
    for_none = post_file(desk, files.png(60, 50), headers=bearer(token))
    assert_refused(for_feed, 413, "file")
    assert "this feed’s uploads already take" in for_feed.json()["detail"]
    assert for_none.status_code == 201
