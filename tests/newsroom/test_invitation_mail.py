"""Invitations emailed through the outbox to a real SMTP server, and withdrawn before use."""

from __future__ import annotations

import pytest

from livefeed.distribution import mail
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.newsroom import invitations
from livefeed.newsroom.invitations import InvitationUnusable
from livefeed.services import Services
from tests.factories import make_editor, make_feed, make_user
from tests.mail_server import Mailbox, body_of, link_in


def test_an_emailed_invitation_carries_the_working_link(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_editor(mail_svc)
    make_feed(mail_svc, anna)
    made = invitations.invite(
        mail_svc, anna, "new@newsroom.test", feed_slug="summit", role="contributor",
        send_email=True,
    )  # fmt: skip
    assert made.emailed
    send = mail.sender(mail_svc.settings)
    assert send is not None
    mail.deliver_due(mail_svc, mail_svc.clock(), send)
    got = mailbox[0].wait_for("new@newsroom.test")
    assert got["Subject"] == "Anna Editor invites you to Livefeed"
    assert "team of “Summit in Geneva: live” as its contributor" in body_of(got)
    assert link_in(got) == made.url
    secret = made.url.rsplit("/", 1)[1]
    session = invitations.accept_new(
        mail_svc, secret, display_name="Nina", password="a long passphrase"
    )
    assert session.user.email == "new@newsroom.test"


def test_without_a_mail_server_emailing_is_refused_naming_the_box(svc: Services) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna)
    with pytest.raises(Invalid) as caught:
        invitations.invite(
            svc, anna, "new@newsroom.test", feed_slug="summit", role="contributor",
            send_email=True,
        )  # fmt: skip
    assert list(caught.value.errors) == ["send_email"]
    assert invitations.pending(svc, anna, "summit") == []


def test_a_withdrawn_invitation_stops_working(svc: Services) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna)
    made = invitations.invite(
        svc, anna, "new@newsroom.test", feed_slug="summit", role="contributor"
    )
    secret = made.url.rsplit("/", 1)[1]
    invitations.withdraw(svc, anna, made.invitation.id, feed_slug="summit")
    assert invitations.pending(svc, anna, "summit") == []
    with pytest.raises(InvitationUnusable, match="withdrawn"):
        invitations.look_up(svc, secret)
    with pytest.raises(InvitationUnusable):
        invitations.accept_new(svc, secret, display_name="Nina", password="a long passphrase")
    with pytest.raises(Conflict, match="already used or withdrawn"):
        invitations.withdraw(svc, anna, made.invitation.id)


def test_a_used_invitation_cannot_be_withdrawn_and_only_its_senders_may(svc: Services) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="other", title="Other")
    outsider = make_user(svc, "olga@newsroom.test", name="Olga")
    made = invitations.invite(
        svc, anna, "new@newsroom.test", feed_slug="summit", role="contributor"
    )
    with pytest.raises(Forbidden):
        invitations.withdraw(svc, outsider, made.invitation.id)
    with pytest.raises(NotFound):
        invitations.withdraw(svc, anna, made.invitation.id, feed_slug="other")
    invitations.accept_new(
        svc, made.url.rsplit("/", 1)[1], display_name="Nina", password="a long passphrase"
    )
    with pytest.raises(Conflict):
        invitations.withdraw(svc, anna, made.invitation.id)
