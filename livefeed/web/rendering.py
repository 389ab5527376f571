"""The Jinja environment: autoescaping on, and the filters that show times in a feed's zone."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from babel.numbers import format_decimal
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from livefeed.distribution import structured_data
from livefeed.domain import feed_views, languages, times
from livefeed.domain.comments import REASON_LABELS
from livefeed.domain.credentials import SOURCE_TYPES
from livefeed.domain.errors import Message
from livefeed.domain.feeds import zone_choices
from livefeed.domain.verification import SourceType
from livefeed.languages import catalogs, dates, names
from livefeed.services import Services
from livefeed.web import script_words
from livefeed.web.reader.live_posts import verification_shown

TEMPLATES = Path(__file__).with_name("templates")


def _translated(value: object) -> object:
    return catalogs.translate(value) if isinstance(value, Message) else value


def _by_name(name: str) -> str:
    return f"/static/{name}"


class CompiledOnce(BytecodeCache):
    """Each template compiled once per process, however many apps (each with its environment,
    all made alike below) the process builds: the test suite builds one for each of thousands
    of tests, and compiling the templates was a large part of each. A template whose source
    changed is compiled again (Jinja checks the source's checksum)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = CompiledOnce()


def make_templates(svc: Services, static: Callable[[str], str] = _by_name) -> Jinja2Templates:
    """``static`` names each of our files' address (``web/static_files.py`` hashes them)."""
    env = Environment(
        bytecode_cache=_COMPILED,
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        # A use case's message (a form's error) is written in English with its values: shown,
        # it comes out in the language the page speaks.
        finalize=_translated,
    )
    # Words and dates in the language being spoken (languages/catalogs.py): a reader's page
    # speaks its feed's language, the desk its user's.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        catalogs.gettext,
        catalogs.ngettext,
        newstyle=True,
        pgettext=catalogs.pgettext,
        npgettext=catalogs.npgettext,
    )
    env.globals["translate"] = catalogs.translate
    env.globals["language"] = catalogs.current
    env.globals["direction"] = lambda: catalogs.direction(catalogs.current())
    env.globals["script_words"] = script_words.in_page
    env.filters["clock"] = lambda moment, feed: dates.clock(moment, feed.zone)
    env.filters["zone_label"] = lambda moment, feed: times.zone_label(moment, feed.zone)
    env.filters["stamp"] = lambda moment, feed: dates.stamp(moment, feed.zone)
    env.filters["iso"] = times.iso_utc
    # Moments on the desk and in a person's records, in UTC, as the language spoken writes them.
    env.filters["in_utc"] = lambda moment, seconds=False: dates.in_utc(moment, seconds=seconds)
    env.filters["day_text"] = dates.day_text
    env.filters["date_line"] = lambda moment, feed: dates.date_text(moment, feed.zone)
    # Every date a reader sees on a feed's pages is worded by languages/dates.date_text.
    env.filters["date"] = lambda moment, feed, style="date": dates.date_text(
        moment, feed.zone, style
    )
    # Whether a moment is on the feed's current day (a post then needs no date).
    env.globals["is_today"] = lambda moment, feed: times.same_day(moment, svc.clock(), feed.zone)
    env.globals["verification_shown"] = verification_shown
    env.filters["highlight"] = _highlight
    env.filters["bdi"] = bidi_isolate
    # A count as the language spoken writes it (12,400; 12 400; 12.400).
    env.filters["number"] = lambda count: format_decimal(count, locale=catalogs.locale_of())
    env.globals["urls"] = svc.urls
    # What the viewer may do on the page's feed (which tools to show): nothing, unless a page
    # says otherwise; every action checks again when it is taken.
    env.globals["rights"] = frozenset()
    env.globals["site_name"] = svc.settings.site_name
    env.globals["site_logo"] = svc.urls.site_logo
    env.globals["static"] = static
    # Why a comment is reported or rejected: the one list, on every page that offers it.
    env.globals["reason_labels"] = REASON_LABELS
    # The feed form's list of time zones.
    env.globals["time_zones"] = zone_choices()
    # The feed form's list of common languages, each named in its own words.
    env.globals["feed_languages"] = names.common()
    # A picture's digital source types, in the words readers and the compose form show.
    env.globals["source_types"] = SOURCE_TYPES
    env.globals["source_kinds"] = [kind.value for kind in SourceType]
    # The compose form's script refuses a file over these before sending it (media.py).
    env.globals["upload_limits"] = {
        "image": svc.settings.media_max_bytes,
        "video": svc.settings.media_max_video_bytes,
    }
    env.globals["query"] = lambda **params: (
        "?" + urlencode({k: v for k, v in params.items() if v is not None})
    )
    # Structured data and link previews (_feed_meta.html, _post_meta.html), built in Python.
    settings = svc.settings
    policies = structured_data.policies_of(
        settings.corrections_policy_url,
        settings.publishing_principles_url,
        settings.verification_policy_url,
    )
    env.globals["live_blog_posting"] = partial(
        structured_data.live_blog_posting, urls=svc.urls, policies=policies
    )
    env.globals["feed_card"] = partial(structured_data.feed_card, urls=svc.urls)
    env.globals["post_card"] = partial(structured_data.post_card, urls=svc.urls)
    # script_json escapes "<", ">" and "&", so the JSON cannot end its <script> early.
    env.filters["json_ld"] = lambda data: Markup(structured_data.script_json(data))  # noqa: S704
    return Jinja2Templates(env=env)


def _highlight(text: str, words: list[str]) -> Markup:
    """Plain text, escaped, with the searched words marked."""
    return Markup(feed_views.highlight(str(escape(text)), words))  # noqa: S704 (escaped above)


def bidi_isolate(text: object) -> Markup:
    """A name or title set apart, in ``<bdi>``, from the words around it: written in another
    direction than the page (a Latin name in Arabic words), it keeps its own order and does not
    pull the punctuation next to it. As a value of a message (``name=author | bdi``) it stays
    markup. A left-to-right page showing left-to-right text needs no isolation (nothing in it
    can be reordered), so it gets the text alone; an empty value gives nothing, so that a cell
    without one is still ``:empty``."""
    if text == "":
        return Markup()
    if catalogs.direction(catalogs.current()) == "ltr" and not languages.holds_right_to_left(
        str(text)
    ):
        return escape(text)
    return Markup("<bdi>{}</bdi>").format(text)
