"""The site's blocked words: what an administrator may put on the list, and its one form.

A comment that holds one of them as a whole word, in any case, waits for a moderator (the
matching itself is a holding rule: :func:`livefeed.domain.holding.blocked_word`). Each entry
is kept in the form the matching compares, NFKC and case-folded, so "Idiot" and "idiot" are
one entry and the list shows what will really be matched.
"""

from __future__ import annotations

import re
import unicodedata

from livefeed.domain.errors import Invalid

WORD_LENGTH = 100
MAX_WORDS = 1_000

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def normal_word(text: str) -> str:
    """A word or phrase as the list keeps it: compatibility forms folded, case folded, single
    spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def parse_word_list(value: object, field: str = "words") -> list[str]:
    """One word or phrase a line; blank lines and repeats dropped; sorted for a stable list."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise Invalid.field(field, "must be text, one word or phrase a line")
    found: set[str] = set()
    for number, line in enumerate(value.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if _CONTROL.search(line.replace("\t", " ")):
            line_number = f"{number:,}"
            raise Invalid.field(field, "line %(line)s holds a control character", line=line_number)
        word = normal_word(line)
        if not word:
            continue
        if len(word) > WORD_LENGTH:
            line_number = f"{number:,}"
            raise Invalid.field(
                field,
                "line %(line)s is longer than %(most)d characters: one word a line",
                line=line_number,
                most=WORD_LENGTH,
            )
        found.add(word)
    if len(found) > MAX_WORDS:
        most, count = f"{MAX_WORDS:,}", f"{len(found):,}"
        raise Invalid.field(
            field, "at most %(most)s words (there are %(count)s)", most=most, count=count
        )
    return sorted(found)
