"""What every use case needs, built once by ``create_app`` or the CLI and passed explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from livefeed.access.passwords import Passwords
from livefeed.access.rate_limits.limiter import RateLimiter, limiter_for
from livefeed.distribution.resources import Urls
from livefeed.outside.fetch_policy import FetchPolicy
from livefeed.outside.markup import Markup
from livefeed.outside.storage import LocalStorage, Storage
from livefeed.settings import Settings
from livefeed.store.database import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: Database
    markup: Markup
    urls: Urls
    # Uploaded pictures and videos (see media.py).
    storage: Storage
    limits: RateLimiter
    passwords: Passwords
    clock: Callable[[], datetime] = field(default=utc_now)
    listeners: list[Callable[[int], None]] = field(default_factory=list)
    # What fetching a page for an editor may reach; tests admit their own local servers.
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)

    @classmethod
    def build(
        cls,
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
        passwords: Passwords | None = None,
    ) -> Services:
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            markup=Markup(settings.public_url),
            urls=Urls(
                settings.public_url,
                settings.short_url,
                site_name=settings.site_name,
                site_logo=settings.site_logo,
            ),
            storage=LocalStorage(settings.media_path, f"{settings.public_url}/media"),
            limits=limiter_for(settings, clock),
            passwords=passwords or Passwords(),
            clock=clock,
        )

    def committed(self, feed_id: int) -> None:
        """A transaction that logged events for ``feed_id`` has committed: tell who listens."""
        for listener in self.listeners:
            listener(feed_id)

    def close(self) -> None:
        self.db.dispose()
        self.limits.close()
