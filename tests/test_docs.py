"""The README's reference tables are checked against the code, so they cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import click

from livefeed.cli.main import cli
from livefeed.settings import SETTINGS, env_name

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_every_setting_is_documented_with_its_default() -> None:
    table = _section("Configuration")
    rows = dict(re.findall(r"^\| `(LIVEFEED_[A-Z_]+)` \| ([^|]*) \|", table, re.M))
    assert set(rows) == {env_name(s) for s in SETTINGS}
    for setting in SETTINGS:
        shown = rows[env_name(setting)].strip()
        expected = f"`{setting.default}`" if setting.default else "(empty)"
        assert shown == expected, env_name(setting)


def _command_paths(group: click.Group, prefix: str = "livefeed") -> set[str]:
    paths: set[str] = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths |= _command_paths(command, f"{prefix} {name}")
        else:
            paths.add(f"{prefix} {name}")
    return paths


def test_every_command_is_in_the_readme() -> None:
    text = _section("The command line")
    documented = {
        path for path in _command_paths(cli) if re.search(rf"^{re.escape(path)}\b", text, re.M)
    }
    assert documented == _command_paths(cli)
