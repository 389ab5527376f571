"""short urls: a code for every feed and post, and clicks per day

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:40:00

Feeds and posts that exist already get their codes here. The codes are drawn the way the
application draws them (7 random letters and digits), written out here so that this migration
keeps doing the same thing whatever the application's code becomes.
"""

import secrets
import string
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ALPHABET = string.digits + string.ascii_letters
_LENGTH = 7
_BATCH = 1_000


def upgrade() -> None:
    op.create_table(
        "short_codes",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feeds.id"],
            name=op.f("fk_short_codes_feed_id_feeds"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_short_codes_post_id_posts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_short_codes")),
        sa.UniqueConstraint("feed_id", name=op.f("uq_short_codes_feed_id")),
        sa.UniqueConstraint("post_id", name=op.f("uq_short_codes_post_id")),
    )
    op.create_table(
        "short_clicks",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["short_codes.code"],
            name=op.f("fk_short_clicks_code_short_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", "day", name=op.f("pk_short_clicks")),
    )
    _backfill()


# Plain column types: values read from the database are written back as they came.
_SHORT_CODES = sa.table(
    "short_codes",
    *(sa.column(name) for name in ("code", "kind", "feed_id", "post_id", "created_at")),
)
_EXISTING = {
    "feed": sa.text("SELECT id, created_at FROM feeds ORDER BY id"),
    "post": sa.text("SELECT id, created_at FROM posts ORDER BY id"),
}


def _backfill() -> None:
    """A code for every feed and post there is, none twice (the table starts empty)."""
    conn = op.get_bind()
    taken: set[str] = set()

    def fresh() -> str:
        while True:
            code = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
            if code not in taken:
                taken.add(code)
                return code

    def rows() -> Iterator[dict[str, object]]:
        for kind, query in _EXISTING.items():
            for row_id, created_at in conn.execute(query).all():
                yield {
                    "code": fresh(),
                    "kind": kind,
                    "feed_id": row_id if kind == "feed" else None,
                    "post_id": row_id if kind == "post" else None,
                    "created_at": created_at,
                }

    batch: list[dict[str, object]] = []
    for row in rows():
        batch.append(row)
        if len(batch) == _BATCH:
            conn.execute(_SHORT_CODES.insert(), batch)
            batch = []
    if batch:
        conn.execute(_SHORT_CODES.insert(), batch)


def downgrade() -> None:
    op.drop_table("short_clicks")
    op.drop_table("short_codes")
