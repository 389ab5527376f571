"""``livefeed export-static``: a feed kept as plain files, for an archive that needs no server.

The exporter is imported only when the command runs: it brings in the whole web face, which
every other command does without.
"""

from __future__ import annotations

from pathlib import Path

import click

from livefeed.cli.failures import Failure
from livefeed.cli.running import services
from livefeed.languages.catalogs import _


@click.command("export-static")
@click.argument("slug")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into DIR even if it is not empty.")
def export_static(slug: str, directory: Path, force: bool) -> None:
    """Write a static copy of a feed into DIR: pages, our stylesheet and images, feed.json.

    Every link in the copy is relative, so it works from any static host and from the disk.
    Progress goes to standard error, a line per 100 posts.
    """
    from livefeed.web.reader.static_export import ExportError, export_feed, summary

    with services() as svc:
        try:
            exported = export_feed(
                svc, slug, directory, force=force, say=lambda line: click.echo(line, err=True)
            )
        except ExportError as error:
            raise Failure(str(error)) from None
        except OSError as error:
            where = error.filename or directory
            raise Failure(
                _("cannot write %(place)s: %(reason)s", place=where, reason=error.strerror or error)
            ) from None
    click.echo(summary(exported, directory))
