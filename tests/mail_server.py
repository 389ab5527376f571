"""A real SMTP server on loopback (aiosmtpd) that keeps what it is sent, for tests to read."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.ports import free_port

LINK = re.compile(r"https?://\S+")


class Mailbox:
    """What the server was sent; a handler that can also refuse, to test retries."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusing = False
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.refusing:
            return "451 4.3.0 try again later"
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._arrived:
            self.messages.append(parsed)
            self._arrived.notify_all()
        return "250 OK"

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == recipient]

    def wait_for(self, recipient: str, timeout: float = 20.0) -> EmailMessage:
        """The first message to ``recipient``, waiting for the sender's next round if need be."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not self.to(recipient):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail to {recipient} arrived")
                self._arrived.wait(left)
            return self.to(recipient)[0]


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content: Any = part.get_content()
    assert isinstance(content, str)
    return content


def link_in(message: EmailMessage) -> str:
    found = LINK.findall(body_of(message))
    assert found, body_of(message)
    return str(found[0])


@contextmanager
def smtp_server(**options: Any) -> Iterator[tuple[Mailbox, int]]:
    """A running server on 127.0.0.1 and its port; ``options`` go to aiosmtpd's Controller."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
