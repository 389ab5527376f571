"""The post every fan-out benchmark publishes, one size everywhere, so that bytes and CPU per
delivery compare across servers and across runs."""

from __future__ import annotations

import json

from fanout_servers import Server

BODY_BYTES = 512
TEXT = (
    "Emergency crews reached the valley overnight after the river burst its banks, and the "
    "regional authority says the main road will stay closed until the bridge is inspected. "
)


def post_body(number: int) -> str:
    """A post body of exactly ``BODY_BYTES`` ASCII bytes."""
    text = f"Update {number}. " + TEXT * (BODY_BYTES // len(TEXT) + 1)
    return text[:BODY_BYTES]


def publish_payload(server: Server, number: int) -> bytes:
    """What the publisher POSTs: the post as JSON for Livefeed's API, the bare body elsewhere."""
    if server.name == "livefeed":
        post = {"headline": f"Update {number}", "body": post_body(number)}
        return json.dumps(post).encode()
    return post_body(number).encode()
