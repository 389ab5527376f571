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
import io
import sys
import tokenize
from collections.abc import Collection, Iterator, Mapping
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

from babel.messages import extract as babel
from babel.messages.catalog import Catalog
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
    # captured_page.py's refusal at a line of the page: (line, message, **values).
    "_invalid_at": (2,),
}
# Babel reads a name that is also a keyword as a call to it wherever it stands, and that ends
# the message being read: in ``Invalid.field(field, "is required")`` the variable ``field`` would
# lose the message. For the extractor only, such a name is renamed where it is not called.
SHADOWED = {"field", "fail"}


def extract_python(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Any]:
    """Babel's own Python extraction, of the source with its shadowing names renamed."""
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines(keepends=True)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    shadows = [
        here.start
        for here, after in pairwise(tokens)
        if here.type == tokenize.NAME and here.string in SHADOWED and after.string != "("
    ]
    for row, column in reversed(shadows):
        lines[row - 1] = f"{lines[row - 1][:column]}_{lines[row - 1][column:]}"
    renamed = io.BytesIO("".join(lines).encode("utf-8"))
    # Babel names the file in its warnings by this.
    renamed.name = getattr(fileobj, "name", "(unknown)")  # type: ignore[attr-defined]
    yield from babel.extract_python(renamed, keywords, comment_tags, options)


METHODS = [
    ("locales/**", "ignore"),
    ("**.py", extract_python),
    ("web/templates/**.html", "jinja2"),
    ("web/static/**.js", "javascript"),
]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}


def extract() -> Catalog:
    template = Catalog(
        project="Livefeed",
        fuzzy=False,
        creation_date=STAMP,
        revision_date=STAMP,
        header_comment=HEADER.format(language="every language (the template)"),
    )
    for filename, lineno, message, comments, context in babel.extract_from_dir(
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
