"""reading a long feed: when it last had news, how an ended one reads, search within it

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 17:00:00

``feeds.news_at`` is when readers last saw a post change (published, edited, deleted): the
"Last updated" line, which a settings edit no longer moves. Existing feeds take it from their
newest published or edited post. ``feeds.ended_order`` says how an ended feed reads by default
(``newest`` or ``oldest`` first).

Search: on SQLite an FTS5 index over posts' headlines and bodies, kept in step by triggers in
the same transaction as the write; on PostgreSQL a GIN index over the same words as a
``tsvector``, kept by the database itself. Either way a post is searchable once committed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keep in step with livefeed/store/search.py and store/schema.py.
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE posts_search USING fts5("
    "headline, body, content='posts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO posts_search(rowid, headline, body) VALUES (new.id, new.headline, new.body); END",
    "CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN "
    "INSERT INTO posts_search(posts_search, rowid, headline, body) "
    "VALUES ('delete', old.id, old.headline, old.body); END",
    "CREATE TRIGGER posts_search_update AFTER UPDATE OF headline, body ON posts BEGIN "
    "INSERT INTO posts_search(posts_search, rowid, headline, body) "
    "VALUES ('delete', old.id, old.headline, old.body); "
    "INSERT INTO posts_search(rowid, headline, body) VALUES (new.id, new.headline, new.body); END",
    "INSERT INTO posts_search(posts_search) VALUES ('rebuild')",
]
POSTGRES_SEARCH = (
    "CREATE INDEX ix_posts_search ON posts USING gin "
    "(to_tsvector('simple'::regconfig, (headline::text || ' '::text) || body))"
)


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.add_column(sa.Column("news_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("ended_order", sa.String(length=10), nullable=False, server_default="newest")
        )
    op.execute(
        "UPDATE feeds SET news_at = (SELECT max(posts.updated_at) FROM posts "
        "WHERE posts.feed_id = feeds.id AND posts.state IN ('published', 'deleted') "
        "AND posts.seq > 0)"
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    else:
        op.execute(POSTGRES_SEARCH)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS posts_search_{name}")
        op.execute("DROP TABLE IF EXISTS posts_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_posts_search")
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.drop_column("ended_order")
        batch_op.drop_column("news_at")
