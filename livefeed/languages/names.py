"""Languages by name: the tags the feed form offers first, and each language in its own words."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

from livefeed.languages.catalogs import shipped

# Offered first on the feed form: the languages most newsrooms publish in. Any other well-formed
# BCP 47 tag may still be typed.
COMMON_TAGS = (
    "en", "en-US", "en-GB", "ar", "bn", "de", "el", "es", "es-419", "fa", "fr", "he", "hi", "id",
    "it", "ja", "ko", "nl", "pl", "pt", "pt-BR", "ru", "sv", "sw", "th", "tr", "uk", "ur", "vi",
    "zh-Hans", "zh-Hant",
)  # fmt: skip


@cache
def own_name(tag: str) -> str:
    """A language as its speakers write it: ``русский``, ``العربية``, ``Türkçe``."""
    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return tag
    return locale.get_display_name(locale) or tag


def common() -> tuple[tuple[str, str], ...]:
    """The feed form's list: each common tag with its name in its own language."""
    return tuple((tag, own_name(tag)) for tag in COMMON_TAGS)


def shipped_names() -> tuple[tuple[str, str], ...]:
    """The languages the interface speaks, each by its own name, for a person to choose."""
    return tuple((code, own_name(code)) for code in shipped())
