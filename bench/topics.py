"""Topic matching figures: precision/recall/F1 per topic and macro-F1, against a keyword baseline.

    python bench/topics.py                         # ../shared/news-topics
    python bench/topics.py --dir tests/fixtures/topics   # the project's own labelled set
    python bench/topics.py --seeds [--dir DIR]     # default ../shared/seeds: which seeds match

A labelled folder holds `<label>_<n>.txt` files (see summarizer/topic_eval.py); every label is
used as the topic query over all its articles.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.topic_eval import candidates_of, evaluate, load_labelled, macro_f1  # noqa: E402
from summarizer.topics import TopicCandidate, TopicMatcher  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_TOPICS = ("russia", "kazakhstan", "north korea", "china")
_BYLINE = re.compile(r"^\*by [^*]+\*\s*$", re.IGNORECASE)


def load_seeds(directory: Path) -> list[tuple[str, str, str]]:
    """(name, title, text) per seed; a journal issue splits at a bold title over "*by Author*"."""
    seeds = []
    for path in sorted(directory.glob("[0-9]*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        starts = [
            i - 2
            for i, line in enumerate(lines)
            if i >= 2 and _BYLINE.match(line) and lines[i - 2].startswith("**")
        ]
        if not starts:
            seeds.append((path.name[:3], "", "\n".join(lines)))
            continue
        for part, start in enumerate(starts, 1):
            end = starts[part] if part < len(starts) else len(lines)
            title = lines[start].strip("* ")
            seeds.append((f"{path.name[:3]}.{part}", title, "\n".join(lines[start + 2 : end])))
    return seeds


def bench_labelled(matcher: TopicMatcher, directory: Path) -> None:
    articles = load_labelled(directory)
    if not articles:
        sys.exit(f"no <label>_<n>.txt files in {directory}; name the folder with --dir")
    started = time.perf_counter()
    candidates = candidates_of(matcher, articles)
    passages = sum(len(c.passage_vectors) for c in candidates)
    print(
        f"{directory}: embedded {len(articles)} articles ({passages} passages) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    scores = evaluate(matcher, articles, candidates)
    print(
        f"{'topic':16} {'P':>5} {'R':>5} {'F1':>5} {'n':>4} | keyword {'P':>5} {'R':>5} {'F1':>5}"
    )
    for s in scores:
        print(
            f"{s.topic:16} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} {s.predicted:4} | "
            f"keyword {s.keyword_precision:5.2f} {s.keyword_recall:5.2f} {s.keyword_f1:5.2f}"
        )
    print(
        f"macro-F1 {macro_f1(scores):.3f}   keyword baseline {macro_f1(scores, keyword=True):.3f}"
    )
    latencies = [s.seconds for s in scores]
    print(
        f"match latency per query over {len(candidates)} articles: "
        f"mean {1000 * sum(latencies) / len(latencies):.0f} ms, max {1000 * max(latencies):.0f} ms"
    )


def bench_seeds(matcher: TopicMatcher, directory: Path) -> None:
    seeds = load_seeds(directory)
    vectors = matcher.vectors_many([(title, text) for _, title, text in seeds])
    candidates = [
        TopicCandidate(i, title, text, v)
        for i, ((_, title, text), v) in enumerate(zip(seeds, vectors, strict=True))
    ]
    for topic in SEED_TOPICS:
        matches = matcher.match(topic, candidates)
        found = ", ".join(f"{seeds[m.id][0]} ({m.relevance:.3f})" for m in matches) or "none"
        print(f"{topic:12} → {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="the labelled folder (or seeds folder)")
    parser.add_argument("--seeds", action="store_true", help="match the seed articles instead")
    args = parser.parse_args()
    matcher = TopicMatcher(SentenceEncoder())
    started = time.perf_counter()
    matcher.encoder.encode(["warm-up"])
    print(f"model {matcher.model_key} loaded in {time.perf_counter() - started:.1f} s")
    if args.seeds:
        bench_seeds(matcher, args.dir or SHARED / "seeds")
    else:
        bench_labelled(matcher, args.dir or SHARED / "news-topics")


if __name__ == "__main__":
    main()
