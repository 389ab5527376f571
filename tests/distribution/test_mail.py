"""Mail: an outbox written with what it tells of, sent over real SMTP, retried, sent once."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from livefeed.distribution import mail
from livefeed.outside.smtp import MailRefused, SmtpServer
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import mail as mail_store
from tests.conftest import Clock, missing_service
from tests.factories import CHEAP_PASSWORDS
from tests.mail_server import Mailbox, body_of, smtp_server


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def mail_svc(settings: Settings, clock: Clock, mailbox: tuple[Mailbox, int]) -> Iterator[Services]:
    configured = settings.replace(
        smtp_url=f"smtp://127.0.0.1:{mailbox[1]}", smtp_from="news@livefeed.test"
    )
    services = Services.build(configured, clock=clock, passwords=CHEAP_PASSWORDS)
    yield services
    services.close()


def queue(svc: Services, to: str = "anna@newsroom.test", subject: str = "Hello") -> None:
    with svc.db.write() as conn:
        mail.queue(svc, conn, to, subject, "A line.")


def send_due(svc: Services) -> int:
    send = mail.sender(svc.settings)
    assert send is not None
    return mail.deliver_due(svc, svc.clock(), send)


def test_a_queued_message_reaches_the_mail_server(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    queue(mail_svc, subject="Your reset link")
    assert send_due(mail_svc) == 1
    got = mailbox[0].wait_for("anna@newsroom.test")
    assert got["Subject"] == "Your reset link"
    assert got["From"] == "Livefeed <news@livefeed.test>"
    assert "A line." in body_of(got)
    assert "http://livefeed.test/" in body_of(got)
    # Sent means sent: the next round finds nothing.
    assert send_due(mail_svc) == 0
    assert len(mailbox[0].messages) == 1


def test_nothing_is_queued_on_a_site_without_a_mail_server(svc: Services) -> None:
    queue(svc)
    with svc.db.read() as conn:
        assert mail_store.pending_count(conn) == 0


def test_a_refused_message_is_retried_with_backoff_then_sent_once(
    mail_svc: Services, mailbox: tuple[Mailbox, int], clock: Clock
) -> None:
    box = mailbox[0]
    box.refusing = True
    queue(mail_svc)
    assert send_due(mail_svc) == 1
    with mail_svc.db.read() as conn:
        waiting = mail_store.get_mail(conn, 1)
    assert waiting is not None
    assert waiting.state == "pending"
    assert waiting.attempts == 1
    assert "451" in waiting.last_error
    assert waiting.next_attempt_at == clock.now + timedelta(seconds=30)
    # Not due again before the wait is over.
    assert send_due(mail_svc) == 0
    box.refusing = False
    clock.advance(31)
    assert send_due(mail_svc) == 1
    assert len(box.to("anna@newsroom.test")) == 1
    with mail_svc.db.read() as conn:
        sent = mail_store.get_mail(conn, 1)
    assert sent is not None
    assert sent.state == "sent"
    assert sent.sent_at == clock.now


def test_a_message_never_accepted_in_a_day_is_marked_failed(
    mail_svc: Services, mailbox: tuple[Mailbox, int], clock: Clock
) -> None:
    mailbox[0].refusing = True
    queue(mail_svc)
    for _ in range(40):
        send_due(mail_svc)
        clock.advance(3600)
    with mail_svc.db.read() as conn:
        gave_up = mail_store.get_mail(conn, 1)
    assert gave_up is not None
    assert gave_up.state == "failed"


def test_two_instances_send_each_message_once(
    mail_svc: Services, mailbox: tuple[Mailbox, int], settings: Settings, clock: Clock
) -> None:
    other = Services.build(mail_svc.settings, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        for number in range(5):
            queue(mail_svc, to=f"reader{number}@newsroom.test")
        # The second instance read the same due list before the first claimed anything.
        with other.db.read() as conn:
            seen_by_other = mail_store.due(conn, clock.now)
        assert send_due(mail_svc) == 5
        for item in seen_by_other:
            with other.db.write() as conn:
                assert not mail_store.claim(conn, item, clock.now + mail_store.LEASE)
        assert send_due(other) == 0
    finally:
        other.close()
    assert sorted(m["To"] for m in mailbox[0].messages) == [
        f"reader{n}@newsroom.test" for n in range(5)
    ]


def test_an_unreachable_server_is_a_refusal_not_a_crash() -> None:
    with smtp_server() as (_, port):
        pass  # started and stopped: nothing listens there now
    server = SmtpServer.from_url(f"smtp://127.0.0.1:{port}")
    message = EmailMessage()
    message["To"] = "anna@newsroom.test"
    message.set_content("x")
    with pytest.raises(MailRefused, match="could not be reached"):
        server.send(message)


# TLS: STARTTLS and TLS from the first byte, with a login --------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("smtp-tls")
    key, cert = directory / "key.pem", directory / "cert.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
             "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        missing_service(f"openssl could not make a test certificate: {error}")
    return key, cert


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate[1], certificate[0])
    return context


def _letter() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "news@livefeed.test"
    message["To"] = "anna@newsroom.test"
    message["Subject"] = "Over TLS"
    message.set_content("Private words.")
    return message


class Logins:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server: object, session: object, envelope: object, mechanism: str,
                 auth_data: object) -> object:  # fmt: skip
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert isinstance(auth_data, LoginPassword)
        pair = (auth_data.login.decode(), auth_data.password.decode())
        self.seen.append(pair)
        return AuthResult(success=pair == ("news", "p@ss word"))


def test_starttls_upgrades_before_logging_in(certificate: tuple[Path, Path]) -> None:
    logins = Logins()
    options = {
        "tls_context": _server_context(certificate),
        "require_starttls": True,
        "authenticator": logins,
        "auth_require_tls": True,
        "server_hostname": "localhost",
    }
    with smtp_server(**options) as (box, port):
        url = f"smtp+starttls://news:p%40ss%20word@localhost:{port}"
        trust = ssl.create_default_context(cafile=str(certificate[1]))
        SmtpServer.from_url(url, tls=trust).send(_letter())
        assert body_of(box.wait_for("anna@newsroom.test")).strip() == "Private words."
    assert logins.seen == [("news", "p@ss word")]


def test_smtps_speaks_tls_from_the_start_and_checks_the_certificate(
    certificate: tuple[Path, Path],
) -> None:
    options = {"ssl_context": _server_context(certificate), "server_hostname": "localhost"}
    with smtp_server(**options) as (box, port):
        trust = ssl.create_default_context(cafile=str(certificate[1]))
        SmtpServer.from_url(f"smtps://localhost:{port}", tls=trust).send(_letter())
        assert box.wait_for("anna@newsroom.test")["Subject"] == "Over TLS"
        # The system's trust store does not know the test's certificate: refused, not sent.
        with pytest.raises(MailRefused):
            SmtpServer.from_url(f"smtps://localhost:{port}").send(_letter())
    assert len(box.messages) == 1
