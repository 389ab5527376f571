"""Which language to speak to someone who has not chosen one: what their browser asks for."""

from __future__ import annotations

from collections.abc import Mapping

from livefeed.languages.catalogs import shipped


def preferred(accept_language: str | None) -> str | None:
    """The shipped language an ``Accept-Language`` header ranks highest, or ``None``.

    ``ru-RU,ru;q=0.9,en;q=0.5`` → ``ru``; a regional tag is served by its language's catalog.
    """
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:32]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    languages = shipped()
    for _quality, _position, tag in sorted(ranked):
        for candidate in (tag, tag.split("-", 1)[0]):
            if candidate in languages:
                return candidate
    return None


def of_locale(environ: Mapping[str, str]) -> str | None:
    """The shipped language a POSIX locale names, or ``None`` (the C locale, or none shipped).

    The first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides, as it does for
    every program: ``ru_RU.UTF-8`` → ``ru``.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            tag = value.split(".", 1)[0].split("@", 1)[0].replace("_", "-")
            return None if tag in ("C", "POSIX") else preferred(tag)
    return None
