"""``livefeed token``: bearer tokens created, listed and revoked."""

from __future__ import annotations

from livefeed.access import accounts, tokens
from livefeed.services import Services
from tests.cli.conftest import Run, ok, user_error


def test_token_create_prints_a_working_token(editor: str, run: Run, svc: Services) -> None:
    out = ok(run("token", "create", editor, "--name", "wire importer"))
    assert out.count("\n") == 1
    user = accounts.token_user(svc, out.strip())
    assert user is not None
    assert user.email == editor


def test_token_for_an_unknown_account(migrated: dict[str, str], run: Run) -> None:
    user_error(run("token", "create", "nobody@newsroom.test"), "nobody@newsroom.test")


def test_token_create_list_and_revoke(summit: str, editor: str, run: Run, svc: Services) -> None:
    result = run("token", "create", editor, "--name", "wire", "--feed", summit,
                 "--role", "contributor", "--expires", "30d")  # fmt: skip
    secret = ok(result).strip()
    assert result.stderr.startswith("token 1: summit; as contributor; expires ")
    user = tokens.authenticate(svc, secret)
    assert user.scope is not None
    listed = ok(run("token", "list", editor)).splitlines()
    assert len(listed) == 1
    assert listed[0].startswith("1\twire\tsummit; as contributor\tcreated ")
    assert listed[0].endswith("\tactive")
    assert ok(run("token", "revoke", "1")) == "Revoked token 1 (wire)\n"
    assert ok(run("token", "list", editor)).splitlines()[0].endswith("\trevoked")
    user_error(run("token", "revoke", "1"), "already revoked")
    user_error(run("token", "revoke", "one"), "id: must be a token's number")


def test_token_create_names_every_bad_choice(editor: str, run: Run) -> None:
    result = run("token", "create", editor, "--feed", "nowhere", "--expires", "soon")
    message = user_error(result, "expires: ", "feeds: there is no feed called")
    assert "; " in message
