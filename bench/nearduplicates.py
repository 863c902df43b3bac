"""Measure the near-duplicate threshold: edited copies vs. different stories on one subject.

Reads the labeled news-topics set (../shared/news-topics: `<subject>_<n>.txt`, headline on the
first line). Positive pairs: each article and an edited copy of it (reworded lead, a share of
words replaced, a paragraph dropped, an agency footer added; the headline does not count).
Negative pairs: every two different articles of the same subject (less the one real re-post
in the set, which counts as a positive). For each threshold it prints
how many copies are found (banded lookup AND estimated Jaccard ≥ threshold) and how many
different stories are wrongly merged.

    python bench/nearduplicates.py [DIR] [--replace 0.05]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.ingest.nearduplicates import estimated_jaccard, story_signature  # noqa: E402

DEFAULT_DIR = REPO.parent / "shared" / "news-topics"
THRESHOLDS = (0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8)
# A real re-post in the set: the same Reuters story under a changed headline.
KNOWN_REPOSTS = {frozenset({"currencies_015", "currencies_016"})}
FOOTER = "Reporting by our correspondents; editing by the news desk. Follow us for more updates."


def edited_copy(body: str, rng: random.Random, replace_share: float) -> str:
    """The story as another outlet would run it."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    lead_words = paragraphs[0].split()
    rng.shuffle(lead_words)
    paragraphs[0] = " ".join(lead_words)
    if len(paragraphs) > 3:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    words = "\n\n".join([*paragraphs, FOOTER]).split(" ")
    vocabulary = [w for w in words if w.isalpha()]
    for index in rng.sample(range(len(words)), int(len(words) * replace_share)):
        words[index] = rng.choice(vocabulary)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--replace", type=float, default=0.05, help="share of words replaced")
    args = parser.parse_args()
    rng = random.Random(7)

    by_subject: dict[str, list] = defaultdict(list)
    signatures = {}
    positives = []
    for path in sorted(args.directory.glob("*_*.txt")):
        body = path.read_text().split("\n", 1)[1].strip()
        original = story_signature(body)
        copy = story_signature(edited_copy(body, rng, args.replace))
        by_subject[path.stem.rsplit("_", 1)[0]].append(path.stem)
        signatures[path.stem] = original
        positives.append((original, copy))
    negatives = []
    for group in by_subject.values():
        for first, second in itertools.combinations(group, 2):
            pair = (signatures[first], signatures[second])
            reposted = frozenset({first, second}) in KNOWN_REPOSTS
            (positives if reposted else negatives).append(pair)

    def jaccards(pairs):
        return [estimated_jaccard(a.signature, b.signature) for a, b in pairs]

    def found(pairs, threshold):
        return sum(
            1
            for a, b in pairs
            if set(a.band_keys) & set(b.band_keys)
            and estimated_jaccard(a.signature, b.signature) >= threshold
        )

    same, different = jaccards(positives), jaccards(negatives)
    print(f"{len(positives)} copies and re-posts, {len(negatives)} different-story pairs")
    print(
        f"edited copies: Jaccard min {min(same):.2f} median {statistics.median(same):.2f} "
        f"max {max(same):.2f}"
    )
    print(
        f"different stories, same subject: max {max(different):.2f}, "
        f"99th percentile {statistics.quantiles(different, n=100)[98]:.2f}"
    )
    print("threshold  copies found  different stories merged")

    for threshold in THRESHOLDS:
        print(
            f"{threshold:9.2f}  {found(positives, threshold):5d}/{len(positives)}"
            f"  {found(negatives, threshold):5d}/{len(negatives)}"
        )


if __name__ == "__main__":
    main()
