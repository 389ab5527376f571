"""``make messages``: gather every message of the interface into the catalogs.

Extracts the messages of the Python code, the templates and the scripts into
``livefeed/locales/messages.pot``, then brings each language's ``messages.po`` up to date with
it: new messages come in untranslated (the completeness test then names them), messages no
longer used are dropped, and nothing is guessed (no fuzzy matching). English is the language the
interface is written in, so its catalog is filled from the messages themselves.

A new language: ``python scripts/messages.py xx`` starts ``livefeed/locales/xx``.
"""

from __future__ import annotations

import copy
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "livefeed"
LOCALES = PACKAGE / "locales"
TEMPLATE = LOCALES / "messages.pot"
SOURCE = "en"
# Fixed, so that running `make messages` twice changes no file.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = (
    "# The interface of Livefeed, in {language}. `make messages` keeps it in step with the code.\n#"
)

METHODS = [
    ("locales/**", "ignore"),
    ("**.py", "python"),
    ("web/templates/**.html", "jinja2"),
    ("web/static/**.js", "javascript"),
]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}
# Beside gettext's own names: messages marked for later (N_), domain messages with values
# (Message, Invalid.field, Checks.fail), plurals with values (plural) and the domain's errors.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "Message": None,
    "field": (2,),
    "fail": (2,),
    "plural": (1, 2),
    **dict.fromkeys(("NotFound", "Forbidden", "Conflict", "Unauthorized", "Unavailable"), None),
    "TooManyRequests": None,
}


def extract() -> Catalog:
    template = Catalog(
        project="Livefeed",
        fuzzy=False,
        creation_date=STAMP,
        revision_date=STAMP,
        header_comment=HEADER.format(language="every language (the template)"),
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        template.add(
            message,
            None,
            [(f"livefeed/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def update(language: str, template: Catalog) -> int:
    """Brings one catalog up to date; the number of its messages still untranslated."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with path.open("rb") as source:
            catalog = read_po(source, locale=language)
    else:
        path.parent.mkdir(parents=True)
        catalog = Catalog(
            locale=language,
            project="Livefeed",
            fuzzy=False,
            creation_date=STAMP,
            revision_date=STAMP,
            header_comment=HEADER.format(language=language),
        )
    # A copy: the update hands the template's own messages to the catalog, which fills them.
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = STAMP
    if language == SOURCE:
        for message in catalog:
            if message.id:
                message.string = message.id
    with path.open("wb") as target:
        write_po(target, catalog, width=100, include_lineno=False, sort_output=True)
    return sum(1 for message in catalog if message.id and not _done(message.string))


def _done(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def main(new: list[str]) -> None:
    template = extract()
    with TEMPLATE.open("wb") as target:
        write_po(target, template, width=100, include_lineno=False, sort_output=True)
    languages = {p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/messages.po")}
    for language in sorted(languages | set(new) | {SOURCE}):
        missing = update(language, template)
        print(f"{language}: {len(template)} messages, {missing} to translate")


if __name__ == "__main__":
    main(sys.argv[1:])
