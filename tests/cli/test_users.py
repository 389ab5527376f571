"""``livefeed user``: accounts added, invited, disabled, enabled and given a site role."""

from __future__ import annotations

from livefeed.access import accounts, tokens
from livefeed.distribution import mail
from livefeed.domain.users import Role
from livefeed.newsroom import invitations
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import accounts as account_store
from tests.cli.conftest import Run, add, ok, user_error
from tests.factories import CHEAP_PASSWORDS, PASSWORD
from tests.mail_server import link_in, smtp_server


def test_user_add_reads_the_password_from_stdin(migrated: dict[str, str], run: Run) -> None:
    out = ok(run("user", "add", "Anna@Newsroom.test", "--name", "Anna", input=PASSWORD + "\n"))
    assert out == "Added member anna@newsroom.test (Anna)\n"
    svc = Services.build(Settings.from_env(migrated, env_file=None), passwords=CHEAP_PASSWORDS)
    session = accounts.log_in(svc, "anna@newsroom.test", PASSWORD, address="127.0.0.1")
    svc.close()
    assert session.user.role is Role.MEMBER


def test_user_add_takes_a_role(migrated: dict[str, str], run: Run, svc: Services) -> None:
    ok(run("user", "add", "ada@newsroom.test", "--role", "admin", input=PASSWORD))
    with svc.db.read() as conn:
        found = account_store.get_with_hash(conn, "ada@newsroom.test")
    assert found is not None
    assert found[0].role is Role.ADMIN
    assert found[0].display_name == "ada"


def test_a_second_account_for_the_same_address_is_refused(editor: str, run: Run) -> None:
    result = run("user", "add", editor, input=PASSWORD + "\n")
    user_error(result, "email: there is already an account for anna@newsroom.test")


def test_a_short_password_is_refused(migrated: dict[str, str], run: Run) -> None:
    user_error(run("user", "add", "bo@newsroom.test", input="short\n"), "password")


def test_user_invite_prints_a_one_time_link(summit: str, run: Run, svc: Services) -> None:
    link = ok(run("user", "invite", "nina@newsroom.test", "--feed", summit, "--role", "moderator"))
    assert link.startswith("http://livefeed.test/invitations/")
    assert link.count("\n") == 1
    session = invitations.accept_new(
        svc, link.strip().rsplit("/", 1)[1], display_name="Nina", password=PASSWORD
    )
    assert session.user.email == "nina@newsroom.test"


def test_user_invite_by_a_contributor_is_refused(summit: str, run: Run) -> None:
    add(run, "carl@newsroom.test")
    ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "contributor"))
    result = run(
        "user", "invite", "x@newsroom.test", "--feed", summit, "--as", "carl@newsroom.test"
    )
    user_error(result, "only the feed’s editors can change its team")


def test_user_invite_names_a_bad_role(summit: str, run: Run) -> None:
    user_error(run("user", "invite", "x@newsroom.test", "--feed", summit, "--role", "boss"),
               "role: must be editor, contributor or moderator")  # fmt: skip


def test_disable_and_enable_a_user(editor: str, run: Run, svc: Services) -> None:
    add(run, "carl@newsroom.test")
    secret = ok(run("token", "create", "carl@newsroom.test")).strip()
    assert ok(run("user", "disable", "carl@newsroom.test")) == "Disabled carl@newsroom.test\n"
    assert tokens.user_of(svc, secret) is None
    assert ok(run("user", "enable", "Carl@newsroom.test")) == "Enabled carl@newsroom.test\n"
    user_error(run("user", "disable", editor), "you cannot disable your own account")
    user_error(run("user", "role", editor, "member"), "needs an enabled administrator")
    assert ok(run("user", "role", "carl@newsroom.test", "admin")) == (
        "carl@newsroom.test is now admin\n"
    )


def test_only_an_admin_disables(editor: str, run: Run) -> None:
    add(run, "carl@newsroom.test")
    result = run("user", "disable", editor, "--as", "carl@newsroom.test")
    user_error(result, "only an administrator can do this")


def test_user_invite_can_mail_the_link(summit: str, run: Run, env: dict[str, str]) -> None:
    refused = run("user", "invite", "nina@newsroom.test", "--feed", summit, "--email")
    user_error(refused, "send_email: this site sends no email")
    with smtp_server() as (box, port):
        smtp = f"smtp://127.0.0.1:{port}"
        link = ok(
            run("user", "invite", "nina@newsroom.test", "--feed", summit, "--email",
                LIVEFEED_SMTP_URL=smtp)
        ).strip()  # fmt: skip
        mailing = Services.build(
            Settings.from_env(env | {"LIVEFEED_SMTP_URL": smtp}, env_file=None),
            passwords=CHEAP_PASSWORDS,
        )
        try:
            send = mail.sender(mailing.settings)
            assert send is not None
            mail.deliver_due(mailing, mailing.clock(), send)
        finally:
            mailing.close()
        assert link_in(box.wait_for("nina@newsroom.test")) == link
