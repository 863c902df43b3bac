"""The naming evidence a topic's first /digest computes, alone: CPU time of `naming_evidence`
over the articles naming each topic, in a corpus like `bench/digest_latency.py`'s.

    python bench/naming_evidence.py [--articles 100000] [--repeats 3]

The corpus: `--articles` copies of the labelled fixture articles (tests/fixtures/topics), each
with its sentences shuffled and a serial number in its title, every one read (`read_article`)
beforehand as the bot's warm-up does. For each topic, the articles naming it (a stand-in for the
full-text index `TopicMatcher` asks) are handed to `naming_evidence` with nothing remembered,
as on a topic's first call; a category topic also tells whether each writes it as a name.
Prints the fastest of `--repeats` runs (`time.thread_time`) and the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.topics.aboutness import read_article  # noqa: E402
from summarizer.topics.evaluation import read_articles  # noqa: E402
from summarizer.topics.evidence import naming_evidence  # noqa: E402
from summarizer.topics.names import count_mentions, topic_names  # noqa: E402
from summarizer.topics.passages import TopicCandidate  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "topics"
# (topic, a category topic: whether it is written as a name is read too)
TOPICS = (("russia", False), ("china", False), ("european union", False), ("economy", True))


def corpus(count: int) -> list[TopicCandidate]:
    """`count` shuffled copies of the fixture articles, each read as the warm-up reads it."""
    originals = [(title, body) for _, title, body in read_articles(FIXTURES)]
    rng = random.Random(1)
    articles = []
    for serial in range(count):
        title, body = originals[serial % len(originals)]
        sentences = list(read_article(title, body).sentences)
        rng.shuffle(sentences)
        copy = (f"{title} {serial}", " ".join(sentences))
        read_article(*copy)
        articles.append(TopicCandidate(serial, *copy, None))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("load average at the start: {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg()))
    articles = corpus(args.articles)
    for topic, common_noun in TOPICS:
        names = topic_names(topic)
        named = [a for a in articles if any(count_mentions(names, [a.title, a.text]))]
        best = float("inf")
        for _ in range(args.repeats):
            start = time.thread_time()
            naming_evidence(names, named, common_noun=common_noun)
            best = min(best, time.thread_time() - start)
        print(f"{topic:15s} {len(named):6d} articles naming it: {1000 * best:5.0f} ms CPU")
    print("load average at the end: {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
