"""A small JSON Schema validator over the subset docs/feed.schema.json uses (type, const,
enum, pattern, minimum, maximum, required, properties, items, format date-time), so the
shipped schema is checked against real documents without another dependency."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def problems(value: Any, schema: dict[str, Any], place: str = "") -> list[str]:
    """Each way ``value`` breaks ``schema``, at its place."""
    here = place or "(document)"
    found: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, kind) for kind in kinds):
            return [f"{here}: is not {' or '.join(kinds)}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{here}: must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{here}: must be one of {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{here}: does not match {schema['pattern']}")
        if schema.get("format") == "date-time":
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                found.append(f"{here}: is not a date-time")
            else:
                if moment.tzinfo is None:
                    found.append(f"{here}: has no offset")
    if _is(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{here}: is below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{here}: is above {schema['maximum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{place + '.' if place else ''}{key}: is missing")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                found += problems(value[key], sub, f"{place + '.' if place else ''}{key}")
        if schema.get("additionalProperties") is False:
            for key in set(value) - set(schema.get("properties", {})):
                found.append(f"{place + '.' if place else ''}{key}: is not in the schema")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += problems(item, schema["items"], f"{place}[{index}]")
    return found
