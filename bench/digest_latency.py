"""/digest latency over a large store: times compose_digest, as /digest runs it, per topic.

    python bench/digest_latency.py [--articles 10000] [--runs 3] [--dir tests/fixtures/topics]

Builds a temporary SQLite store of `--articles` synthetic articles, all inside the digest
period: copies of the labelled fixture articles with their sentences shuffled and a serial
number, so every copy is stored as its own article. Only the fixtures are embedded by the real
model; each copy stores its original's passage vectors plus a little noise (embedding 10,000
articles would take a quarter of an hour and measure the encoder, not the digest). Then each
topic is asked `--runs` times through compose_digest; the first call of the first topic reads the
period from the database, each topic's first call embeds its query. Prints p50/p95/max of all
calls and of the repeated ones. The machine's load (other processes) shows directly in them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.digest import compose_digest  # noqa: E402
from bot.domain import ArticleDraft  # noqa: E402
from bot.store import open_store  # noqa: E402
from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.text import split_sentences  # noqa: E402
from summarizer.topic_eval import candidates_of, load_labelled  # noqa: E402
from summarizer.topics import TopicMatcher  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "topics"
TOPICS = (
    "russia",
    "sport",
    "weather",
    "economy",
    "north korea",
    "russia OR china",
    "china -taiwan",
)
NOISE = 0.02


def build_store(url: str, matcher: TopicMatcher, directory: Path, count: int, now: datetime):
    """A store at `url` holding `count` synthetic articles dated within the last 6 days."""
    originals = load_labelled(directory)
    vectors = [c.passage_vectors for c in candidates_of(matcher, originals)]
    store = open_store(url)
    rng = random.Random(4)
    noise = np.random.default_rng(4)
    started = time.perf_counter()
    for serial in range(count):
        pick = serial % len(originals)
        original = originals[pick]
        sentences = split_sentences(original.body)
        rng.shuffle(sentences)
        draft = ArticleDraft(
            title=f"{original.headline} ({serial})",
            text=" ".join(sentences),
            source=f"synthetic/{original.name}/{serial}",
        )
        received = now - timedelta(minutes=rng.randrange(6 * 24 * 60))
        article, _ = store.add_article(draft, fingerprint=f"bench-{serial}", received_at=received)
        jitter = vectors[pick] + NOISE * noise.standard_normal(vectors[pick].shape)
        jitter /= np.linalg.norm(jitter, axis=1, keepdims=True)
        store.save_vectors(article.id, matcher.model_key, jitter.astype(np.float32))
    print(f"stored {count} articles with vectors in {time.perf_counter() - started:.0f} s")
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=FIXTURES)
    args = parser.parse_args()
    matcher = TopicMatcher(SentenceEncoder())
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        store = build_store(
            f"sqlite:///{folder}/bench.sqlite3", matcher, args.dir, args.articles, now
        )
        timings, repeats = [], []
        for topic in TOPICS:
            mine = []
            for _ in range(args.runs):
                started = time.perf_counter()
                digest = compose_digest(
                    store, matcher, "none", topic, since=now - timedelta(days=7), until=now
                )
                mine.append(time.perf_counter() - started)
            timings.extend(mine)
            repeats.extend(mine[1:])
            print(
                f"{topic:16} {len(digest.items):5} articles  "
                + "  ".join(f"{1000 * t:5.0f} ms" for t in mine)
            )
        store.close()
    print(f"compose_digest over {args.articles} articles: {_percentiles(timings)}")
    print(f"the same topic asked again (query embedded, e.g. a next page): {_percentiles(repeats)}")


def _percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{len(ordered)} calls, p50 {1000 * statistics.median(ordered):.0f} ms, "
        f"p95 {1000 * p95:.0f} ms, max {1000 * ordered[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
