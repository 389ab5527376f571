"""What a browser script shows a person that is not in the catalog: its string literals that
read as words, outside ``_(…)`` and ``ngettext(…)``.

A small tokenizer reads the script the way a browser does as far as strings go: comments,
regular expressions, '…', "…" and template literals (their ``${…}`` read as code), and keeps for
each string the function call it sits directly in, so a message given to the catalog counts as
translated and anything else that reads as words is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Calls whose string arguments are messages in the catalog (web/static/words.js).
CATALOG_CALLS = {"_", "ngettext"}
# After these, a ``/`` starts a regular expression rather than dividing.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"", "return", "typeof", "case", "in", "of"}
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"\d[\w.]*")


@dataclass(frozen=True)
class Literal:
    text: str
    line: int
    # The function the literal is a direct argument of ("_", "fetch"), or "" outside a call.
    call: str


def literals(source: str) -> list[Literal]:
    """Every string literal of a script (each text part of a template literal on its own)."""
    found: list[Literal] = []
    # One entry per open bracket: the name of the function called ("" for a plain bracket),
    # and for ``${`` in a template literal the marker "`" to go back into it when it closes.
    stack: list[str] = []
    previous = ""
    i = 0
    line = 1
    n = len(source)

    def call() -> str:
        return stack[-1] if stack and stack[-1] != "`" else ""

    def template(start: int) -> int:
        """Reads a template literal's text from ``start`` (after ` or }) to its ` or ${."""
        nonlocal line
        j = start
        text: list[str] = []
        begun = line
        while j < n:
            char = source[j]
            if char == "\\":
                text.append(source[j : j + 2])
                j += 2
                continue
            if char == "`":
                found.append(Literal("".join(text), begun, call()))
                return j + 1
            if source.startswith("${", j):
                found.append(Literal("".join(text), begun, call()))
                stack.append("`")
                return j + 2
            if char == "\n":
                line += 1
            text.append(char)
            j += 1
        raise ValueError(f"line {begun}: a template literal that does not end")

    while i < n:
        char = source[i]
        if char == "\n":
            line += 1
            i += 1
        elif char.isspace():
            i += 1
        elif source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i == -1 else i
        elif source.startswith("/*", i):
            end = source.index("*/", i) + 2
            line += source.count("\n", i, end)
            i = end
        elif char in "'\"":
            j = i + 1
            while source[j] != char:
                if source[j] == "\n":
                    raise ValueError(f"line {line}: a string that does not end")
                j += 2 if source[j] == "\\" else 1
            found.append(Literal(source[i + 1 : j], line, call()))
            previous = "string"
            i = j + 1
        elif char == "`":
            i = template(i + 1)
            previous = "string"
        elif char == "/" and previous in _REGEX_AFTER:
            j = i + 1
            in_class = False
            while in_class or source[j] != "/":
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            i = j + 1
            while i < n and source[i].isalpha():
                i += 1
            previous = "regex"
        elif char in "([{":
            stack.append(previous if char == "(" and _NAME.fullmatch(previous) else "")
            previous = char
            i += 1
        elif char in ")]}":
            opened = stack.pop() if stack else ""
            if char == "}" and opened == "`":
                i = template(i + 1)
                previous = "string"
            else:
                previous = char
                i += 1
        elif match := _NAME.match(source, i):
            previous = match.group()
            i = match.end()
        elif match := _NUMBER.match(source, i):
            previous = "number"
            i = match.end()
        else:
            previous = char
            i += 1
    return found


_LETTER = re.compile(r"[^\W\d_]")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]")
# Calls whose arguments are CSS selectors, which no one reads ("main form").
SELECTOR_CALLS = {"querySelector", "querySelectorAll", "closest", "matches"}
# What reads as words but is not for people, each with why:
NOT_WORDS = [
    # The strict mode directive, for the browser.
    re.compile(r"^use strict$"),
    # CSS selectors built outside a selector call: a class, an id, an attribute, a pseudo-
    # class or a combinator.
    re.compile(r"^[.#\[:]|^[a-z][\w-]*[.\[#:]|\s>\s|^[a-z]+(\s*,\s*[a-z.#\[]|\s[.\[#:])"),
    # Class lists given to className: hyphenated lower-case names ("badge badge-ended").
    re.compile(r"^(?=.*-)[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)+$"),
    # Media queries for matchMedia.
    re.compile(r"^\(\w[\w-]*:\s*[\w-]+\)$"),
    # Addresses and their parts.
    re.compile(r"^(/|\?|&|https?:|mailto:|data:)"),
    # HTML written by a script: its words come from the server, in the page's language.
    re.compile(r"^\s*<"),
    # HTTP headers a request sends ("Accept", "X-CSRF-Token").
    re.compile(r"^(Accept|[A-Z][A-Za-z]*(-[A-Z][A-Za-z]*)+)$"),
    # aria-keyshortcuts values: key names a screen reader says in its own language.
    re.compile(r"^((Control|Meta|Alt|Shift)\+\w+ ?)+$"),
    # The DOM's own names: an error's name, a drag's data type, keyboard keys (event.key), the
    # browser's interfaces a script looks for before it uses them ("PushManager" in window).
    re.compile(r"^(AbortError|Files|Escape|Enter|Tab|Arrow(Up|Down|Left|Right))$"),
    re.compile(r"^(PushManager|Notification)$"),
    # The product's name, the same in every language.
    re.compile(r"^\W*Livefeed$"),
]


def reads_as_words(text: str) -> bool:
    """Letters with a space between words, or a capitalised word: what a person would read."""
    words = text.strip()
    if not _LETTER.search(words):
        return False
    if not (" " in words or _CAPITALISED.search(words)):
        return False
    return not any(rule.search(words) for rule in NOT_WORDS)


def untranslated(source: str) -> list[Literal]:
    """Each literal of a script a person would read, outside the catalog."""
    return [
        literal
        for literal in literals(source)
        if literal.call not in CATALOG_CALLS | SELECTOR_CALLS and reads_as_words(literal.text)
    ]
