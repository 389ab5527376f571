"""A live feed's page saved as plain text (a browser's "save as text", a copy from the screen).

The page carries no markup, so its parts are found by their shape, never by line numbers:

- a "last updated" stamp and the page's controls ("Listen Live", "Get short URL"): short lines
  before the first paragraph;
- the lead's paragraphs, then a call to follow the feed, then footnotes starting with ``*``;
- an optional "New messages" line, then the entries, each starting ``• HH:MM``: a headline, then
  body paragraphs, photo captions (a line that ends without a sentence's punctuation), and a
  related article (its title and summary, ended by a "Read more" line);
- the tag line (words separated by commas) and the page's trailer ("Community standards",
  "Discussion").

Entries run newest first. The page gives only a clock time, so each entry is placed on the
coverage day: walking down the list the times fall, and a time later than the one above it
means the list has crossed midnight into the day before. A list that runs oldest first (some
agencies print it so) is recognised by its times rising, and then crosses into the next day.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from livefeed.domain.errors import Invalid
from livefeed.domain.formats.document import Feed, Post, plain, quoted

_ENTRY = re.compile(r"^[•·*\-]\s*(\d{1,2})[:.](\d{2})\s*$")
_BULLET = re.compile(r"^[•·]\s*")
_READ_MORE = re.compile(r"^read more\b", re.IGNORECASE)
_NEW_MESSAGES = re.compile(r"^new (messages|posts|updates)$", re.IGNORECASE)
_TRAILER = re.compile(r"^(community standards|discussion|comments)", re.IGNORECASE)
_FOLLOW = re.compile(r"\b(follow|stay with us|keep up)\b", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", "…", ")", ":", ";")
_QUOTE_MARKS = ('"', "“", "„", "«", "‘")
# A control or stamp line is short; a lead paragraph is a sentence or more.
_SHORT = 40
_DAY = 24 * 60
# A call to follow the feed is a line, not a paragraph.
_CALL = 100


@dataclass
class _Line:
    number: int
    text: str
    indent: int


@dataclass
class _Entry:
    line: int
    clock: time
    lines: list[_Line] = field(default_factory=list)


def parse(
    text: str,
    *,
    slug: str,
    title: str,
    day: date,
    timezone: str,
    source: str = "",
    now: datetime,
) -> Feed:
    """The feed the page shows; :class:`Invalid` naming the line at fault otherwise."""
    zone = ZoneInfo(timezone)
    lines = [
        _Line(number, raw.strip(), len(raw) - len(raw.lstrip()))
        for number, raw in enumerate(text.splitlines(), start=1)
        if raw.strip()
    ]
    first_entry = next((i for i, line in enumerate(lines) if _ENTRY.match(line.text)), None)
    if first_entry is None:
        stray = next((line for line in lines if _BULLET.match(line.text)), None)
        if stray is not None:
            raise _invalid_at(stray, "an entry must start with its time, like • 21:05")
        last = lines[-1].number if lines else 1
        raise _invalid_at(last, "no entries found: each starts with a line like • 21:05")
    head = lines[:first_entry]
    while head and _NEW_MESSAGES.match(head[-1].text):
        head.pop()
    lead, notes = _head(head)
    entries, tags = _entries(lines[first_entry:])
    feed = Feed(
        uri="urn:captured-page:sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest(),
        slug=slug,
        title=title,
        created_at=now,
        timezone=timezone,
        lead="\n\n".join(plain(paragraph) for paragraph in lead),
        notes="\n\n".join(plain(note) for note in notes),
        tags=tags,
    )
    for entry, moment in zip(entries, _moments(entries, day, zone), strict=True):
        feed.posts.append(_post(entry, moment, source))
    return feed


def _invalid_at(line: _Line | int, message: str, **values: object) -> Invalid:
    """``message`` is a catalog's message, as for :meth:`Invalid.field`."""
    number = line if isinstance(line, int) else line.number
    where = f"line {number}"
    return Invalid.field(where, message, **values)


def _head(lines: list[_Line]) -> tuple[list[str], list[str]]:
    """The lead's paragraphs and the footnotes, past the stamp and the controls. The call to
    follow is the short line that ends the lead, before the footnotes."""
    start = 0
    while start < len(lines) and not _is_sentence(lines[start].text):
        start += 1
    body = lines[start:]
    first_note = next((i for i, line in enumerate(body) if line.text.startswith("*")), len(body))
    lead = [line.text for line in body[:first_note]]
    if len(lead) > 1 and _FOLLOW.search(lead[-1]) and len(lead[-1]) < _CALL:
        lead.pop()
    notes: list[str] = []
    for line in body[first_note:]:
        if line.text.startswith("*"):
            notes.append(line.text)
        else:
            # A footnote may run over more than one line.
            notes[-1] += " " + line.text
    return lead, notes


def _is_sentence(text: str) -> bool:
    return len(text) > _SHORT and " " in text and text.endswith(_SENTENCE_END)


def _entries(lines: list[_Line]) -> tuple[list[_Entry], list[str]]:
    entries: list[_Entry] = []
    for line in lines:
        found = _ENTRY.match(line.text)
        if found:
            hours, minutes = int(found.group(1)), int(found.group(2))
            if hours > 23 or minutes > 59:
                raise _invalid_at(
                    line, "%(text)s is not a time of day", text=line.text.lstrip("•·*- ")
                )
            entries.append(_Entry(line.number, time(hours, minutes)))
        elif _TRAILER.match(line.text) and len(line.text) < _SHORT:
            break
        else:
            entries[-1].lines.append(line)
    tags: list[str] = []
    last = entries[-1]
    if last.lines and _is_tag_line(last.lines[-1], last.lines[0].indent):
        tags = [tag.strip() for tag in last.lines.pop().text.split(",") if tag.strip()]
    for entry in entries:
        if not entry.lines:
            raise _invalid_at(entry.line, "this entry has no headline")
    return entries, tags


def _is_tag_line(line: _Line, body_indent: int) -> bool:
    """Words and names separated by commas, none a sentence, after the last entry: the page's
    tags. Where the page indents, the tag line also stands back from the entries' text."""
    parts = [part.strip() for part in line.text.split(",")]
    if len(parts) < 2 or line.text.endswith(_SENTENCE_END) or _READ_MORE.match(line.text):
        return False
    if any(not part or len(part.split()) > 6 for part in parts):
        return False
    return line.indent <= body_indent


def _moments(entries: list[_Entry], day: date, zone: ZoneInfo) -> list[datetime]:
    # Each step read the short way round the clock: 23:30 to 00:15 is 45 minutes on, 00:40 to
    # 23:55 is 45 minutes back, so a list's direction shows even across midnight.
    minutes = [entry.clock.hour * 60 + entry.clock.minute for entry in entries]
    forward = [(b - a) % _DAY for a, b in itertools.pairwise(minutes) if a != b]
    rising = sum(1 for step in forward if step < _DAY // 2)
    falling = len(forward) - rising
    newest_first = falling >= rising
    result: list[datetime] = []
    current = day
    previous: time | None = None
    for entry in entries:
        if previous is not None:
            if newest_first and entry.clock > previous:
                current -= timedelta(days=1)
            elif not newest_first and entry.clock < previous:
                current += timedelta(days=1)
        previous = entry.clock
        result.append(datetime.combine(current, entry.clock, tzinfo=zone))
    return result


def _post(entry: _Entry, moment: datetime, source: str) -> Post:
    headline, *rest = entry.lines
    if _READ_MORE.match(headline.text):
        raise _invalid_at(headline, "an entry must start with its headline, not Read more")
    card = None
    texts = rest
    ends = [index for index, line in enumerate(rest) if _READ_MORE.match(line.text)]
    if ends:
        end = ends[0]
        if len(ends) > 1 or end != len(rest) - 1:
            raise _invalid_at(
                rest[ends[-1] if len(ends) > 1 else end], "Read more must end its entry"
            )
        if end < 2:
            raise _invalid_at(rest[end], "Read more must follow the article's title and summary")
        if not source:
            raise _invalid_at(
                rest[end], "a Read more card needs an address: give the page's --source"
            )
        title, summary = rest[end - 2], rest[end - 1]
        card = {"url": source, "title": title.text, "summary": summary.text, "image_url": ""}
        texts = rest[: end - 2]
    paragraphs = []
    for line in texts:
        if line.text.startswith(_QUOTE_MARKS):
            paragraphs.append(quoted(line.text))
        elif not line.text.endswith(_SENTENCE_END):
            # A photo's caption, kept where readers see it though the picture is not here.
            paragraphs.append(f"*{plain(line.text)}*")
        else:
            paragraphs.append(plain(line.text))
    return Post(
        published_at=moment,
        headline=headline.text,
        body="\n\n".join(paragraphs),
        read_more=card,
    )
