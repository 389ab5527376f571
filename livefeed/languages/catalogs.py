"""The interface's words in each shipped language, from the catalogs in ``livefeed/locales``.

A catalog is a ``.po`` file, read and compiled in memory when first asked for: the file an
editor translates is the file the site runs on, and adding a language is adding one.

The language being spoken is a context variable, set for a whole request by the middleware (the
person's choice, or their browser's) and for a reader's page or a feed's event by the feed's
language (:func:`speaking`), so page, API, stream and CLI all ask the same :func:`gettext`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from livefeed.domain import languages
from livefeed.domain.errors import Message

LOCALES = Path(__file__).resolve().parent.parent / "locales"
# The language the interface is written in: its messages are their own translation.
SOURCE = "en"

# The tag as given (``ar-EG``): its catalog words the interface, the tag itself writes dates.
_spoken: ContextVar[str] = ContextVar("spoken", default=SOURCE)


@cache
def shipped() -> tuple[str, ...]:
    """Every language with a catalog, the source first."""
    found = sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/messages.po"))
    return (SOURCE, *(code for code in found if code != SOURCE))


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog of a shipped language; fuzzy messages are left out, as gettext does."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@cache
def catalog_for(tag: str | None, fallback: str = SOURCE) -> str:
    """The shipped language whose words serve a BCP 47 tag: ``ru-RU`` is served by ``ru``."""
    if tag:
        wanted = tag.lower()
        if wanted in shipped():
            return wanted
        base = languages.primary(wanted)
        if base in shipped():
            return base
    return fallback if fallback in shipped() else SOURCE


def current() -> str:
    """The language tag being spoken now (``ar-EG``)."""
    return _spoken.get()


def current_catalog() -> str:
    """The shipped language whose words are being used now (``ar``)."""
    return catalog_for(_spoken.get())


@contextmanager
def speaking(tag: str | None) -> Iterator[str]:
    """Speak the language a tag names until the block ends; ``None`` keeps the current one."""
    token = _spoken.set(tag or _spoken.get())
    try:
        yield _spoken.get()
    finally:
        _spoken.reset(token)


def speak(tag: str | None) -> None:
    """Speak a language for the rest of this context (a request, a command)."""
    if tag:
        _spoken.set(tag)


def _words() -> NullTranslations:
    return translations(catalog_for(_spoken.get()))


def gettext(message: str) -> str:
    return _words().ugettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _words().ungettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return _words().upgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return _words().unpgettext(context, singular, plural, count)


def _(message: str, **values: object) -> str:
    """A message in the language spoken now, with its ``%(name)s`` values filled in."""
    text = gettext(message)
    return text % values if values else text


def plural(singular: str, plural_: str, count: int, **values: object) -> str:
    """``%(num)d new post`` / ``%(num)d new posts``, in as many forms as the language has."""
    return ngettext(singular, plural_, count) % {"num": count, **values}


def translate(message: str) -> str:
    """A message from the domain (an error, a label) in the language spoken now."""
    if isinstance(message, Message):
        text = gettext(message.template)
        if not message.values:
            return text
        return text % {name: _worded(value) for name, value in message.values.items()}
    return gettext(message)


def _worded(value: object) -> object:
    """A message's value in the language spoken: a message translated, a moment in words."""
    if isinstance(value, Message):
        return translate(value)
    if isinstance(value, datetime):
        locale = locale_of()
        utc = value.astimezone(UTC)
        return _(
            "%(date)s, %(time)s",
            date=format_date(utc.date(), "long", locale=locale),
            time=format_skeleton("Hm", utc, locale=locale),
        )
    return value


def locale_of(tag: str | None = None) -> Locale:
    """The CLDR locale for a tag (dates, plural rules, direction), or for the language spoken.

    A bare ``en`` is written as the interface's own English is, the British way ("16 January
    2021"); ``en-US`` gets the American dates it asks for.
    """
    tag = tag or _spoken.get()
    if tag.lower() == SOURCE:
        tag = "en-GB"
    try:
        return Locale.parse(tag, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        try:
            return Locale.parse(languages.primary(tag))
        except (ValueError, TypeError, UnknownLocaleError):
            return Locale.parse("en_GB")


def direction(tag: str | None = None) -> str:
    """``rtl`` or ``ltr``: Arabic, Hebrew, Persian and Urdu run right to left."""
    return "rtl" if locale_of(tag).character_order == "right-to-left" else "ltr"
