"""Language tags (BCP 47) and the case rules that depend on a language.

A feed's language is a tag such as ``ru``, ``ar-EG`` or ``zh-Hant-TW``: it says what its
readers' pages declare in ``lang``, which catalog words them and how its tags compare.
"""

from __future__ import annotations

import re
import unicodedata

from livefeed.domain.errors import Invalid

# RFC 5646's langtag, without the grandfathered forms: language (with extended subtags), then
# script, region, variants, extensions and a private use part, each optional and in that order.
# The language is two or three letters: the registry holds no longer ones ("english" is no tag).
_LANGTAG = re.compile(
    r"""^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3})
    (?:-[a-z]{4})?
    (?:-(?:[a-z]{2}|[0-9]{3}))?
    (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
    (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*
    (?:-x(?:-[a-z0-9]{1,8})+)?$""",
    re.VERBOSE,
)
MAX_TAG_LENGTH = 35
# Languages whose capital I has a dot of its own: İ/i and I/ı are two letters, not one.
_DOTTED_I = ("tr", "az")


def primary(tag: str) -> str:
    """``pt`` for ``pt-BR``: the language subtag, lower case."""
    return tag.split("-", 1)[0].lower()


def canonical(tag: str) -> str:
    """The tag as BCP 47 writes it by convention: ``zh-Hant-TW``, ``es-419``, ``sr-Latn``."""
    parts = tag.split("-")
    shaped = [parts[0].lower()]
    singleton = False
    for part in parts[1:]:
        if singleton or len(part) == 1:
            singleton = True
            shaped.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            shaped.append(part.title())
        elif len(part) == 2:
            shaped.append(part.upper())
        else:
            shaped.append(part.lower())
    return "-".join(shaped)


def clean_language(value: object, field: str = "language") -> str:
    """A well-formed BCP 47 tag, in its conventional case; underscores are taken for hyphens."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid.field(field, "is required: a language tag such as en, ru or ar-EG")
    tag = value.strip().replace("_", "-")
    if len(tag) > MAX_TAG_LENGTH or not _LANGTAG.match(tag.lower()):
        raise Invalid.field(
            field, "“%(tag)s” is not a language tag such as en, ru or ar-EG", tag=tag[:40]
        )
    return canonical(tag)


def fold(text: str, language: str) -> str:
    """Lower case as the language writes it, for comparing: Turkish ``I`` is ``ı``, not ``i``."""
    text = unicodedata.normalize("NFC", text)
    if primary(language) in _DOTTED_I:
        text = text.replace("I", "ı").replace("İ", "i")
    return text.lower()


# Bidirectional classes of letters written right to left (Hebrew's R, Arabic's AL), of Arabic
# digits (AN), and of the controls that turn or isolate the text after them.
_RIGHT_TO_LEFT = frozenset(
    {"R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF", "PDI"}
)


def holds_right_to_left(text: str) -> bool:
    """Whether some of ``text`` runs right to left: left-to-right words around it could then
    reorder it. Text without any keeps its order among a left-to-right page's words."""
    return any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text)


# Google News names Chinese by its script's usual region; every other language by ISO 639.
_NEWS_CHINESE = {"hans": "zh-cn", "cn": "zh-cn", "sg": "zh-cn", "hant": "zh-tw", "tw": "zh-tw"}
_NEWS_CHINESE |= {"hk": "zh-tw", "mo": "zh-tw"}


def news_language(tag: str) -> str:
    """The ``news:language`` of a news sitemap: ``pt`` for ``pt-BR``, ``zh-tw`` for ``zh-Hant``."""
    base = primary(tag)
    if base != "zh":
        return base
    for part in tag.lower().split("-")[1:]:
        if part in _NEWS_CHINESE:
            return _NEWS_CHINESE[part]
    return "zh-cn"
