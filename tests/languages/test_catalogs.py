"""The shipped catalogs: complete, in step with the code, and with each language's plural forms.

A message of the code, a template or a script that is missing from the catalogs, left
untranslated or marked fuzzy fails here: ``make messages`` gathers it, a translator words it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from livefeed.languages import catalogs

ROOT = Path(__file__).resolve().parent.parent.parent
# The languages we promise; a catalog added beside them is checked the same way.
SHIPPED = ("en", "ru", "ar", "tr", "es")
# gettext's plural forms per language: Russian has three, Arabic six.
PLURAL_FORMS = {"en": 2, "ru": 3, "ar": 6, "tr": 2, "es": 3}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%%")


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language)


def _messages_script() -> object:
    spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _placeholders(text: str) -> set[str]:
    return {match.group(1) or "%" for match in _PLACEHOLDER.finditer(text)}


def test_every_language_ships() -> None:
    assert set(catalogs.shipped()) >= set(SHIPPED)


def test_the_catalogs_hold_every_message_of_the_code() -> None:
    extracted = _messages_script().extract()  # type: ignore[attr-defined]
    template = _read(catalogs.LOCALES / "messages.pot")
    found = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in extracted if m.id}
    kept = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    assert found - kept == set(), "run `make messages`: these are missing from the catalogs"
    assert kept - found == set(), "run `make messages`: these are no longer used"


@pytest.mark.parametrize("language", catalogs.shipped())
def test_a_catalog_translates_every_message_and_guesses_none(language: str) -> None:
    template = _read(catalogs.LOCALES / "messages.pot")
    catalog = _read(catalogs.LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    assert catalog.num_plurals == PLURAL_FORMS.get(language, get_plural(language).num_plurals)
    missing, fuzzy, wrong = [], [], []
    for wanted in template:
        if not wanted.id:
            continue
        message: Message | None = catalog.get(wanted.id, wanted.context)
        if message is None or not _translated(message):
            missing.append(wanted.id)
            continue
        if message.fuzzy:
            fuzzy.append(wanted.id)
        wrong += _placeholder_mistakes(message)
    assert missing == [], f"{language}: {len(missing)} untranslated"
    assert fuzzy == [], f"{language}: fuzzy"
    assert wrong == [], f"{language}: values that do not match the message's"


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _placeholder_mistakes(message: Message) -> list[str]:
    """A translation must put in the values its message names (a plural's ``num`` may go: a
    language writes "один" for one)."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    wanted = set().union(*(_placeholders(text) for text in ids))
    mistakes = []
    for text in strings:
        given = _placeholders(text)
        if given - wanted or (wanted - {"num"}) - given:
            mistakes.append(f"{ids[0]!r} → {text!r}")
    return mistakes
