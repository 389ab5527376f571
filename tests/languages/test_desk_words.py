"""The desk, moderation and account pages say every word through the catalog.

Each template's own text is checked for words outside ``_()``; one page, asked for in a
language whose catalog translates its words, shows them translated.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from starlette.testclient import TestClient

from livefeed.access import password_resets
from livefeed.distribution import mail
from livefeed.domain.access import FEED_ROLE_NAMES, FeedRole
from livefeed.domain.feeds import STATUS_NAMES, FeedStatus
from livefeed.domain.users import ROLE_NAMES, Role
from livefeed.domain.verification import SOURCE_TYPE_NAMES, SourceType
from livefeed.languages import catalogs
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.factories import make_editor, make_feed, make_user
from tests.languages.visible_text import untranslated
from tests.mail_server import Mailbox
from tests.web.conftest import log_in


def test_the_checker_still_sees_a_word_left_out() -> None:
    # What the fixes for false positives let through must not include plain text.
    assert untranslated('<kbd>j</kbd> next <{{ tag }} class="x">Edit</{{ tag }}>') == [
        "next",
        "Edit",
    ]


@pytest.mark.parametrize(
    ("names", "values"),
    [
        (FEED_ROLE_NAMES, FeedRole),
        (ROLE_NAMES, Role),
        (STATUS_NAMES, FeedStatus),
    ],
)
def test_every_value_the_desk_shows_as_a_word_is_in_the_catalog(
    names: dict[str, str], values: type[FeedRole | Role | FeedStatus]
) -> None:
    # The pages translate the value itself, so each mark must be exactly its value.
    assert names == {value: value.value for value in values}


def test_every_source_is_marked_as_the_form_shows_it() -> None:
    assert {kind: kind.value.capitalize() for kind in SourceType} == SOURCE_TYPE_NAMES


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """A page is the same on either database: SQLite alone."""
    return sqlite_url


@pytest.fixture
def russian_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A catalog of our own in place of the shipped ones, with a few desk words in Russian."""
    catalog = Catalog(locale="ru")
    catalog.add("Your API tokens", "Ваши API-токены")
    catalog.add("Feeds", "Ленты")
    catalog.add("Reset your %(site)s password", "Новый пароль для %(site)s")
    catalog.add("Team<span class=\"visually-hidden\"> of %(feed)s</span>",
                "Команда<span class=\"visually-hidden\"> ленты %(feed)s</span>")  # fmt: skip
    for language in ("en", "ru"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "messages.po").open("wb") as out:
            write_po(out, catalog if language == "ru" else Catalog(locale="en"))
    monkeypatch.setattr(catalogs, "LOCALES", tmp_path)
    _forget_catalogs()
    yield
    _forget_catalogs()


def _forget_catalogs() -> None:
    catalogs.shipped.cache_clear()
    catalogs.translations.cache_clear()
    catalogs.catalog_for.cache_clear()


def test_the_desk_speaks_the_browsers_language(
    russian_desk: None, svc: Services, settings: Settings
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, title="Geneva <summit>")
    with TestClient(create_app(settings, svc), follow_redirects=False) as client:
        assert log_in(client, editor.email).status_code == 303
        russian = client.get("/desk", headers={"Accept-Language": "ru-RU, en;q=0.5"})
        english = client.get("/desk", headers={"Accept-Language": "en"})
    assert russian.status_code == 200
    assert ">Ваши API-токены</a>" in russian.text
    assert "<h2>Ленты</h2>" in russian.text
    # A value put into a translated message is still escaped.
    assert (
        'Команда<span class="visually-hidden"> ленты Geneva &lt;summit&gt;</span>' in russian.text
    )
    assert ">Your API tokens</a>" in english.text
    assert "<h2>Feeds</h2>" in english.text


def test_mail_is_written_in_the_recipients_language_not_the_askers(
    russian_desk: None, mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_user(mail_svc)
    with catalogs.speaking("ru"):
        assert catalogs._("Reset your %(site)s password", site="X") == "Новый пароль для X"
        # Anna's account has no language of its own: the site's is hers.
        password_resets.request_reset(mail_svc, anna.email, address="198.51.100.7")
    send = mail.sender(mail_svc.settings)
    assert send is not None
    mail.deliver_due(mail_svc, mail_svc.clock(), send)
    mailbox[0].wait_for(anna.email)
    assert mailbox[0].messages[0]["Subject"] == "Reset your Livefeed password"
