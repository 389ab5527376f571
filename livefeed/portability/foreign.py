"""Importing another system's live blog: its file is read into the portable document by the
module named after its format (``domain/formats/``), then goes through the one import, so it
is one transaction, keyed by the source's uri, and refuses a taken slug like any other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from livefeed.domain.errors import Invalid
from livefeed.domain.formats import captured_page, ninjs, reddit_live, wordpress
from livefeed.domain.formats.document import Feed, document
from livefeed.domain.shortcodes import new_code
from livefeed.domain.users import User
from livefeed.portability.exporting import Say, check_admin, quiet
from livefeed.portability.importing import Imported, import_document
from livefeed.services import Services

FORMATS = ("captured-page", "wordpress", "reddit-live", "ninjs")


@dataclass(frozen=True)
class Options:
    """What a source cannot say about itself; only the captured page needs them all."""

    slug: str | None = None
    title: str | None = None
    day: date | None = None
    timezone: str = "UTC"
    source: str = ""


def import_foreign(
    svc: Services,
    actor: User | None,
    fmt: str,
    data: bytes,
    options: Options,
    *,
    say: Say = quiet,
) -> Imported:
    with svc.db.read() as conn:
        check_admin(conn, actor)
    text = _text(data)
    try:
        ZoneInfo(options.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid.field(
            "timezone", "%(zone)s is not a time zone", zone=options.timezone
        ) from None
    feed = _reader(fmt, options)(text, svc.clock())
    made = document(feed)
    _fill(svc, made)
    # The captured page is named by its options; every other source names its own feed.
    rename = None if fmt == "captured-page" else options.slug
    return import_document(svc, actor, made, slug=rename, say=say)


def _reader(fmt: str, options: Options) -> Callable[[str, datetime], Feed]:
    if fmt == "captured-page":
        missing = [name for name in ("slug", "title") if not getattr(options, name)]
        if options.day is None:
            missing.append("date")
        if missing:
            raise Invalid(dict.fromkeys(missing, "a captured page needs it"))
        slug, title, day = str(options.slug), str(options.title), options.day
        assert day is not None
        return lambda text, now: captured_page.parse(
            text, slug=slug, title=title, day=day, timezone=options.timezone,
            source=options.source, now=now,
        )  # fmt: skip
    readers: dict[str, Callable[[str, datetime], Feed]] = {
        "wordpress": wordpress.parse,
        "reddit-live": reddit_live.parse,
        "ninjs": ninjs.parse,
    }
    if fmt not in readers:
        raise Invalid.field(
            "from",
            "%(format)s is not a format: one of %(formats)s",
            format=fmt,
            formats=", ".join(FORMATS),
        )
    return readers[fmt]


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        where = f"line {line}"
        raise Invalid.field(where, "is not UTF-8 text") from None


def _fill(svc: Services, made: dict[str, Any]) -> None:
    """Short codes, as a native feed's posts get them, and the earlier wordings rendered as
    readers saw them."""
    made["short_code"] = new_code()
    for post in made["posts"]:
        post["short_code"] = new_code()
        for revision in post["revisions"]:
            revision["body_html"] = svc.markup.render(revision["fields"].get("body", ""), "body")
        for correction in post["corrections"]:
            correction["body_html"] = svc.markup.render(correction["body_html"] or "", "body")
