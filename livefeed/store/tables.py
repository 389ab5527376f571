"""Every table of the site on the one ``metadata``: import it from here wherever the whole
schema is needed (migrations, copying a database, tests), so no family of tables is missed.

The tables live by family in their own modules, which join ``schema.metadata`` when loaded.
"""

from __future__ import annotations

from livefeed.store import (  # noqa: F401 (their tables join the metadata)
    alert_schema,
    discussion_schema,
    embed_schema,
    intake_schema,
    mail_schema,
    webhook_schema,
)
from livefeed.store.schema import metadata

__all__ = ["metadata"]
