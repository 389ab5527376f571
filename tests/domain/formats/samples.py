"""The shared samples of other systems' pages, kept beside the repository (``shared/samples``
next to a clone, or next to the folder of worktrees a clone's branches are checked out in)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


def sample(name: str) -> str:
    places = [
        REPO_ROOT.parent / "shared" / "samples",
        REPO_ROOT.parent.parent / "shared" / "samples",
    ]
    for folder in places:
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8")
    pytest.fail(f"{name} is missing: expected in {places[0]} (the shared/ folder beside the repo)")
