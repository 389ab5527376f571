"""Sending one message to the mail server named by ``LIVEFEED_SMTP_URL``.

``smtp://`` speaks plain SMTP (a relay on the same machine or network), ``smtp+starttls://``
upgrades the connection before anything else is said, and ``smtps://`` is TLS from the first
byte. A user and password in the URL log in (the settings refuse a password over plain
``smtp://`` to a server that is not on this machine).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailRefused(Exception):
    """The mail server could not be reached, or would not take the message; retried later."""


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes and how; ``tls`` is the system's trust store unless a test gives its own."""

    scheme: str
    host: str
    port: int
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 10.0
    tls: ssl.SSLContext | None = field(default=None, compare=False)

    @classmethod
    def from_url(cls, url: str, tls: ssl.SSLContext | None = None) -> SmtpServer:
        parts = urlsplit(url)
        return cls(
            scheme=parts.scheme,
            host=parts.hostname or "",
            port=parts.port or DEFAULT_PORTS[parts.scheme],
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            tls=tls,
        )

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` over, or raise :class:`MailRefused` saying why not."""
        context = self.tls or ssl.create_default_context()
        try:
            if self.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.scheme == "smtp+starttls":
                    client.starttls(context=context)
                if self.user:
                    client.login(self.user, self.password)
                client.send_message(message)
        except smtplib.SMTPResponseException as error:
            said = error.smtp_error
            reason = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
            raise MailRefused(f"the mail server answered {error.smtp_code} {reason}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise MailRefused(f"the mail server could not be reached: {error}") from None
