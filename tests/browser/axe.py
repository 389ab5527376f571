"""axe-core, the accessibility checker, from the npm registry: fetched once into .cache/ (not
in the repository) by ``npm pack``, and injected into a page by Playwright."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "axe"
SCRIPT = CACHE / "axe.min.js"
# What a reader with a disability cannot get past; "moderate" and "minor" are reported by axe
# as advice.
BLOCKING = frozenset({"serious", "critical"})


def axe_script() -> str:
    """The checker's source; without npm it cannot be had, which fails under CI=true."""
    if not SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            missing_service("npm is not installed: axe-core comes from the npm registry")
            raise AssertionError("unreachable")
        CACHE.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(
            [npm, "pack", "axe-core@4", "--silent", "--pack-destination", str(CACHE)],
            check=False, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if packed.returncode != 0:
            missing_service(f"npm pack axe-core failed: {packed.stderr.strip()[:300]}")
        archive = CACHE / packed.stdout.strip().splitlines()[-1]
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/axe.min.js")
            assert member is not None
            SCRIPT.write_bytes(member.read())
    return SCRIPT.read_text(encoding="utf-8")


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the page as it is now."""
    page.add_script_tag(content=axe_script())
    found: dict[str, Any] = page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
            "summary": violation["nodes"][0].get("failureSummary", "")[:300],
        }
        for violation in found["violations"]
        if violation["impact"] in BLOCKING
    ]
