"""The Jinja environment: autoescaping on, and the filters that show times in a feed's zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from livefeed.distribution import structured_data
from livefeed.domain import times
from livefeed.domain.comments import REASON_LABELS
from livefeed.domain.feeds import Feed, zone_choices
from livefeed.services import Services

TEMPLATES = Path(__file__).with_name("templates")


def _by_name(name: str) -> str:
    return f"/static/{name}"


def make_templates(svc: Services, static: Callable[[str], str] = _by_name) -> Jinja2Templates:
    """``static`` names each of our files' address (``web/static_files.py`` hashes them)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters["clock"] = lambda moment, feed: times.clock(moment, feed.zone)
    env.filters["zone_label"] = lambda moment, feed: times.zone_label(moment, feed.zone)
    env.filters["stamp"] = lambda moment, feed: times.stamp(moment, feed.zone)
    env.filters["iso"] = times.iso_utc
    env.filters["date_line"] = _date_line
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
    # The compose form's script refuses a file over these before sending it (media.py).
    env.globals["upload_limits"] = {
        "image": svc.settings.media_max_bytes,
        "video": svc.settings.media_max_video_bytes,
    }
    env.globals["query"] = lambda **params: (
        "?" + urlencode({k: v for k, v in params.items() if v is not None})
    )
    # Structured data and link previews (_feed_meta.html, _post_meta.html), built in Python.
    env.globals["live_blog_posting"] = partial(structured_data.live_blog_posting, urls=svc.urls)
    env.globals["feed_card"] = partial(structured_data.feed_card, urls=svc.urls)
    env.globals["post_card"] = partial(structured_data.post_card, urls=svc.urls)
    # script_json escapes "<", ">" and "&", so the JSON cannot end its <script> early.
    env.filters["json_ld"] = lambda data: Markup(structured_data.script_json(data))  # noqa: S704
    return Jinja2Templates(env=env)


def _date_line(moment: datetime, feed: Feed) -> str:
    here = times.local(moment, feed.zone)
    return f"{here.day} {here:%B %Y}"
