"""/digest and /topics latency, warm-up time and memory over a large store, as a user sees it
after the bot has started.

    python bench/digest_latency.py [--articles 10000] [--runs 3] [--topics-runs 3]
                                   [--dir tests/fixtures/topics]

Builds a temporary SQLite store of `--articles` synthetic articles, all inside the digest
period: copies of the labelled fixture articles with their sentences shuffled and a serial
number, so every copy is stored as its own article. Only the fixtures are embedded and
summarized by the real models; each copy stores its original's passage vectors plus a little
noise (embedding 10,000 articles would take a quarter of an hour and measure the encoder, not
the digest) and its original's summary. The store is written in bulk by a separate process, so
the memory printed is the bot's alone. Then a bot starts on that database as `digestbot run`
would (new store, models, empty memory) and runs its warm-up (`bot.runtime.warm_up`, timed
apart: the bot answers commands meanwhile), and each topic is asked `--runs` times the way
/digest answers it: the chat's time zone, `recent_digest` (select, match, rank, summaries, the
overview), the first page, rendered. Prints p50/p95/max of all calls (each topic's first call,
which embeds its query and makes its overview, included) and of the repeated ones, each as wall
time and as CPU time of the calling thread (`time.thread_time`: what the call itself computed,
less sensitive to other processes than the wall time, though a loaded machine slows that too),
then the first call of broad topics the warm-up does not prepare (`UNPREPARED`: it works out the
categories' words and the subjects /topics lists, which the topics above are but north korea,
so their first calls cost about what repeated ones do: `bot.app.subjects.prepare_topics`), then
the first topic once more after a new article arrived, then /topics (`subject_counts_in_period`)
`--topics-runs` times, and the bot process's resident memory (now
and peak) after warm-up and at the end. Figures are float32 on CPU. The machine's load (other
processes) shows directly in the wall times: the load average is printed at the start and the
end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app.candidates import ensure_vectors  # noqa: E402
from bot.app.digests import recent_digest, recent_period  # noqa: E402
from bot.app.services import Services  # noqa: E402
from bot.app.subjects import TOPICS_SHOWN, subject_counts_in_period  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.domain import ArticleDraft  # noqa: E402
from bot.core.requests import paginate  # noqa: E402
from bot.render.formatting import render_digest  # noqa: E402
from bot.render.i18n import DEFAULT_LANGUAGE  # noqa: E402
from bot.runtime import configure_process, warm_up  # noqa: E402
from bot.store import open_store  # noqa: E402
from bot.store.rows import (  # noqa: E402
    ArticleRow,
    ArticleSourceRow,
    ArticleVectorsRow,
    SummaryRow,
)
from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.extractive import ExtractiveSummarizer  # noqa: E402
from summarizer.text import split_sentences  # noqa: E402
from summarizer.topics.evaluation import LabelledCorpus, candidates_of, read_articles  # noqa: E402
from summarizer.topics.matcher import TopicMatcher  # noqa: E402

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
# Named in 12,381, 10,479 and 7,623 of 100,000 articles; neither a category nor a subject of
# /topics here, so not prepared at warm-up; and a sport, judged by its category cosines against
# every article (the warm-up prepares the sections, not the sports).
UNPREPARED = ("india", "bank", "inflation", "football")
NOISE = 0.02
BULK_ROWS = 2_000  # articles written a statement


def build_store(directory: Path, url: str, count: int, now: datetime) -> None:
    """A store at `url` holding `count` synthetic articles dated within the last 6 days, with
    passage vectors and summaries, written in bulk (one transaction, a few thousand rows a
    statement: 100,000 articles in a few minutes, most of it SQLite's full-text index)."""
    encoder = SentenceEncoder()
    matcher, summarizer = TopicMatcher(encoder), ExtractiveSummarizer(encoder)
    originals = read_articles(directory)
    corpus = LabelledCorpus(directory.name, originals, [])
    vectors = [c.passage_vectors for c in candidates_of(matcher, corpus)]
    summaries = summarizer.summarize_many([body for _, _, body in originals])
    sentences = [split_sentences(body) for _, _, body in originals]
    store = open_store(url)
    rng = random.Random(4)
    noise = np.random.default_rng(4)
    started = time.perf_counter()
    with store.engine.begin() as connection:
        for first in range(0, count, BULK_ROWS):
            rows = {table: [] for table in (ArticleRow, ArticleSourceRow, ArticleVectorsRow)}
            rows[SummaryRow] = []
            for serial in range(first, min(first + BULK_ROWS, count)):
                pick = serial % len(originals)
                (name, headline, _), shuffled = originals[pick], list(sentences[pick])
                rng.shuffle(shuffled)
                received = now - timedelta(minutes=rng.randrange(6 * 24 * 60))
                article_id, source = serial + 1, f"synthetic/{name}/{serial}"
                rows[ArticleRow].append(
                    {
                        "id": article_id,
                        "fingerprint": f"bench-{serial}",
                        "title": f"{headline} ({serial})",
                        "text": " ".join(shuffled),
                        "source": source,
                        "received_at": received,
                    }
                )
                rows[ArticleSourceRow].append(
                    {"article_id": article_id, "source": source, "added_at": received}
                )
                jitter = vectors[pick] + NOISE * noise.standard_normal(vectors[pick].shape)
                jitter = (jitter / np.linalg.norm(jitter, axis=1, keepdims=True)).astype(np.float32)
                rows[ArticleVectorsRow].append(
                    {
                        "article_id": article_id,
                        "model_key": matcher.model_key,
                        "rows": jitter.shape[0],
                        "dim": jitter.shape[1],
                        "data": jitter.tobytes(),
                    }
                )
                rows[SummaryRow].append(
                    {
                        "article_id": article_id,
                        "model_key": summarizer.model_key,
                        "text": summaries[pick],
                        "created_at": received,
                    }
                )
            for table, values in rows.items():
                connection.execute(insert(table.__table__), values)
    elapsed = time.perf_counter() - started
    print(f"stored {count} articles with vectors and summaries in {elapsed:.0f} s", flush=True)
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
    timezone = services.store.chats.ensure(1, timezone=services.settings.default_timezone)
    digest = recent_digest(services, topic)
    if digest.items:
        page = paginate(digest, 1, services.settings.digest_page_size)
        render_digest(page.digest, language=DEFAULT_LANGUAGE, tz=ZoneInfo(timezone), page=page)
    return len(digest.items)


def arrive(services: Services, directory: Path) -> str:
    """Store one more article as the bot does (its vectors by the in-process worker); its title."""
    _, headline, body = read_articles(directory)[0]
    draft = ArticleDraft(title=f"{headline} (new)", text=body, source="new")
    article, _ = services.store.articles.add(
        draft, fingerprint="bench-new", received_at=datetime.now(UTC)
    )
    ensure_vectors(services.store, services.matcher, [article])
    return article.title


def main() -> None:
    configure_process()  # the bot's thread spin, so the figures are the bot's
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--topics-runs", type=int, default=3, help="calls of /topics timed")
    parser.add_argument("--dir", type=Path, default=FIXTURES)
    args = parser.parse_args()
    print(f"load average at the start: {_load()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        # Built by another process, so that this one's memory is the bot's alone.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as builder:
            builder.submit(build_store, args.dir, url, args.articles, datetime.now(UTC)).result()
        services = started_bot(url)
        started = time.perf_counter()
        count = warm_up(services)
        elapsed = time.perf_counter() - started
        print(f"warm-up (the bot answers meanwhile): {count} articles in {elapsed:.1f} s")
        print(f"bot process after warm-up: {_memory()}", flush=True)
        timings, repeats, cpu, cpu_repeats = [], [], [], []
        for topic in TOPICS:
            mine, mine_cpu = [], []
            for _ in range(args.runs):
                started, started_cpu = time.perf_counter(), time.thread_time()
                found = answer(services, topic)
                mine.append(time.perf_counter() - started)
                mine_cpu.append(time.thread_time() - started_cpu)
            timings.extend(mine)
            repeats.extend(mine[1:])
            cpu.extend(mine_cpu)
            cpu_repeats.extend(mine_cpu[1:])
            calls = zip(mine, mine_cpu, strict=True)
            print(
                f"{topic:16} {found:5} articles  "
                + "  ".join(f"{1000 * t:5.0f} ms (CPU {1000 * c:4.0f})" for t, c in calls),
                flush=True,
            )
        unprepared = []
        for topic in UNPREPARED:
            started, started_cpu = time.perf_counter(), time.thread_time()
            found = answer(services, topic)
            took = (time.perf_counter() - started, time.thread_time() - started_cpu)
            unprepared.append(
                f"{topic} ({found}) {1000 * took[0]:.0f} ms (CPU {1000 * took[1]:.0f})"
            )
        arrived = arrive(services, args.dir)
        started = time.perf_counter()
        answer(services, TOPICS[0])
        elapsed = time.perf_counter() - started
        subjects = []
        for _ in range(args.topics_runs):
            started = time.perf_counter()
            listed = subject_counts_in_period(
                services.store, *recent_period(services.settings.digest_days), limit=TOPICS_SHOWN
            )
            subjects.append(time.perf_counter() - started)
        print("/topics: " + ", ".join(f"{subject} {count}" for subject, count in listed[:5]))
        services.store.close()
    print(f"first calls of topics not prepared at warm-up: {', '.join(unprepared)}")
    print(f"{TOPICS[0]} again after a new article ({arrived}) arrived: {1000 * elapsed:.0f} ms")
    print(f"/digest over {args.articles} articles: {_percentiles(timings)}")
    print(f"  CPU time of the calling thread: {_percentiles(cpu)}")
    print(f"the same topic asked again (e.g. a next page): {_percentiles(repeats)}")
    print(f"  CPU time of the calling thread: {_percentiles(cpu_repeats)}")
    print(f"/topics over {args.articles} articles: {_percentiles(subjects)}")
    print(f"bot process at the end: {_memory()}")
    print(f"load average at the end: {_load()}")


def _load() -> str:
    """The machine's 1, 5 and 15 minute load averages (as `uptime` prints them)."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def _memory() -> str:
    """The resident memory of this process now and its peak so far (Linux /proc)."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    now, peak = (int(status[key].split()[0]) // 1024 for key in ("VmRSS", "VmHWM"))
    return f"RSS {now} MB, peak {peak} MB"


def _percentiles(seconds: list[float]) -> str:
    """Count, p50, p95 and max of `seconds` in ms ("no calls" for none: `--runs 1` repeats no
    topic)."""
    if not seconds:
        return "no calls"
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{len(ordered)} calls, p50 {1000 * statistics.median(ordered):.0f} ms, "
        f"p95 {1000 * p95:.0f} ms, max {1000 * ordered[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
