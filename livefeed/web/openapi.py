"""The OpenAPI description of ``/api/v1``."""

from __future__ import annotations

from typing import Any


def spec(public_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Livefeed API", "version": "1"},
        "servers": [{"url": public_url}],
        "paths": {},
    }
