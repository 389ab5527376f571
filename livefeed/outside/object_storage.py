"""Uploads in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, Scaleway…), through obstore.

With several instances, an upload written to one machine's disk is missing on the others; a
bucket is the one place every instance writes to and readers load from.

Posts keep the site's own address for a file (``{public_url}/media/{name}``, the same as with a
folder), so the pictures in posts already written stay valid whichever storage, CDN or bucket
serves them later. Every instance answers that address with a redirect to where the bytes are:
the public address (a CDN, or the bucket's own when it is public), or a signed address to a
private bucket, good for an hour.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import IO, TYPE_CHECKING, TypeVar
from urllib.parse import quote, urlsplit

import obstore
from obstore.exceptions import BaseError
from obstore.store import S3Store

from livefeed.domain.errors import Unavailable
from livefeed.domain.media import parse_media_name

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig, S3Config

T = TypeVar("T")
SIGNED_FOR = timedelta(hours=1)
# A few quick retries: an editor waiting on an upload hears about an outage in seconds.
_RETRIES: RetryConfig = {"max_retries": 3, "retry_timeout": timedelta(seconds=20)}
# Names are content: a file never changes once stored, so caches keep it for good.
IMMUTABLE = "public, max-age=31536000, immutable"


class ObjectStorage:
    """Files as objects under ``prefix`` in ``bucket``; see the module's docstring."""

    def __init__(
        self,
        media_url: str,
        base_url: str,
        *,
        endpoint: str = "",
        region: str = "",
        access_key_id: str = "",
        secret_access_key: str = "",
        public_url: str = "",
    ) -> None:
        parts = urlsplit(media_url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self.base_url = base_url.rstrip("/")
        self.public_url = public_url.rstrip("/")
        config: S3Config = {}
        client: ClientConfig = {"connect_timeout": timedelta(seconds=5)}
        if endpoint:
            config["endpoint"] = endpoint
            client["allow_http"] = endpoint.startswith("http://")
        if region:
            config["region"] = region
        if access_key_id:
            config["access_key_id"] = access_key_id
            config["secret_access_key"] = secret_access_key
        self.store = S3Store(
            self.bucket,
            prefix=self.prefix or None,
            config=config,
            client_options=client,
            retry_config=_RETRIES,
        )

    @property
    def signed(self) -> bool:
        """Whether readers are sent to signed addresses (there is no public one)."""
        return not self.public_url

    def put(self, name: str, source: IO[bytes]) -> None:
        found = _checked(name)
        if self.exists(name):
            return
        attributes = {"Content-Type": found, "Cache-Control": IMMUTABLE}
        # An object appears whole or not at all, so a reader never loads half a picture.
        _answered(lambda: obstore.put(self.store, name, source, attributes=attributes))

    def exists(self, name: str) -> bool:
        try:
            _checked(name)
            _answered(lambda: obstore.head(self.store, name))
        except (ValueError, FileNotFoundError):
            return False
        return True

    def delete(self, name: str) -> None:
        # Deleting an object that is not there is no error in S3 either.
        _answered(lambda: obstore.delete(self.store, _name(name)))

    def open(self, name: str) -> IO[bytes]:
        found = _answered(lambda: obstore.get(self.store, _name(name)).bytes())
        return io.BytesIO(bytes(found))

    def url(self, name: str) -> str:
        """The site's own address for the file, which every instance redirects (see
        :meth:`location`); posts keep this one."""
        return f"{self.base_url}/{_name(name)}"

    def location(self, name: str) -> str:
        """Where a reader's browser loads the bytes from now."""
        if self.public_url:
            return f"{self.public_url}/{quote(_name(name))}"
        return obstore.sign(self.store, "GET", _name(name), SIGNED_FOR)


def _checked(name: str) -> str:
    """The content type of a name this site gives; :class:`ValueError` for any other name."""
    found = parse_media_name(name)
    if found is None:
        raise ValueError(f"not a stored file's name: {name!r}")
    return found.format.content_type


def _name(name: str) -> str:
    _checked(name)
    return name


def _answered(call: Callable[[], T]) -> T:
    """``call()``; a storage that does not answer, or refuses us, is :class:`Unavailable`."""
    try:
        return call()
    except BaseError as error:
        raise Unavailable("the media storage does not answer; try again in a moment") from error
