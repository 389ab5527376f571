"""The words of the browser scripts (``web/static/*.js``) in one language, as JSON.

They come from the same catalogs as the pages' words: the messages whose places in the code
(the ``#:`` lines ``make messages`` keeps) are in a script. A plural message is given as one
text per CLDR plural category, the names ``Intl.PluralRules`` returns in the browser, so the
scripts need no plural formula of their own: the category each gettext plural form stands for
is worked out here, by asking Babel's CLDR rules and the catalog's own ``Plural-Forms`` formula
about the same numbers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.messages.pofile import read_po

from livefeed.languages import catalogs

SCRIPTS = "livefeed/web/static/"
# Enough numbers to meet every category of every CLDR rule for whole numbers (Arabic's "many"
# starts at 11, its "other" at 100; Welsh and Breton have their own up to 1,000,000, which
# the browser then reads as "other").
SAMPLE = range(201)
VERSION_LENGTH = 10


class PluralMismatch(ValueError):
    """A catalog's plural formula that does not follow CLDR's categories for its language."""


@dataclass(frozen=True)
class ScriptWords:
    language: str
    body: bytes
    version: str

    @property
    def name(self) -> str:
        """The file name pages link to: ``ru.3f2a1b9c04.json``, a new name for new words."""
        return f"{self.language}.{self.version}.json"


def plural_indexes(language: str) -> dict[str, int]:
    """``{"one": 0, "few": 1, "many": 2, "other": 2}``: the gettext form for each category."""
    compiled = catalogs.translations(language)
    formula = getattr(compiled, "plural", None)
    if formula is None:
        raise LookupError(language)
    rules = Locale.parse(language)
    found: dict[str, int] = {}
    for number in SAMPLE:
        category = rules.plural_form(number)
        index = int(formula(number))
        if found.setdefault(category, index) != index:
            raise PluralMismatch(
                f"{language}: {number} is {category!r} in CLDR, which is form {found[category]} "
                f"for other numbers, but the catalog's formula gives form {index}"
            )
    return found


def _messages(language: str) -> dict[str, str | dict[str, str]]:
    path = catalogs.LOCALES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    indexes = plural_indexes(language)
    words: dict[str, str | dict[str, str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy or message.context:
            continue
        if not any(place.startswith(SCRIPTS) for place, _line in message.locations):
            continue
        if isinstance(message.id, (tuple, list)) and isinstance(message.string, (tuple, list)):
            forms = message.string
            texts = {cat: forms[i] for cat, i in indexes.items() if i < len(forms) and forms[i]}
            if len(texts) == len(indexes):
                words[message.id[0]] = texts
        elif isinstance(message.id, str) and isinstance(message.string, str) and message.string:
            words[message.id] = message.string
    return words


@cache
def script_words(language: str) -> ScriptWords:
    """The scripts' words in a shipped language (``LookupError`` for any other)."""
    if language not in catalogs.shipped():
        raise LookupError(language)
    document = {"language": language, "messages": _messages(language)}
    body = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    encoded = body.encode()
    version = hashlib.sha256(encoded).hexdigest()[:VERSION_LENGTH]
    return ScriptWords(language, encoded, version)
