"""What every use case needs, built once by ``create_app`` or the CLI and passed explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from livefeed.access.passwords import Passwords
from livefeed.access.rate_limits.limiter import RateLimiter, limiter_for
from livefeed.distribution.resources import Urls
from livefeed.domain.embeds import PROVIDERS, Provider
from livefeed.outside.fetch_policy import FetchPolicy
from livefeed.outside.markup import Markup
from livefeed.outside.object_storage import ObjectStorage
from livefeed.outside.storage import LocalStorage, Storage
from livefeed.settings import Settings
from livefeed.store.database import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


def storage_for(settings: Settings) -> Storage:
    """A bucket when ``LIVEFEED_MEDIA_URL`` names one, else the media folder."""
    site = f"{settings.public_url}/media"
    if not settings.media_url:
        return LocalStorage(settings.media_path, site)
    return ObjectStorage(
        settings.media_url,
        site,
        endpoint=settings.media_endpoint,
        region=settings.media_region,
        access_key_id=settings.media_access_key_id,
        secret_access_key=settings.media_secret_access_key,
        public_url=settings.media_public_url,
    )


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
    # Told when a feed's logged events were rewritten, so copies kept in memory go too.
    forgetters: list[Callable[[int], None]] = field(default_factory=list)
    # What fetching a page for an editor may reach; tests admit their own local servers.
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)
    # The sites whose posts are embedded by their listed oEmbed endpoint (domain/embeds.py).
    embed_providers: tuple[Provider, ...] = PROVIDERS

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
                language=settings.language,
            ),
            storage=storage_for(settings),
            limits=limiter_for(settings, clock),
            passwords=passwords or Passwords(),
            clock=clock,
        )

    def committed(self, feed_id: int) -> None:
        """A transaction that logged events for ``feed_id``, scheduled one of its posts or
        queued a webhook's test has committed: tell who listens (a hub that reads the log then
        finds nothing new)."""
        for listener in self.listeners:
            listener(feed_id)

    def rewrote(self, feed_id: int) -> None:
        """Events already logged for ``feed_id`` were changed (words or a name erased): tell
        whoever keeps copies of them in this process (its hub). Other instances learn of it
        from the wake-up of the commit (every rewrite logs an event too): it has them look the
        feed up again and see its count of rewrites move (``Feed.log_rewrites``)."""
        for forget in self.forgetters:
            forget(feed_id)

    def close(self) -> None:
        self.db.dispose()
        self.limits.close()
