"""The demo feed seeded into an empty site, so a first look shows what Livefeed does rather than
an empty home page.

Everything is written through the same publishing use cases an editor's desk uses, so the demo
passes the same checks, is rendered by the same Markdown pipeline and fills the event log
exactly as real publishing would.
"""

from __future__ import annotations

import dataclasses
import io
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from livefeed.access import accounts
from livefeed.demo import photos
from livefeed.demo.story import FEED, POSTS
from livefeed.distribution import reading
from livefeed.domain.errors import Conflict
from livefeed.domain.feeds import Feed
from livefeed.domain.users import Role, User
from livefeed.newsroom import media, publishing
from livefeed.services import Services
from livefeed.store import feeds as feed_store

DESK_EMAIL = "desk@livefeed.local"
# The newest post lands this long before "now", so the feed reads as one that is still moving.
NEWEST_POST_AGE = timedelta(minutes=10)


def seed_demo(svc: Services) -> Feed | None:
    """Seed the demo feed into a site that has no feed yet; None when there already is one.

    Posts are published oldest first, each with the clock set back to its moment in the story,
    so timestamps, ``seq`` order and the event log agree as if the night had happened live.
    """
    with svc.db.read() as conn:
        if feed_store.count(conn):
            return None
    desk = _desk_editor(svc)
    last_minute = max(minute for minute, _ in POSTS)
    start = (
        svc.clock().replace(second=0, microsecond=0)
        - NEWEST_POST_AGE
        - timedelta(minutes=last_minute)
    )
    try:
        feed = publishing.seed_feed(
            _at(svc, start), desk, {**FEED, "coverage_start": start.isoformat()}
        )
    except Conflict:
        # Another instance started on the same empty database and is seeding it right now.
        return None
    pictures = _upload_pictures(_at(svc, start), desk, feed.slug)
    for minute, fields in POSTS:
        moment = start + timedelta(minutes=minute)
        publishing.publish_post(_at(svc, moment), desk, feed.slug, _with(pictures, fields))
    return reading.get_feed(svc, feed.slug)


def _upload_pictures(svc: Services, desk: User, slug: str) -> dict[str, str]:
    """Draw each picture the story names and upload it as an editor would: the posts then
    show it at the sizes a browser picks from, like any other upload."""
    named = {
        value
        for _, fields in POSTS
        for value in fields.values()
        if isinstance(value, str) and value.startswith(photos.PREFIX)
    }
    addresses = {}
    for wanted in sorted(named):
        name = wanted.removeprefix(photos.PREFIX)
        data = photos.picture(name)
        incoming = media.Incoming(f"{name}.jpg", io.BytesIO(data), len(data))
        uploaded = media.upload(svc, desk, incoming, f"A drawn scene: {name}", feed=slug)
        addresses[wanted] = uploaded.url
    return addresses


def _with(pictures: dict[str, str], fields: Mapping[str, object]) -> dict[str, object]:
    return {
        key: pictures.get(value, value) if isinstance(value, str) else value
        for key, value in fields.items()
    }


def _desk_editor(svc: Services) -> User:
    """The byline of the demo posts: an editor whose random password is never shown to anyone,
    so the account signs posts but opens no door."""
    try:
        return accounts.add_user(
            svc, DESK_EMAIL, secrets.token_urlsafe(24), role=Role.MEMBER, display_name="Newsdesk"
        )
    except Conflict:
        # The address was taken, so its account exists.
        return accounts.by_email(svc, DESK_EMAIL)


def _at(svc: Services, moment: datetime) -> Services:
    """The same services with the clock stopped at ``moment``: publishing stamps posts with it."""
    return dataclasses.replace(svc, clock=lambda: moment)
