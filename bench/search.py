"""Search within a feed of 10,000 posts: the full-text index against a LIKE scan of the same
feed, in the same run, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

The feed's posts are written through the store in batches (the triggers and the index keep up
as they would for an editor's posts), with bodies drawn from a vocabulary of 5,000 words so
that some words are rare and some common. Each query is then run by ``store.search.find`` (the
index, as the feed page's ``?q=`` does) and by ``store.search.scan`` (every post's headline and
body compared with LIKE, the baseline), each many times, and the medians compared: the ratio is
how many times faster the index answers. Both give the same posts; the script checks that.

    .venv/bin/python bench/search.py [--posts 10000] [--repeat 30] [--postgres]

Results go to ``bench/results/search.json`` and the plot to ``docs/bench/search.png``.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from page_site import postgres_database, sqlite_database
from sqlalchemy import text

from livefeed.access import accounts
from livefeed.domain.feed_views import search_words
from livefeed.domain.posts import Post, PostInput, PostState
from livefeed.domain.users import Role
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from livefeed.store import search
from livefeed.store.migrate import upgrade

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "search.json"
PLOT = ROOT / "docs" / "bench" / "search.png"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
VOCABULARY = 5_000
BATCH = 500
LIMIT = 50
# (what the reader types, what it stands for)
QUERIES = [
    ("rare word", lambda words: words[-1]),
    ("common word", lambda words: words[3]),
    ("two words", lambda words: f"{words[10]} {words[400]}"),
    ("prefix", lambda words: words[900][:4]),
    ("no match", lambda _: "zzyzxnothing"),
]


def vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    found: set[str] = set()
    while len(found) < VOCABULARY:
        found.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 10))))
    return sorted(found)


def body(rng: random.Random, words: list[str]) -> str:
    # Zipf-like: the first words of the list are used far more often than the last.
    # The last word is kept for a few posts only (the rare word).
    chosen = [words[(int(rng.paretovariate(1.1)) - 1) % (VOCABULARY - 1)] for _ in range(80)]
    return " ".join(chosen).capitalize() + "."


def build(database_url: str, posts: int) -> tuple[Services, int, list[str]]:
    settings = Settings.from_env({"LIVEFEED_DATABASE_URL": database_url}, env_file=None)
    svc = Services.build(settings)
    upgrade(svc.db)
    editor = accounts.add_user(
        svc, "editor@bench.test", "a long benchmark password", role=Role.ADMIN
    )
    feed = publishing.create_feed(
        svc, editor,
        {"slug": "big", "title": "A long story", "lead": "", "notes": "", "tags": "",
         "timezone": "UTC"},
    )  # fmt: skip
    rng = random.Random(2026)
    words = vocabulary(rng)
    # The rarest words go in a few posts only.
    start = datetime.now(UTC) - timedelta(seconds=30 * posts)
    started = time.perf_counter()
    for first in range(0, posts, BATCH):
        with svc.db.write() as conn:
            for number in range(first, min(first + BATCH, posts)):
                text_ = body(rng, words)
                if number % 2_000 == 0:
                    text_ += f" {words[-1]}"
                data = PostInput(f"Update {number}", text_, None, None, None, (), False, False)
                post_store.insert_post(
                    conn, feed_id=feed.id, data=data, body_html=f"<p>{text_}</p>",
                    author_id=editor.id, now=start + timedelta(seconds=30 * number),
                    seq=number + 1, state=PostState.PUBLISHED,
                )  # fmt: skip
    print(f"  {posts:,} posts written in {time.perf_counter() - started:.1f} s")
    # What autovacuum would have done by now on a live site: without the table's statistics,
    # PostgreSQL plans as if it were empty.
    with svc.db.write() as conn:
        conn.execute(text("ANALYZE posts" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return svc, feed.id, words


def median_ms(run: Callable[[], list[Post]], repeat: int) -> tuple[float, list[int]]:
    ids = [post.id for post in run()]  # warm-up, and the answer
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), ids


def measure(svc: Services, feed_id: int, words: list[str], repeat: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for label, make in QUERIES:
        asked = search_words(make(words))
        with svc.db.read() as conn:
            indexed, by_index = median_ms(
                functools.partial(search.find, conn, feed_id, asked, limit=LIMIT), repeat
            )
            scanned, by_scan = median_ms(
                functools.partial(search.scan, conn, feed_id, asked, limit=LIMIT), repeat
            )
        # The index matches whole words (and the last as a prefix); LIKE matches inside words
        # too, so it may find more. Everything the index finds, the scan finds.
        assert set(by_index) <= set(by_scan), label
        rows.append(
            {
                "query": label, "words": asked, "found": len(by_index),
                "index_ms": round(indexed, 3), "scan_ms": round(scanned, 3),
                "ratio": round(scanned / indexed, 1) if indexed else None,
            }
        )  # fmt: skip
        print(
            f"  {label:<12} found {len(by_index):>3}  index {indexed:7.2f} ms  "
            f"LIKE scan {scanned:8.2f} ms  {scanned / indexed:6.1f}× faster"
        )
    return rows


def plot(results: dict[str, list[dict[str, object]]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(results), figsize=(5.5 * len(results), 4), squeeze=False)
    for axis, (database, rows) in zip(axes[0], results.items(), strict=True):
        labels = [str(row["query"]) for row in rows]
        places = range(len(rows))
        axis.bar([p - 0.2 for p in places], [float(str(r["scan_ms"])) for r in rows], 0.4,
                 label="LIKE scan (baseline)", color="#999999")  # fmt: skip
        axis.bar([p + 0.2 for p in places], [float(str(r["index_ms"])) for r in rows], 0.4,
                 label="full-text index", color="#b3001b")  # fmt: skip
        axis.set_xticks(list(places), labels, rotation=20)
        axis.set_yscale("log")
        axis.set_ylabel("median ms per search (log)")
        axis.set_title(f"{database}: search in a feed of 10,000 posts")
        axis.legend()
    figure.tight_layout()
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(PLOT, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN)
    options = parser.parse_args()
    results: dict[str, list[dict[str, object]]] = {}
    kinds: list[tuple[str, Callable[[], object]]] = [("SQLite", sqlite_database)]
    if options.postgres:
        kinds.append(("PostgreSQL", lambda: postgres_database(options.postgres_url)))
    for name, database in kinds:
        print(f"{name}:")
        with database() as url:  # type: ignore[attr-defined]
            svc, feed_id, words = build(str(url), options.posts)
            try:
                with svc.db.read() as conn:
                    assert len(feed_store.require_feed_by_id(conn, feed_id).title) > 0
                results[name] = measure(svc, feed_id, words, options.repeat)
            finally:
                svc.close()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "posts": options.posts, "repeat": options.repeat,
                "python": sys.version.split()[0], "machine": platform.machine(),
                "results": results,
            },
            indent=2,
        )
    )  # fmt: skip
    plot(results)
    print(f"Results in {RESULTS.relative_to(ROOT)}, plot in {PLOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
