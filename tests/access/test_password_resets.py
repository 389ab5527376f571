"""Password resets: a one-time link by real email, hashed, an hour long, rate-limited, silent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from livefeed.access import accounts, users
from livefeed.access import password_resets as resets
from livefeed.access.password_resets import ResetUnusable
from livefeed.distribution import mail
from livefeed.domain.errors import Conflict, Invalid, TooManyRequests
from livefeed.services import Services
from livefeed.store import mail as mail_store
from livefeed.store.mail_schema import password_resets
from tests.conftest import Clock
from tests.factories import PASSWORD, make_admin, make_user
from tests.mail_server import Mailbox, body_of, link_in

NEW_PASSWORD = "a brand new passphrase"
ADDRESS = "198.51.100.7"


def link_for(svc: Services, box: Mailbox, address: str) -> str:
    send = mail.sender(svc.settings)
    assert send is not None
    mail.deliver_due(svc, svc.clock(), send)
    return link_in(box.wait_for(address))


def secret_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_the_link_arrives_by_mail_and_sets_a_new_password_once(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_user(mail_svc)
    old_session = accounts.open_session(mail_svc, anna)
    resets.request_reset(mail_svc, " Anna@Newsroom.test ", address=ADDRESS)
    link = link_for(mail_svc, mailbox[0], anna.email)
    assert link.startswith("http://livefeed.test/password-reset/")
    assert "Livefeed" in mailbox[0].messages[0]["Subject"]
    assert "Hello Anna" in body_of(mailbox[0].messages[0])

    secret = secret_of(link)
    assert resets.account_of(mail_svc, secret).id == anna.id
    resets.reset_password(mail_svc, secret, NEW_PASSWORD)

    # The new password works, the old does not, and the session opened before has ended.
    accounts.log_in(mail_svc, anna.email, NEW_PASSWORD, address=ADDRESS)
    with pytest.raises(Invalid):
        accounts.log_in(mail_svc, anna.email, PASSWORD, address=ADDRESS)
    assert accounts.session_user(mail_svc, old_session.token) is None
    # Once only.
    with pytest.raises(ResetUnusable):
        resets.reset_password(mail_svc, secret, "yet another passphrase")


def test_only_the_hash_of_the_link_is_kept(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_user(mail_svc)
    resets.request_reset(mail_svc, anna.email, address=ADDRESS)
    secret = secret_of(link_for(mail_svc, mailbox[0], anna.email))
    with mail_svc.db.read() as conn:
        kept = conn.execute(select(password_resets.c.token_hash)).scalars().all()
    assert len(kept) == 1
    assert secret not in kept[0]
    assert len(kept[0]) == 64


def test_the_link_expires_after_an_hour(
    mail_svc: Services, mailbox: tuple[Mailbox, int], clock: Clock
) -> None:
    anna = make_user(mail_svc)
    resets.request_reset(mail_svc, anna.email, address=ADDRESS)
    secret = secret_of(link_for(mail_svc, mailbox[0], anna.email))
    clock.advance(59 * 60)
    assert resets.account_of(mail_svc, secret).id == anna.id
    clock.advance(60)
    with pytest.raises(ResetUnusable):
        resets.reset_password(mail_svc, secret, NEW_PASSWORD)
    accounts.log_in(mail_svc, anna.email, PASSWORD, address=ADDRESS)


def test_an_unknown_address_is_answered_alike_and_sent_nothing(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    make_user(mail_svc)
    assert resets.request_reset(mail_svc, "nobody@newsroom.test", address=ADDRESS) is None
    with mail_svc.db.read() as conn:
        assert mail_store.pending_count(conn) == 0


def test_a_disabled_account_gets_no_link(mail_svc: Services) -> None:
    admin = make_admin(mail_svc)
    anna = make_user(mail_svc)
    users.disable(mail_svc, admin, anna.email)
    resets.request_reset(mail_svc, anna.email, address=ADDRESS)
    with mail_svc.db.read() as conn:
        assert mail_store.pending_count(conn) == 0


def test_asking_is_rate_limited_the_same_for_known_and_unknown_addresses(
    mail_svc: Services,
) -> None:
    make_user(mail_svc)
    for address in ("anna@newsroom.test", "nobody@newsroom.test"):
        for _ in range(3):
            resets.request_reset(mail_svc, address, address=ADDRESS)
        with pytest.raises(TooManyRequests, match="reset links"):
            resets.request_reset(mail_svc, address, address=ADDRESS)


def test_a_new_password_must_follow_the_rules_and_the_link_stays_usable(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_user(mail_svc)
    resets.request_reset(mail_svc, anna.email, address=ADDRESS)
    secret = secret_of(link_for(mail_svc, mailbox[0], anna.email))
    with pytest.raises(Invalid, match="at least 10"):
        resets.reset_password(mail_svc, secret, "short")
    resets.reset_password(mail_svc, secret, NEW_PASSWORD)


def test_one_reset_spends_the_accounts_other_links(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_user(mail_svc)
    resets.request_reset(mail_svc, anna.email, address=ADDRESS)
    resets.request_reset(mail_svc, anna.email, address=ADDRESS)
    send = mail.sender(mail_svc.settings)
    assert send is not None
    mail.deliver_due(mail_svc, mail_svc.clock(), send)
    first, second = (secret_of(link_in(m)) for m in mailbox[0].to(anna.email))
    resets.reset_password(mail_svc, second, NEW_PASSWORD)
    with pytest.raises(ResetUnusable):
        resets.account_of(mail_svc, first)


def test_without_a_mail_server_the_form_says_so(svc: Services) -> None:
    make_user(svc)
    with pytest.raises(Conflict, match="sends no email"):
        resets.request_reset(svc, "anna@newsroom.test", address=ADDRESS)
