"""/digest latency over a large store, as a user sees it after the bot has started.

    python bench/digest_latency.py [--articles 10000] [--runs 3] [--dir tests/fixtures/topics]

Builds a temporary SQLite store of `--articles` synthetic articles, all inside the digest
period: copies of the labelled fixture articles with their sentences shuffled and a serial
number, so every copy is stored as its own article. Only the fixtures are embedded and
summarized by the real models; each copy stores its original's passage vectors plus a little
noise (embedding 10,000 articles would take a quarter of an hour and measure the encoder, not
the digest) and its original's summary. Then a bot starts on that database as `digestbot run`
would (new store, models, empty memory) and runs its warm-up (`bot.digest.warm_up`, timed
apart: the bot answers commands meanwhile), and each topic is asked `--runs` times the way
/digest answers it: the chat's time zone, `recent_digest` (select, match, rank, summaries, the
overview), the first page, rendered. Prints p50/p95/max of all calls (each topic's first call,
which embeds its query and makes its overview, included) and of the repeated ones, then the
first topic once more after a new article arrived. The machine's load (other processes) shows
directly in them: run `uptime` alongside.
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
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.digest import ensure_vectors, paginate, recent_digest, warm_up  # noqa: E402
from bot.domain import ArticleDraft  # noqa: E402
from bot.formatting import render_digest  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import open_store  # noqa: E402
from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.extractive import ExtractiveSummarizer  # noqa: E402
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


def build_store(url: str, encoder: SentenceEncoder, directory: Path, count: int, now: datetime):
    """A store at `url` holding `count` synthetic articles dated within the last 6 days, with
    passage vectors and summaries."""
    matcher, summarizer = TopicMatcher(encoder), ExtractiveSummarizer(encoder)
    originals = load_labelled(directory)
    vectors = [c.passage_vectors for c in candidates_of(matcher, originals)]
    summaries = summarizer.summarize_many([original.body for original in originals])
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
        store.save_summary(article.id, summarizer.model_key, text=summaries[pick])
    elapsed = time.perf_counter() - started
    print(f"stored {count} articles with vectors and summaries in {elapsed:.0f} s")
    store.close()


def started_bot(url: str) -> Services:
    """What `digestbot run` builds: a store with empty memory, models not yet loaded."""
    encoder = SentenceEncoder()
    return Services(
        settings=Settings(digest_days=7),
        store=open_store(url),
        summarizer=ExtractiveSummarizer(encoder),
        matcher=TopicMatcher(encoder),
    )


def answer(services: Services, topic: str) -> int:
    """The work of /digest TOPIC short of Telegram (`send_digest_page`); the articles found."""
    timezone = services.store.ensure_chat(1, timezone=services.settings.default_timezone)
    digest = recent_digest(services, topic)
    if digest.items:
        page = paginate(digest, 1, services.settings.digest_page_size)
        render_digest(page.digest, tz=ZoneInfo(timezone), page=page)
    return len(digest.items)


def arrive(services: Services, directory: Path) -> str:
    """Store one more article as the bot does (its vectors by the in-process worker); its title."""
    original = load_labelled(directory)[0]
    draft = ArticleDraft(title=f"{original.headline} (new)", text=original.body, source="new")
    article, _ = services.store.add_article(
        draft, fingerprint="bench-new", received_at=datetime.now(UTC)
    )
    ensure_vectors(services.store, services.matcher, [article])
    return article.title


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=FIXTURES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        build_store(url, SentenceEncoder(), args.dir, args.articles, datetime.now(UTC))
        services = started_bot(url)
        started = time.perf_counter()
        count = warm_up(services)
        elapsed = time.perf_counter() - started
        print(f"warm-up (the bot answers meanwhile): {count} articles in {elapsed:.1f} s")
        timings, repeats = [], []
        for topic in TOPICS:
            mine = []
            for _ in range(args.runs):
                started = time.perf_counter()
                found = answer(services, topic)
                mine.append(time.perf_counter() - started)
            timings.extend(mine)
            repeats.extend(mine[1:])
            print(
                f"{topic:16} {found:5} articles  " + "  ".join(f"{1000 * t:5.0f} ms" for t in mine)
            )
        arrived = arrive(services, args.dir)
        started = time.perf_counter()
        answer(services, TOPICS[0])
        elapsed = time.perf_counter() - started
        services.store.close()
    print(f"{TOPICS[0]} again after a new article ({arrived}) arrived: {1000 * elapsed:.0f} ms")
    print(f"/digest over {args.articles} articles: {_percentiles(timings)}")
    print(f"the same topic asked again (e.g. a next page): {_percentiles(repeats)}")


def _percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{len(ordered)} calls, p50 {1000 * statistics.median(ordered):.0f} ms, "
        f"p95 {1000 * p95:.0f} ms, max {1000 * ordered[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
