"""Topic matching figures: precision/recall/F1 per topic and macro-F1, against a keyword baseline.

    python bench/topics.py [DIR]     # DIR: labelled articles, default ../shared/news-topics
    python bench/topics.py --seeds [DIR]   # default ../shared/seeds: which seeds match which topics

In DIR each `<label>_<n>.txt` holds a headline on line 1, a blank line, then the body; every label
(with '-' read as a space) is used as the topic query over all articles.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.topics import TopicCandidate, TopicMatcher  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_TOPICS = ("russia", "kazakhstan", "north korea", "china")
_BYLINE = re.compile(r"^\*by [^*]+\*\s*$", re.IGNORECASE)


def load_labelled(directory: Path) -> list[tuple[str, str, str, str]]:
    """(name, label, headline, body) for every `<label>_<n>.txt` in `directory`."""
    articles = []
    for path in sorted(directory.glob("*_*.txt")):
        headline, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append((path.stem, path.stem.split("_")[0], headline.strip(), body.strip()))
    return articles


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


def keyword_match(topic: str, text: str) -> bool:
    """Baseline: every word of the topic occurs in the text as a whole word."""
    words = set(re.findall(r"[^\W_]+", text.lower()))
    return all(word in words for word in re.findall(r"[^\W_]+", topic.lower()))


def scores(predicted: set[str], gold: set[str]) -> tuple[float, float, float]:
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def embed(matcher: TopicMatcher, docs: list[tuple[str, str]]) -> list[TopicCandidate]:
    started = time.perf_counter()
    vectors = matcher.vectors_many(docs)
    passages = sum(len(v) for v in vectors)
    print(
        f"embedded {len(docs)} articles ({passages} passages) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return [
        TopicCandidate(i, t, x, v) for i, ((t, x), v) in enumerate(zip(docs, vectors, strict=True))
    ]


def bench_labelled(matcher: TopicMatcher, directory: Path) -> None:
    articles = load_labelled(directory)
    candidates = embed(matcher, [(headline, body) for _, _, headline, body in articles])
    print(
        f"{'topic':16} {'P':>5} {'R':>5} {'F1':>5} {'n':>4} | keyword {'P':>5} {'R':>5} {'F1':>5}"
    )
    f1s, keyword_f1s, latencies = [], [], []
    for label in sorted({label for _, label, _, _ in articles}):
        topic = label.replace("-", " ")
        gold = {name for name, lab, _, _ in articles if lab == label}
        started = time.perf_counter()
        matches = matcher.match(topic, candidates)
        latencies.append(time.perf_counter() - started)
        predicted = {articles[m.id][0] for m in matches}
        keyword = {name for name, _, h, b in articles if keyword_match(topic, f"{h}\n{b}")}
        p, r, f1 = scores(predicted, gold)
        kp, kr, kf1 = scores(keyword, gold)
        f1s.append(f1)
        keyword_f1s.append(kf1)
        print(
            f"{topic:16} {p:5.2f} {r:5.2f} {f1:5.2f} {len(predicted):4} | "
            f"keyword {kp:5.2f} {kr:5.2f} {kf1:5.2f}"
        )
    print(
        f"macro-F1 {sum(f1s) / len(f1s):.3f}   keyword baseline {sum(keyword_f1s) / len(f1s):.3f}"
    )
    print(
        f"match latency per query over {len(candidates)} articles: "
        f"mean {1000 * sum(latencies) / len(latencies):.0f} ms, max {1000 * max(latencies):.0f} ms"
    )


def bench_seeds(matcher: TopicMatcher, directory: Path) -> None:
    seeds = load_seeds(directory)
    candidates = embed(matcher, [(title, text) for _, title, text in seeds])
    for topic in SEED_TOPICS:
        matches = matcher.match(topic, candidates)
        found = ", ".join(f"{seeds[m.id][0]} ({m.relevance:.3f})" for m in matches) or "none"
        print(f"{topic:12} → {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--seeds", action="store_true", help="match the seed articles instead")
    args = parser.parse_args()
    matcher = TopicMatcher(SentenceEncoder())
    started = time.perf_counter()
    matcher.encoder.encode(["warm-up"])
    print(f"model {matcher.model_key} loaded in {time.perf_counter() - started:.1f} s")
    if args.seeds:
        bench_seeds(matcher, args.directory or SHARED / "seeds")
    else:
        bench_labelled(matcher, args.directory or SHARED / "news-topics")


if __name__ == "__main__":
    main()
