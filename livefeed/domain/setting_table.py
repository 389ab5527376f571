"""Every ``LIVEFEED_*`` variable: its default, how its text is parsed, and what it does.

The README's configuration table is checked against this one; ``settings.py`` reads the
variables by it into a frozen ``Settings``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from livefeed.domain import setting_values as parse


@dataclass(frozen=True)
class Setting:
    """How one variable is parsed and documented (the README table is checked against these)."""

    name: str
    default: str
    parse: Callable[[str], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "sqlite:///./livefeed.db",
        parse.url(("sqlite", "postgresql", "postgres")),
        "Where posts live: `sqlite:///path.db` (embedded) or `postgresql://user@host/db`.",
    ),
    Setting(
        "redis_url",
        "",
        parse.optional_url(("redis", "rediss")),
        "Redis for fan-out between instances; empty means one instance, in-process.",
    ),
    Setting(
        "public_url",
        "",
        parse.optional(parse.public_url),
        "The canonical origin readers see; `https://` also marks cookies Secure. Empty: the "
        "host and port being served (`http://127.0.0.1:8000` by default).",
    ),
    Setting("host", "127.0.0.1", str, "Address `livefeed serve` listens on."),
    Setting("port", "8000", parse.port, "Port `livefeed serve` listens on."),
    Setting("session_days", "14", parse.positive_int, "How many days a desk login lasts."),
    Setting(
        "login_attempts",
        "5",
        parse.positive_int,
        "Failed logins allowed per account from one client address in 15 minutes (four times "
        "as many in 24 hours), and ten times as many per address across accounts, except for "
        "accounts that have logged in from it in the last 90 days. No account is ever locked "
        "for everyone.",
    ),
    Setting(
        "seed_demo",
        "false",
        parse.boolean,
        "Whether `livefeed serve` seeds the demo feed into an empty database (`make serve` "
        "does, through `livefeed serve --demo`); never wanted in production.",
    ),
    Setting(
        "short_url",
        "",
        parse.optional_public_url,
        "Origin of short URLs (`https://lf.example` gives `https://lf.example/s/aB3xY9k`); "
        "empty means the public URL. It must send `/s/…` on to this app.",
    ),
    Setting(
        "media_dir",
        "",
        str,
        "Folder for uploaded pictures and videos; empty means `media` beside the SQLite "
        "database, or in the working directory with PostgreSQL.",
    ),
    Setting(
        "media_url",
        "",
        parse.media_url,
        "Where uploads go when not in a folder: `s3://bucket/prefix`, any S3-compatible "
        "object storage. Several instances need this, or one folder they all share.",
    ),
    Setting("media_endpoint", "", parse.base_url, "The object storage's address; empty: AWS S3."),
    Setting("media_region", "", str, "The bucket's region; empty: `us-east-1`."),
    Setting("media_access_key_id", "", str, "Object storage key; empty: AWS's own chain."),
    Setting("media_secret_access_key", "", str, "Its secret (best as `…_FILE`)."),
    Setting(
        "media_public_url",
        "",
        parse.base_url,
        "Public address of the bucket's prefix, or a CDN in front of it: readers are sent to "
        "it followed by the file's name. Empty: to addresses signed for an hour.",
    ),
    Setting(
        "media_max_bytes",
        "20MB",
        parse.byte_size,
        "Largest picture upload (`KB`, `MB`, `GB` or bytes); refused as soon as it is passed.",
    ),
    Setting(
        "media_max_video_bytes",
        "200MB",
        parse.byte_size,
        "Largest video upload (MP4 or WebM) or audio clip (MP3, M4A, Ogg, Opus, WAV), in the same "
        "units.",
    ),
    Setting(
        "media_quota_per_user",
        "2GB",
        parse.byte_size,
        "How much each person's uploads may take in all, in the same units; an upload that "
        "would pass it is refused, saying how much is used.",
    ),
    Setting(
        "media_quota_per_feed",
        "10GB",
        parse.byte_size,
        "How much the uploads sent for one feed may take in all, whoever sent them.",
    ),
    Setting(
        "request_head_timeout",
        "10",
        parse.positive_int,
        "Seconds a client has to send a request's head before it is answered 408 and let go.",
    ),
    Setting(
        "connections_per_client",
        "500",
        parse.positive_int,
        "Open connections one client address may hold at once (proxies in "
        "`LIVEFEED_TRUSTED_PROXIES` are not counted); the next is answered 503.",
    ),
    Setting(
        "trusted_proxies",
        "",
        parse.networks,
        "Comma-separated addresses or CIDR blocks (IPv4 or IPv6) of the proxies in front; "
        "only from these is `X-Forwarded-For` believed for the client's address. Empty: none.",
    ),
    Setting(
        "corrections_policy_url",
        "",
        parse.optional_url(("http", "https")),
        "Address of the site's corrections policy, given to search engines as the publisher's "
        "`correctionsPolicy`; empty: none.",
    ),
    Setting(
        "publishing_principles_url",
        "",
        parse.optional_url(("http", "https")),
        "Address of the site's publishing principles (`publishingPrinciples`); empty: none.",
    ),
    Setting(
        "verification_policy_url",
        "",
        parse.optional_url(("http", "https")),
        "Address of how the newsroom verifies and fact-checks "
        "(`verificationFactCheckingPolicy`); empty: none.",
    ),
    Setting(
        "loop",
        "auto",
        parse.choice("auto", "uvloop", "asyncio"),
        "Event loop of `livefeed serve`: `uvloop` (installed by default, cheaper per reader), "
        "`asyncio` (the standard library's), or `auto` (uvloop when importable).",
    ),
    Setting(
        "stream_memory",
        "64MB",
        parse.byte_size,
        "Memory for the feeds' recent events, already encoded, kept past their last reader so "
        "that readers coming back at once catch up from it; the least recently used feed "
        "goes first (`KB`, `MB`, `GB` or bytes).",
    ),
    Setting(
        "workers",
        "0",
        parse.whole_number_or_zero,
        "Worker processes `livefeed serve` starts on the port (`SO_REUSEPORT`); `0` means "
        "one per core. They share wake-ups through Redis if configured, else among themselves.",
    ),
    Setting(
        "smtp_url",
        "",
        parse.smtp_url,
        "The mail server: `smtp://host:25`, `smtp+starttls://user:password@host:587` or "
        "`smtps://user:password@host:465`. Empty: no mail is sent (password resets, "
        "emailed invitations and notices are then unavailable).",
    ),
    Setting(
        "smtp_from",
        "",
        parse.email_address,
        "The sender of the site's mail; empty means `livefeed@` and the public URL's host.",
    ),
    Setting(
        "webhook_allow",
        "",
        parse.hosts_and_networks,
        "Comma-separated host names, addresses or CIDR blocks inside your own network that "
        "webhooks may be sent to (`hooks.internal, 10.0.0.0/8`). Empty: public receivers only.",
    ),
    Setting(
        "secret_key",
        "",
        str,
        "The key of the site's keyed hashes (what a guest's ban remembers of them); empty "
        "means a random key made once and kept in the database.",
    ),
    Setting(
        "site_name",
        "Livefeed",
        parse.site_name,
        "The newsroom's name, in pages, feeds, structured data, link previews and emails.",
    ),
    Setting(
        "site_logo",
        "",
        parse.optional(parse.image_address),
        "The newsroom's logo (an `https://` address or a path on this site such as "
        "`/media/logo.png`), shown in the header and given to search engines as the publisher's "
        "logo. Empty: the name alone.",
    ),
    Setting(
        "language",
        "en",
        parse.language,
        "The language of new feeds and of pages for a visitor whose browser asks for none this "
        "site speaks: a BCP 47 tag such as `en`, `ru` or `pt-BR`.",
    ),
    Setting(
        "vapid_private_key",
        "",
        parse.vapid_key,
        "The key readers' browsers know our alerts by (Web Push's VAPID): a P-256 private key, "
        "PEM or 32 bytes in URL-safe base64, best as `…_FILE`. Empty: one made at first start "
        "and kept in the database. Changing it ends every reader's alerts.",
    ),
    Setting(
        "meta_access_token",
        "",
        str.strip,
        "An app's access token from Meta (`app-id|client-token`), which Instagram, Threads and "
        "Facebook require before they describe a post to be embedded. Empty: their posts are "
        "refused with a message that says so.",
    ),
    Setting(
        "log_format",
        "text",
        parse.choice("text", "json"),
        "`text` (one readable line per event) or `json` (one JSON object per line); every line "
        "has a timestamp, level, logger and request id.",
    ),
    Setting(
        "metrics_token",
        "",
        lambda value: value.strip() or None,
        "Serves Prometheus metrics at `/metrics` to requests bearing this token "
        "(`Authorization: Bearer …`). Empty: `/metrics` answers 404.",
    ),
    Setting(
        "metrics_port",
        "",
        parse.optional(parse.port),
        "Serves Prometheus metrics on this port of `LIVEFEED_HOST` as well, without a token "
        "(keep it off the public network). Empty: no such port.",
    ),
)
