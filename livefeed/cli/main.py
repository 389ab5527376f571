"""The ``livefeed`` group every command hangs from, and the one place their failures are reported.

A thin face over the same use cases as the pages and the API. Every failure a user can cause is
reported by :class:`LivefeedGroup` as one line on stderr with exit status 1 (130 for Ctrl-C).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import click

from livefeed import __version__
from livefeed.cli import (
    audit,
    embeds,
    export_static,
    feeds,
    portability,
    site,
    tokens,
    users,
    webhooks,
)
from livefeed.cli.failures import reported
from livefeed.languages import catalogs, choice


def spoken(environ: Mapping[str, str]) -> str:
    """The language the command speaks: ``LIVEFEED_LANGUAGE``, else the locale's, else English.

    Click's own words (its usage errors, ``--help``'s headings) and the commands' help texts,
    which are read before any language is known, stay in English.
    """
    return (
        choice.preferred(environ.get("LIVEFEED_LANGUAGE"))
        or choice.of_locale(environ)
        or catalogs.SOURCE
    )


class LivefeedGroup(click.Group):
    """Runs everything below it inside :func:`reported`: the parsing as much as the commands."""

    def main(self, *args: Any, **extra: Any) -> Any:
        # Chosen before a word is parsed, so that a mistyped option is reported in it too.
        with catalogs.speaking(spoken(os.environ)):
            return super().main(*args, **extra)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The group's own words (``livefeed --frob``) are parsed here, before any command runs.
        with reported():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with reported():
            return super().invoke(ctx)


@click.group("livefeed", cls=LivefeedGroup)
@click.version_option(__version__, prog_name="livefeed")
def cli() -> None:
    """Livefeed: live news feeds for newsrooms.

    Settings come from LIVEFEED_* environment variables and a .env file.
    """


for command in (
    site.serve,
    site.demo,
    site.db,
    users.user,
    tokens.token,
    webhooks.webhook,
    feeds.feed,
    feeds.post,
    feeds.verify,
    export_static.export_static,
    portability.export,
    portability.import_,
    audit.audit_log,
    embeds.embeds,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="livefeed")
