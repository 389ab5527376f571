"""``/words/…``: the scripts' words in each language, and the page that carries its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.languages.script_words import script_words
from livefeed.web.static_files import BY_NAME, IMMUTABLE
from tests.factories import make_feed
from tests.languages.small_catalogs import forget, small_catalogs

__all__ = ["small_catalogs"]

EMBEDDED = re.compile(r'<script type="application/json" id="livefeed-words">(.*?)</script>', re.S)


def test_the_words_of_a_language_by_their_versioned_name(
    client: TestClient, small_catalogs: Path
) -> None:
    name = script_words("ru").name
    response = client.get(f"/words/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == IMMUTABLE
    words = response.json()
    assert words["language"] == "ru"
    assert words["messages"]["%(num)d new post"] == {
        "one": "%(num)d новый пост",
        "few": "%(num)d новых поста",
        "many": "%(num)d новых постов",
    }
    assert set(client.get(f"/words/{script_words('ar').name}").json()["messages"][
        "%(num)d new post"
    ]) == {"zero", "one", "two", "few", "many", "other"}  # fmt: skip


def test_by_language_alone_they_are_briefly_cacheable(
    client: TestClient, small_catalogs: Path
) -> None:
    response = client.get("/words/ru.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == BY_NAME
    assert response.content == script_words("ru").body


def test_an_unknown_language_or_an_old_version_is_not_found(
    client: TestClient, small_catalogs: Path
) -> None:
    for path in ("/words/de.json", "/words/ru.0123456789.json", "/words/ru", "/words/..json"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert (
            "cache-control" not in response.headers
            or IMMUTABLE not in (response.headers["cache-control"])
        )


def test_a_page_carries_the_words_of_its_language(
    client: TestClient, editor: User, small_catalogs: Path
) -> None:
    make_feed(client.app.state.services, editor, language="ru")  # type: ignore[attr-defined]
    # A reader's page speaks its feed's language, whatever the browser asks for.
    russian = client.get("/feeds/summit", headers={"accept-language": "en"}).text
    found = EMBEDDED.search(russian)
    assert found is not None
    assert json.loads(found.group(1)) == json.loads(script_words("ru").body)
    assert russian.index('id="livefeed-words"') < russian.index("/static/words.")
    make_feed(client.app.state.services, editor, slug="harbour")  # type: ignore[attr-defined]
    english = client.get("/feeds/harbour", headers={"accept-language": "ru"}).text
    assert EMBEDDED.search(english) is None
    assert "/static/words." in english


def test_the_words_cannot_end_the_element_that_holds_them(
    client: TestClient, editor: User, small_catalogs: Path
) -> None:
    po = small_catalogs / "ru" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('"Скопировано"', '"</script><b>&"'))
    forget()
    make_feed(client.app.state.services, editor, language="ru")  # type: ignore[attr-defined]
    page = client.get("/feeds/summit").text
    found = EMBEDDED.search(page)
    assert found is not None
    assert "<" not in found.group(1)
    assert json.loads(found.group(1))["messages"]["Copied"] == "</script><b>&"
