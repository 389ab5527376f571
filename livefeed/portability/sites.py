"""A whole site moved between servers: every feed as its ``.zip``, and ``site.json`` beside them
with the accounts (password hashes included, so everyone signs in on the new server as before),
the site's own texts and its blocked words."""

from __future__ import annotations

import json
from pathlib import Path

from livefeed.domain.errors import Forbidden, Invalid, NotFound
from livefeed.domain.users import User
from livefeed.languages.catalogs import _
from livefeed.portability import exporting, importing
from livefeed.portability.exporting import Exported, Say, check_admin, quiet
from livefeed.portability.importing import Imported
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import feeds as feed_store
from livefeed.store import portable_site

SITE_FILE = "site.json"


def export_site(
    svc: Services, actor: User | None, directory: Path, *, say: Say = quiet
) -> list[Exported]:
    """Every feed as ``SLUG.zip`` in ``directory`` (which must be empty), and ``site.json``."""
    with svc.db.read() as conn:
        check_admin(conn, actor)
        site = portable_site.site_document(conn)
        slugs = feed_store.all_slugs(conn)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise Invalid.field("directory", "%(directory)s is not empty", directory=str(directory))
    text = json.dumps(site, ensure_ascii=False, indent=1)
    (directory / SITE_FILE).write_text(text, encoding="utf-8")
    say(_("site.json: %(count)d accounts", count=len(site["users"])))
    done = []
    for number, slug in enumerate(slugs, start=1):
        say(f"[{number}/{len(slugs)}] {slug}")
        target = directory / f"{slug}.zip"
        try:
            with target.open("wb") as out:
                done.append(exporting.export_feed(svc, actor, slug, out, say=say))
        except NotFound:
            target.unlink()  # deleted while the site was being exported
    return done


def import_site(
    svc: Services, actor: User | None, directory: Path, *, say: Say = quiet
) -> list[Imported]:
    """The accounts, texts and words of ``site.json`` this site lacks, then every ``.zip``.

    ``actor`` may be left out only on a site with no account at all: a new server being
    filled by whoever runs it, who gains the old site's administrators.
    """
    site = _site_document(directory / SITE_FILE)
    with svc.db.write() as conn:
        if actor is not None:
            check_admin(conn, actor)
        elif account_store.all_users(conn):
            raise Forbidden("this site has accounts: act as one of its administrators")
        added = portable_site.write_site(conn, site, svc.clock())
    say(_("site.json: %(count)d accounts added", count=added))
    admin = actor
    if admin is None:
        with svc.db.read() as conn:
            admin = account_store.earliest_enabled_admin(conn)
    files = sorted(directory.glob("*.zip"))
    done = []
    for number, path in enumerate(files, start=1):
        say(f"[{number}/{len(files)}] {path.name}")
        done.append(importing.import_feed(svc, admin, path, say=say))
    return done


def _site_document(path: Path) -> dict[str, object]:
    try:
        site = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Invalid.field(SITE_FILE, "there is no %(path)s", path=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Invalid.field(SITE_FILE, "is not JSON: %(reason)s", reason=str(error)) from None
    if not isinstance(site, dict) or site.get("format") != portable_site.SITE_FORMAT:
        raise Invalid.field(
            SITE_FILE + ".format", "must be %(format)s", format=portable_site.SITE_FORMAT
        )
    if not isinstance(site.get("users"), list):
        raise Invalid.field(SITE_FILE + ".users", "must be a list")
    return site
