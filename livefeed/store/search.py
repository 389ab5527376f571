"""Search within a feed, in the database's own full-text index.

SQLite: the FTS5 table ``posts_search`` over posts' headlines and bodies, kept in step by
triggers (migration 0015). PostgreSQL: a GIN index over ``to_tsvector('simple', …)`` of the
same words. Both are written in the transaction that writes the post, so a post is found the
moment it is committed. Queries reach the index only as a list of plain words
(``domain.search.words``), quoted for FTS5 and passed as a bound value: nothing a reader types
is read as query syntax.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, literal_column, select, text

from livefeed.domain.posts import Post, PostState
from livefeed.store.posts import _post as post_of
from livefeed.store.posts import _select as select_posts
from livefeed.store.schema import posts

# The tables FTS5 makes for ``posts_search``; the schema the code describes has none of them.
SQLITE_TABLES = frozenset(
    {
        "posts_search",
        "posts_search_data",
        "posts_search_idx",
        "posts_search_docsize",
        "posts_search_config",
        "posts_search_content",
    }
)

POSTGRES_INDEX = "ix_posts_search"
# The words as PostgreSQL indexes them: the migration's index is over this very expression.
_POSTGRES_WORDS = (
    "to_tsvector('simple'::regconfig, (posts.headline::text || ' '::text) || posts.body)"
)


def fts5_query(words: list[str]) -> str:
    """Every word, each quoted (words hold no quotes), the last one also as a prefix."""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def find(conn: Connection, feed_id: int, words: list[str], *, limit: int) -> list[Post]:
    """Published posts of the feed holding every word, newest first."""
    if not words:
        return []
    query = select_posts().where(
        posts.c.feed_id == feed_id, posts.c.state == PostState.PUBLISHED.value
    )
    if conn.dialect.name == "sqlite":
        matching = text(
            "posts.id IN (SELECT rowid FROM posts_search WHERE posts_search MATCH :match)"
        )
        query = query.where(matching.bindparams(match=fts5_query(words)))
    else:
        wanted = func.to_tsquery("simple", " & ".join(f"{word}:*" for word in words))
        # Found through the index first, on their own: asked together with the feed and the
        # newest-first order, PostgreSQL walks the feed's timeline instead and works out every
        # post's words as it goes, a thousand times slower on a feed of 10,000.
        hits = (
            select(posts.c.id)
            .where(literal_column(_POSTGRES_WORDS).op("@@")(wanted))
            .cte("hits")
            .prefix_with("MATERIALIZED")
        )
        query = query.where(posts.c.id.in_(select(hits.c.id)))
    query = query.order_by(posts.c.published_at.desc(), posts.c.id.desc()).limit(limit)
    return [post_of(row) for row in conn.execute(query).mappings()]


def scan(conn: Connection, feed_id: int, words: list[str], *, limit: int) -> list[Post]:
    """The same search without the index, word by word with LIKE: the benchmark's baseline."""
    query = select_posts().where(
        posts.c.feed_id == feed_id, posts.c.state == PostState.PUBLISHED.value
    )
    for word in words:
        pattern = f"%{word}%"
        query = query.where(posts.c.headline.ilike(pattern) | posts.c.body.ilike(pattern))
    query = query.order_by(posts.c.published_at.desc(), posts.c.id.desc()).limit(limit)
    return [post_of(row) for row in conn.execute(query).mappings()]
