"""Exact numpy vs approximate-nearest-neighbour indexes over a period's article vectors.

    python bench/vector_index.py [--articles 100000] [--k 10 1000] [--queries 20]

A per-article topic score compares the topic (and, for a category topic such as "sport", every
competing category) with each article of the period: one unit vector per article (the mean of
its passage vectors), 384 float32 numbers for MiniLM. The vectors here are the labelled fixture
articles' means plus noise (as bench/digest_latency.py builds its store), so they cluster as
news does; the queries are the embedded news categories (`summarizer.defaults`). For numpy it
times every article's cosine to one query (a matrix-vector product), to all the categories at
once (a matrix product) and a top-k on top; for each of hnswlib, usearch and faiss-cpu that is
installed (`pip install hnswlib usearch faiss-cpu`; none is a dependency of the bot) it times the
index build, a top-k query and its recall against the exact top-k, and the memory the build
took (the process's resident memory before and after). Figures are float32 on this CPU.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.runtime import configure_process  # noqa: E402
from summarizer.defaults import NEWS_CATEGORIES  # noqa: E402
from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.topics.evaluation import LabelledCorpus, candidates_of, read_articles  # noqa: E402
from summarizer.topics.matcher import TopicMatcher  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "topics"
NOISE = 0.05


def article_matrix(matcher: TopicMatcher, count: int) -> np.ndarray:
    """`count` unit article vectors: the fixtures' passage means plus noise, one row each."""
    fixtures = LabelledCorpus("fixtures", read_articles(FIXTURES), [])
    means = np.stack([c.passage_vectors.mean(0) for c in candidates_of(matcher, fixtures)])
    rng = np.random.default_rng(4)
    rows = means[np.arange(count) % len(means)] + NOISE * rng.standard_normal(
        (count, means.shape[1])
    )
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def timed(work: Callable[[], object], repeat: int = 20) -> float:
    """The median seconds of `repeat` calls of `work`."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def exact_top(matrix: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    scores = queries @ matrix.T
    return np.argpartition(-scores, k - 1, axis=1)[:, :k]


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(
        np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True)])
    )


def hnswlib_index(matrix: np.ndarray) -> tuple[object, Callable[[np.ndarray, int], np.ndarray]]:
    hnswlib = importlib.import_module("hnswlib")
    index = hnswlib.Index(space="ip", dim=matrix.shape[1])
    index.init_index(max_elements=len(matrix), M=16, ef_construction=200)
    index.add_items(matrix, np.arange(len(matrix)))

    def query(queries: np.ndarray, k: int) -> np.ndarray:
        index.set_ef(max(k, 100))
        return index.knn_query(queries, k=k)[0]

    return index, query


def usearch_index(matrix: np.ndarray) -> tuple[object, Callable[[np.ndarray, int], np.ndarray]]:
    usearch = importlib.import_module("usearch.index")
    index = usearch.Index(ndim=matrix.shape[1], metric="ip", dtype="f32")
    index.add(np.arange(len(matrix)), matrix)

    def query(queries: np.ndarray, k: int) -> np.ndarray:
        return index.search(queries, k, exact=False).keys

    return index, query


def faiss_index(matrix: np.ndarray) -> tuple[object, Callable[[np.ndarray, int], np.ndarray]]:
    faiss = importlib.import_module("faiss")
    index = faiss.IndexHNSWFlat(matrix.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.add(matrix)

    def query(queries: np.ndarray, k: int) -> np.ndarray:
        index.hnsw.efSearch = max(k, 100)
        return index.search(queries, k)[1]

    return index, query


def main() -> None:
    configure_process()  # the bot's thread spin, so the figures are the bot's
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--k", type=int, nargs="+", default=[10, 1000])
    parser.add_argument("--queries", type=int, default=len(NEWS_CATEGORIES))
    args = parser.parse_args()
    matcher = TopicMatcher(SentenceEncoder())
    categories = matcher.kinds.embed_categories()[: args.queries]
    matrix = article_matrix(matcher, args.articles)
    print(f"{len(matrix)} article vectors × {matrix.shape[1]} float32: {matrix.nbytes >> 20} MB")
    one = categories[0]
    print(
        f"numpy, every article's cosine to one query: {1000 * timed(lambda: matrix @ one):.1f} ms"
    )
    print(
        f"numpy, to all {len(categories)} categories at once: "
        f"{1000 * timed(lambda: matrix @ categories.T):.1f} ms"
    )
    exact = {k: exact_top(matrix, categories, k) for k in args.k}
    for k in args.k:
        milliseconds = 1000 * timed(lambda k=k: exact_top(matrix, one[None], k))
        print(f"numpy, exact top {k} of one query: {milliseconds:.1f} ms")
    for name, build in (
        ("hnswlib", hnswlib_index),
        ("usearch", usearch_index),
        ("faiss", faiss_index),
    ):
        before = resident_mb()
        try:
            started = time.perf_counter()
            index, query = build(matrix)
        except ImportError:
            print(f"{name}: not installed")
            continue
        built = time.perf_counter() - started
        print(f"{name}: built in {built:.1f} s, +{resident_mb() - before:.0f} MB resident")
        for k in args.k:
            milliseconds = 1000 * timed(lambda k=k, query=query: query(one[None], k))
            found = recall(query(categories, k), exact[k])
            print(f"{name}: top {k} of one query {milliseconds:.2f} ms, recall {found:.3f}")
        del index


if __name__ == "__main__":
    main()
