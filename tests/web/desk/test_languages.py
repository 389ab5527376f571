"""A feed's language set on the desk and through the API, and a person's own language: the one
they chose, else their browser's, else the site's."""

from __future__ import annotations

import re
from html import unescape

from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed
from tests.web.conftest import Page, bearer, csrf, field_errors, submit


def lang_of(html: str) -> str:
    found = re.search(r'<html lang="([^"]*)"', html)
    assert found
    return found.group(1)


def test_the_feed_form_offers_common_languages_and_starts_at_the_sites(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    html = desk.get("/desk/feeds/new").text
    page = Page(html)
    assert page.values["language"] == "en"
    listed = re.search(r'<datalist id="feed-languages">(.*?)</datalist>', html, re.S)
    assert listed
    options = dict(re.findall(r'<option value="([^"]+)">([^<]*)</option>', listed.group(1)))
    assert options["ru"] == "русский"
    assert options["ar"] == "العربية"
    assert options["tr"] == "Türkçe"


def test_a_feed_is_made_and_edited_in_a_language_from_the_desk(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    created = submit(
        desk, "/desk/feeds/new", {"title": "Выборы", "slug": "vybory", "language": "RU"}
    )
    assert created.headers["location"] == "/feeds/vybory"
    assert reading.get_feed(svc, "vybory").language == "ru"
    form = Page(desk.get("/desk/feeds/vybory/edit").text)
    assert form.values["language"] == "ru"
    fields = form.values | {"language": "uk", "csrf_token": csrf(desk)}
    edited = desk.post("/desk/feeds/vybory/edit", data=fields)
    assert edited.status_code == 303, edited.text
    assert reading.get_feed(svc, "vybory").language == "uk"


def test_a_bad_language_keeps_what_was_typed_and_says_why(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    typed = "Русский язык"
    response = submit(
        desk, "/desk/feeds/new", {"title": "Выборы", "slug": "vybory", "language": typed}
    )
    assert response.status_code == 422
    assert Page(response.text).values["language"] == typed
    assert Page(response.text).values["title"] == "Выборы"
    assert "is not a language tag" in field_errors(response.text)["language"]
    assert reading.all_feeds(svc)[0].slug == "summit"
    assert len(reading.all_feeds(svc)) == 1


def test_the_api_takes_reads_and_changes_a_feeds_language(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    new = {"slug": "qimma", "title": "القمة", "language": "ar-eg"}
    created = client.post("/api/v1/feeds", json=new, headers=bearer(token))
    assert created.status_code == 201, created.text
    assert created.json()["language"] == "ar-EG"
    assert client.get("/api/v1/feeds/qimma").json()["language"] == "ar-EG"
    # A PATCH that does not name it keeps it.
    patched = client.patch("/api/v1/feeds/qimma", json={"title": "قمة"}, headers=bearer(token))
    assert patched.json()["language"] == "ar-EG"
    changed = client.patch("/api/v1/feeds/qimma", json={"language": "fa"}, headers=bearer(token))
    assert changed.json()["language"] == "fa"
    # Left out of a new feed: the site's.
    plain = client.post(
        "/api/v1/feeds", json={"slug": "plain", "title": "Plain"}, headers=bearer(token)
    )
    assert plain.json()["language"] == "en"


def test_the_api_refuses_a_bad_language_naming_the_field(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    for body in ({"slug": "bad", "title": "Bad", "language": "not a tag"}, {"language": 7}):
        path = "/api/v1/feeds" if "slug" in body else "/api/v1/feeds/summit"
        method = client.post if "slug" in body else client.patch
        response = method(path, json=body, headers=bearer(token))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["field"] == "language"
    assert reading.get_feed(svc, "summit").language == "en"


def test_new_feeds_take_the_sites_language(settings: Settings, clock: Clock) -> None:
    site = Services.build(settings.replace(language="tr"), clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        editor = make_editor(site)
        feed = make_feed(site, editor, slug="secim", tags="Isparta")
        assert feed.language == "tr"
        assert feed.tags == ("ısparta",)
        assert (
            publishing.create_feed(
                site, editor, {"slug": "x-en", "title": "X", "language": "en"}
            ).language
            == "en"
        )
    finally:
        site.close()


def test_a_person_chooses_the_language_of_their_pages(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, slug="vybory", title="Выборы", language="ru")
    account = desk.get("/account").text
    select = re.search(
        r'<select id="f-language" name="language"[^>]*>(.*?)</select>', account, re.S
    )
    assert select
    offered = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))
    assert {"ru": "русский", "ar": "العربية", "tr": "Türkçe", "es": "español"}.items() <= {
        code: unescape(name) for code, name in offered.items()
    }.items()
    assert "" in offered

    # Before choosing: the browser's language, else the site's.
    assert lang_of(desk.get("/desk").text) == "en"
    assert lang_of(desk.get("/desk", headers={"Accept-Language": "ar-EG,ar;q=0.9"}).text) == "ar"

    saved = submit(desk, "/account/language", {"language": "tr"})
    assert saved.headers["location"] == "/account?saved=language"
    # The choice wins over the browser's on the desk and the account page.
    arabic_browser = {"Accept-Language": "ar"}
    assert lang_of(desk.get("/desk", headers=arabic_browser).text) == "tr"
    assert lang_of(desk.get("/account", headers=arabic_browser).text) == "tr"
    # A Russian feed's pages stay Russian for an editor whose desk is Turkish.
    assert lang_of(desk.get("/feeds/vybory").text) == "ru"
    assert lang_of(desk.get("/desk/feeds/vybory/edit").text) == "tr"

    submit(desk, "/account/language", {"language": ""})
    assert lang_of(desk.get("/desk", headers=arabic_browser).text) == "ar"


def test_a_language_the_site_does_not_speak_is_refused_on_the_account_page(
    desk: TestClient, editor: User
) -> None:
    response = submit(desk, "/account/language", {"language": "xx"})
    assert response.status_code == 422
    assert "not a language this site speaks" in field_errors(response.text)["language"]
    forged = desk.post("/account/language", data={"language": "ru"})
    assert forged.status_code == 403
    assert lang_of(desk.get("/desk").text) == "en"


def test_error_pages_speak_the_browsers_language_else_the_sites(client: TestClient) -> None:
    russian = client.get("/feeds/nowhere", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert russian.status_code == 404
    assert lang_of(russian.text) == "ru"
    assert lang_of(client.get("/feeds/nowhere", headers={"Accept-Language": "ja"}).text) == "en"
    problem = client.get("/api/v1/feeds/nowhere", headers={"Accept-Language": "tr"})
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"


def test_a_signed_out_reader_is_spoken_to_in_the_sites_language(
    settings: Settings, clock: Clock
) -> None:
    site = Services.build(settings.replace(language="es"), clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        with TestClient(create_app(site.settings, site), follow_redirects=False) as browser:
            assert lang_of(browser.get("/login").text) == "es"
            assert lang_of(browser.get("/login", headers={"Accept-Language": "ru"}).text) == "ru"
    finally:
        site.close()
