"""Whether a new comment waits for a moderator even where the feed shows comments at once.

Each rule looks at the comment and at its author's recent comments and either says nothing or
gives a reason; a comment with any reason is held as pending, and the moderator sees every
reason. The rules are plain functions over plain values, so adding one (a site's blocked
words, say) is adding a function to :data:`HOLD_RULES` and whatever it needs to
:class:`HoldContext`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from livefeed.domain.comment_text import links_in

# More links than this in one comment is how spam looks.
MAX_LINKS = 2
# The author's own comments this close together are a burst: the next one waits.
BURST_COUNT = 3
BURST_WINDOW = timedelta(minutes=2)
# The same words again within this time, in any feed, are a duplicate.
DUPLICATE_WINDOW = timedelta(hours=24)
# How far back a rule may need to look, and at most how many comments.
LOOK_BACK = max(BURST_WINDOW, DUPLICATE_WINDOW)
LOOK_BACK_COUNT = 50


@dataclass(frozen=True)
class Recent:
    """One of the author's earlier comments, as the rules need it."""

    body: str
    created_at: datetime


@dataclass(frozen=True)
class HoldContext:
    """What the rules decide on.

    ``recent`` is the author's comments of the last :data:`LOOK_BACK` (newest first, at most
    :data:`LOOK_BACK_COUNT`), empty for a guest; ``blocked_words`` are the site's words that
    always send a comment to review.
    """

    body: str
    recent: Sequence[Recent]
    now: datetime
    blocked_words: Sequence[str] = ()


HoldRule = Callable[[HoldContext], str | None]


def _normal(text: str) -> str:
    """The text as a duplicate check sees it: case, accents' forms and spacing set aside."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def duplicate(context: HoldContext) -> str | None:
    words = _normal(context.body)
    for earlier in context.recent:
        if context.now - earlier.created_at <= DUPLICATE_WINDOW and _normal(earlier.body) == words:
            return "the same text as one of the author's recent comments"
    return None


def too_many_links(context: HoldContext) -> str | None:
    count = len(links_in(context.body))
    if count > MAX_LINKS:
        return f"{count} links (more than {MAX_LINKS})"
    return None


def burst(context: HoldContext) -> str | None:
    close = [r for r in context.recent if context.now - r.created_at < BURST_WINDOW]
    if len(close) >= BURST_COUNT:
        minutes = int(BURST_WINDOW.total_seconds() // 60)
        return f"{len(close) + 1} comments from the author within {minutes} minutes"
    return None


def blocked_word(context: HoldContext) -> str | None:
    """A blocked word as a whole word, whatever its case: "ass" holds "Ass!" but not "class"."""
    for word in context.blocked_words:
        pattern = rf"(?<!\w){re.escape(_normal(word))}(?!\w)"
        if word.strip() and re.search(pattern, _normal(context.body)):
            return f"contains the blocked word “{word.strip()}”"
    return None


HOLD_RULES: tuple[HoldRule, ...] = (duplicate, too_many_links, burst, blocked_word)


def hold_reasons(context: HoldContext, rules: Sequence[HoldRule] = HOLD_RULES) -> list[str]:
    """Every reason to hold the comment for review; empty when there is none."""
    return [reason for rule in rules if (reason := rule(context)) is not None]
