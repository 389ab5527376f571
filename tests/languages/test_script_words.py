"""The scripts' words: every one of them in the catalog, and the catalog the scripts read, with
a text for each plural category the browser names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from livefeed.languages import catalogs
from livefeed.languages.script_words import PluralMismatch, plural_indexes, script_words
from tests.languages.script_text import CATALOG_CALLS, literals, reads_as_words, untranslated
from tests.languages.small_catalogs import forget, small_catalogs, write_catalogs

__all__ = ["small_catalogs"]

STATIC = Path(catalogs.__file__).resolve().parent.parent / "web" / "static"
SCRIPTS = sorted(STATIC.glob("*.js"))


def test_there_are_scripts_to_read() -> None:
    assert len(SCRIPTS) > 20
    assert STATIC / "words.js" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_every_word_a_script_shows_is_in_the_catalog(script: Path) -> None:
    found = untranslated(script.read_text())
    assert [f"{script.name}:{literal.line}: {literal.text!r}" for literal in found] == []


def test_every_message_a_script_asks_for_is_in_the_template_catalog() -> None:
    """What extraction misses (a call nested in another's values) would stay English."""
    with (catalogs.LOCALES / "messages.pot").open("rb") as source:
        template = read_po(source)
    known = {text for message in template for text in _ids(message.id)}
    asked = [
        f"{script.name}:{literal.line}: {literal.text!r}"
        for script in SCRIPTS
        for literal in literals(script.read_text())
        if literal.call in CATALOG_CALLS and literal.text.replace("\\'", "'") not in known
    ]
    assert asked == []


def _ids(message_id: str | tuple[str, ...] | list[str]) -> list[str]:
    return [message_id] if isinstance(message_id, str) else list(message_id)


def test_the_tokenizer_finds_words_outside_the_catalog_and_only_those() -> None:
    source = r"""
    // "Not this": a comment
    var a = "Shown to readers", b = _("In the catalog");
    var c = ngettext("%(num)d post", "%(num)d posts", n);
    var d = _("Values %(x)s", { x: "Not in the catalog" });
    /* "a comment" */ var re = /"not a string/g, half = 4 / 2, e = 'It\'s words';
    el.querySelector("main form"); el.className = "badge badge-live";
    var f = `Template ${ _("inside") + "Nested words" } ends here`;
    """
    assert [(literal.text, literal.line) for literal in untranslated(source)] == [
        ("Shown to readers", 3),
        ("Not in the catalog", 5),
        ("It\\'s words", 6),
        ("Template ", 8),
        ("Nested words", 8),
        (" ends here", 8),
    ]
    assert [literal.call for literal in literals(source) if literal.text == "inside"] == ["_"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Copied", True),
        ("the server could not be reached", True),
        ("Ended", True),
        ("use strict", False),
        (".posts > li", False),
        ("badge badge-ended", False),
        ("(prefers-reduced-motion: reduce)", False),
        ("/feeds/", False),
        ("application/json", False),
        ("X-CSRF-Token", False),
        ("Control+Enter Meta+Enter", False),
        ("livefeed:applied", False),
        ("<li>", False),
        ("AbortError", False),
    ],
)
def test_what_reads_as_words(text: str, words: bool) -> None:
    assert reads_as_words(text) is words


def test_plural_categories_are_the_browsers_names_for_the_catalogs_forms(
    small_catalogs: Path,
) -> None:
    assert plural_indexes("ru") == {"one": 0, "few": 1, "many": 2}
    assert plural_indexes("ar") == {
        "zero": 0, "one": 1, "two": 2, "few": 3, "many": 4, "other": 5,
    }  # fmt: skip
    assert plural_indexes("en") == {"one": 0, "other": 1}


def test_every_shipped_catalog_has_the_plural_forms_cldr_gives_its_language() -> None:
    for language in catalogs.shipped():
        # No PluralMismatch; Spanish's "many" (millions) is past the numbers asked about.
        assert "one" in plural_indexes(language)
        assert json.loads(script_words(language).body)["language"] == language


def test_a_catalog_whose_formula_disagrees_with_cldr_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only 1 singular and 2 to 4 "few", when Russian (and CLDR) says 21 and 22 are too.
    write_catalogs(tmp_path, plural_forms="nplurals=3; plural=(n==1 ? 0 : n<5 ? 1 : 2);")
    monkeypatch.setattr(catalogs, "LOCALES", tmp_path)
    forget()
    try:
        with pytest.raises(PluralMismatch, match="in CLDR, which is form"):
            plural_indexes("ru")
    finally:
        monkeypatch.undo()
        forget()


def test_the_scripts_catalog_holds_their_translated_messages_alone(small_catalogs: Path) -> None:
    words = json.loads(script_words("ru").body)
    # Not the template's words, nor a fuzzy or an untranslated message (the English shows).
    assert words == {
        "language": "ru",
        "messages": {
            "Copied": "Скопировано",
            "Live": "В эфире",
            "%(num)d new post": {
                "one": "%(num)d новый пост",
                "few": "%(num)d новых поста",
                "many": "%(num)d новых постов",
            },
        },
    }
    arabic = json.loads(script_words("ar").body)["messages"]["%(num)d new post"]
    assert sorted(arabic) == ["few", "many", "one", "other", "two", "zero"]
    assert arabic["two"] == "منشوران جديدان"


def test_a_language_without_a_catalog_has_no_script_words(small_catalogs: Path) -> None:
    with pytest.raises(LookupError):
        script_words("de")
