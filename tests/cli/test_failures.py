"""Every way a command fails reads the same: one line on stderr, exit status 1, no traceback.

The cases are drawn from the command tree itself, so a new command is held to this at once.
"""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest

from livefeed.cli.main import cli
from tests.cli.conftest import Run, user_error


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= _commands(command, (*path, name))
        else:
            found[" ".join((*path, name))] = command
    return found


COMMANDS = _commands(cli)

# An ordinary call of each command, for what goes wrong before any of them reaches the database.
CALLS = {
    "serve": ["serve"],
    "demo": ["demo"],
    "db upgrade": ["db", "upgrade"],
    "db backup": ["db", "backup", "copy.db"],
    "db restore": ["db", "restore", "copy.db"],
    "db move": ["db", "move", "postgresql://127.0.0.1:1/livefeed"],
    "user add": ["user", "add", "ada@newsroom.test"],
    "user invite": ["user", "invite", "ada@newsroom.test"],
    "user disable": ["user", "disable", "ada@newsroom.test"],
    "user enable": ["user", "enable", "ada@newsroom.test"],
    "user role": ["user", "role", "ada@newsroom.test", "admin"],
    "token create": ["token", "create", "ada@newsroom.test"],
    "token list": ["token", "list", "ada@newsroom.test"],
    "token revoke": ["token", "revoke", "1"],
    "webhook add": ["webhook", "add", "https://93.184.216.34/livefeed"],
    "webhook log": ["webhook", "log", "1"],
    "webhook list": ["webhook", "list"],
    "webhook pause": ["webhook", "pause", "1"],
    "webhook resume": ["webhook", "resume", "1"],
    "webhook test": ["webhook", "test", "1"],
    "webhook remove": ["webhook", "remove", "1"],
    "feed create": ["feed", "create", "summit", "--title", "Summit"],
    "feed member": ["feed", "member", "summit", "ada@newsroom.test", "--role", "editor"],
    "feed update": ["feed", "update", "summit", "--title", "Summit"],
    "post": ["post", "summit", "--headline", "Talks resume"],
    "verify": ["verify", "summit", "1", "confirmed"],
    "export-static": ["export-static", "summit", "copy"],
    "export": ["export", "summit", "summit.zip"],
    "import": ["import", "summit.zip"],
    "audit": ["audit"],
    "embeds check": ["embeds", "check"],
}

# The options that read a file, or standard input given ``-``.
FILE_OPTIONS = {
    "post --body-file": ["post", "summit", "--headline", "Talks resume", "--body-file"],
    "feed create --lead-file": ["feed", "create", "summit", "--title", "Summit", "--lead-file"],
}

NOT_UTF8 = b"Caf\xe9 au lait\n"


def test_every_command_is_tried() -> None:
    assert set(CALLS) == set(COMMANDS)


def test_a_usage_error_is_one_line_pointing_at_the_help(run: Run) -> None:
    result = run("post", "--frob")
    assert result.exit_code == 1
    assert result.stderr == "livefeed: error: no such option '--frob' (see livefeed post --help)\n"
    assert result.stdout == ""


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_unknown_option(run: Run, name: str) -> None:
    user_error(run(*name.split(), "--frob"), "no such option '--frob'", f"livefeed {name} --help")


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, command in COMMANDS.items()
        if any(isinstance(p, click.Argument) and p.required for p in command.params)
    ),
)
def test_a_missing_argument(run: Run, name: str) -> None:
    user_error(run(*name.split()), "missing argument '", f"livefeed {name} --help")


BAD_VALUES = [
    (["serve", "--port", "0"], ["invalid value for '--port'", "livefeed serve --help"]),
    (["serve", "--port", "eighty"], ["'eighty' is not a valid integer"]),
    (["user", "add", "ada@newsroom.test", "--role", "boss"], ["'boss' is not one of"]),
    (["audit", "--limit", "0"], ["invalid value for '--limit'"]),
    (["webhook", "log", "seven"], ["invalid value for 'WEBHOOK_ID'"]),
    (["post", "summit"], ["missing option '--headline'"]),
    (["feed", "create", "summit"], ["missing option '--title'"]),
    (["post", "summit", "--headline"], ["option '--headline' requires an argument"]),
    (["demo", "now"], ["unexpected extra argument (now)", "livefeed demo --help"]),
    (["user", "role", "ada@newsroom.test", "admin", "again"], ["extra argument (again)"]),
]


@pytest.mark.parametrize(("args", "words"), BAD_VALUES, ids=[" ".join(a) for a, _ in BAD_VALUES])
def test_a_bad_value(run: Run, args: list[str], words: list[str]) -> None:
    user_error(run(*args), *words)


NOT_THERE = [
    (["frob"], ["no such command 'frob'", "(see livefeed --help)"]),
    (["user", "frob"], ["no such command 'frob'", "(see livefeed user --help)"]),
    (["--frob"], ["no such option '--frob'", "(see livefeed --help)"]),
    ([], ["missing command", "(see livefeed --help)"]),
    (["token"], ["missing command", "(see livefeed token --help)"]),
]


@pytest.mark.parametrize(
    ("args", "words"), NOT_THERE, ids=[" ".join(a) or "nothing" for a, _ in NOT_THERE]
)
def test_a_command_that_is_not_there(run: Run, args: list[str], words: list[str]) -> None:
    user_error(run(*args), *words)


def test_help_is_still_help(run: Run) -> None:
    for args in (["--help"], ["post", "--help"], ["user", "add", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert result.stdout.startswith(f"Usage: livefeed {' '.join(args[:-1])}".rstrip())
        assert result.stderr == ""


@pytest.mark.parametrize("name", sorted(FILE_OPTIONS))
def test_a_missing_file(run: Run, name: str) -> None:
    user_error(run(*FILE_OPTIONS[name], "gone.md"), "cannot read gone.md: no such file")


@pytest.mark.parametrize("name", sorted(FILE_OPTIONS))
def test_a_directory_for_a_file(run: Run, name: str, tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    user_error(run(*FILE_OPTIONS[name], "drafts"), "cannot read drafts: is a directory")


@pytest.mark.parametrize("name", sorted(FILE_OPTIONS))
def test_a_file_that_is_not_utf8(run: Run, name: str, tmp_path: Path) -> None:
    (tmp_path / "latin1.md").write_bytes(NOT_UTF8)
    result = run(*FILE_OPTIONS[name], "latin1.md")
    user_error(result, "cannot read latin1.md: not UTF-8 (invalid continuation byte at offset 3)")


@pytest.mark.parametrize("name", sorted(FILE_OPTIONS))
def test_standard_input_that_is_not_utf8(run: Run, name: str) -> None:
    user_error(run(*FILE_OPTIONS[name], "-", input=NOT_UTF8), "cannot read standard input")


def test_a_password_that_is_not_utf8(run: Run) -> None:
    result = run("user", "add", "ada@newsroom.test", input=NOT_UTF8)
    user_error(result, "cannot read standard input: not UTF-8")


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_settings_file_that_is_not_utf8(run: Run, name: str, tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"LIVEFEED_SITE_NAME=" + NOT_UTF8)
    user_error(run(*CALLS[name]), "not UTF-8")


def test_a_settings_file_that_cannot_be_read(run: Run, tmp_path: Path) -> None:
    # Reading /proc/self/mem from its start fails even for root, who may read any other file.
    (tmp_path / ".env").symlink_to("/proc/self/mem")
    user_error(run("db", "upgrade"), "input/output error")


class CtrlC(io.RawIOBase):
    """Standard input as the user presses Ctrl-C while a command waits on it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        raise KeyboardInterrupt


def test_an_interruption_is_one_line_with_status_130(run: Run) -> None:
    result = run("user", "add", "ada@newsroom.test", input=io.BufferedReader(CtrlC()))
    assert result.exit_code == 130, result.output
    assert result.stderr == "livefeed: error: interrupted\n"
