"""Opaque "Show older posts" cursors: a position in newest-first order, not a page number.

A position (publish time, id) stays valid while posts are added above it, so a reader paging
back during a busy night neither skips nor repeats a post.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from livefeed.domain.errors import Invalid

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# posts.id is a 32-bit column: a larger id in a forged cursor would make the query itself fail.
_MAX_POST_ID = 2**31 - 1


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    post_id: int

    def encode(self) -> str:
        micros = (self.published_at - _EPOCH) // timedelta(microseconds=1)
        raw = f"{micros}.{self.post_id}".encode("ascii")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text: str, field: str = "cursor") -> Cursor:
        error = Invalid.field(field, "is not a cursor this server gave out")
        if not text or len(text) > 64:
            raise error
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
            micros_text, _, id_text = raw.partition(".")
            if not (micros_text.isdigit() and id_text.isdigit()):
                raise error
            moment = _EPOCH + timedelta(microseconds=int(micros_text))
            post_id = int(id_text)
            if post_id > _MAX_POST_ID:
                raise error
            return cls(moment, post_id)
        except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError):
            raise error from None
