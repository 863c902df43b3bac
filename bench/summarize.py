"""Measure a summarizer backend on a directory of articles and print the figures.

    python bench/summarize.py [DIR] [--backend extractive|seq2seq] [--model M] [--refs DIR]

DIR defaults to ../shared/seeds beside the repository. Its files go through the bot's own ingest
step (cleaning, splitting of multi-article issues) as in production. Prints the model load time,
the articles' count and words, seconds per article (mean, max), articles per minute, the peak RSS
and every summary (its start when there are many), for a person to judge. With reference
summaries (`--refs`, or the sibling `refs/` when DIR is news-summaries/articles) it also prints
ROUGE-1/2/L (mean F) of the backend and of lead-3 on the same articles, and a paired bootstrap
of their difference over the articles (is it real?); line 1 (a pseudo-headline) is skipped there.
Nothing here is a test: no figure is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from summarizer.backends import BACKENDS, load_summarizer  # noqa: E402
from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.errors import SummarizerError  # noqa: E402
from summarizer.text import split_sentences  # noqa: E402

DEFAULT_DIR = REPO.parent / "shared" / "seeds"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
PREVIEW_CHARS = 300  # a summary is cut to this when more than FULL_SUMMARIES_UP_TO articles
FULL_SUMMARIES_UP_TO = 20
BOOTSTRAP_SAMPLES = 10_000


def main() -> None:
    """Parse the arguments, run the benchmark and print its figures."""
    args = _parse_args()
    directory = args.directory.resolve()
    refs = args.refs
    if refs is None and directory.parts[-2:] == ("news-summaries", "articles"):
        refs = directory.parent / "refs"
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        sys.exit(f"no .txt articles in {directory}")
    if refs is None:
        names, bodies = _ingested(paths)
    else:
        names, bodies = [p.name for p in paths], [_body(p) for p in paths]

    summarizer = load_summarizer(
        args.backend,
        model=args.model,
        encoder=SentenceEncoder(),
        sentences=args.sentences,
        max_new_tokens=args.max_new_tokens,
    )
    summaries: list[str] = []
    seconds: list[float] = []
    try:
        started = time.perf_counter()
        summarizer.load()
        load_s = time.perf_counter() - started
        for body in bodies:
            started = time.perf_counter()
            summaries.append(summarizer.summarize(body))
            seconds.append(time.perf_counter() - started)
    except SummarizerError as exc:
        sys.exit(f"error: {exc}")

    for name, summary in zip(names, summaries, strict=True):
        whole = len(summaries) <= FULL_SUMMARIES_UP_TO or len(summary) <= PREVIEW_CHARS
        preview = summary if whole else summary[:PREVIEW_CHARS] + "…"
        print(f"--- {name}\n{preview}\n")

    total_s = sum(seconds)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"backend          {summarizer.model_key}")
    print(f"directory        {directory}")
    print(f"model load       {load_s:.2f} s")
    print(f"articles         {len(bodies)}")
    print(f"total words      {sum(len(b.split()) for b in bodies)}")
    print(f"s/article        mean {total_s / len(bodies):.3f}, max {max(seconds):.3f}")
    print(f"articles/minute  {60 * len(bodies) / total_s:.1f}")
    print(f"peak RSS         {peak_rss_mb:.0f} MB")
    print(f"summary words    mean {_mean([len(s.split()) for s in summaries]):.1f}")

    if refs is not None:
        references = [(refs / path.name).read_text(encoding="utf-8") for path in paths]
        lead3 = [" ".join(split_sentences(body)[:3]) for body in bodies]
        print(f"\nROUGE mean F over {len(paths)} articles (refs: {refs})")
        print(f"{'':18}{'R1':>8}{'R2':>8}{'RL':>8}{'words':>8}")
        per_article = {}
        for name, outputs in (("backend", summaries), ("lead-3", lead3)):
            per_article[name] = _rouge(references, outputs)
            figures = "".join(f"{per_article[name][:, i].mean():8.4f}" for i in range(3))
            words = _mean([len(o.split()) for o in outputs])
            print(f"{name:18}{figures}{words:8.1f}")
        difference = per_article["backend"] - per_article["lead-3"]
        print(f"\npaired bootstrap of backend − lead-3 ({BOOTSTRAP_SAMPLES} resamples of articles)")
        for i, rouge_type in enumerate(ROUGE_TYPES):
            low, high, above = _paired_bootstrap(difference[:, i])
            print(
                f"{rouge_type:8} {difference[:, i].mean():+.4f}  95% CI [{low:+.4f}, {high:+.4f}]"
                f"  P(backend > lead-3) {above:.3f}"
            )


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--backend", choices=BACKENDS, default="extractive")
    parser.add_argument("--model", help="seq2seq model id or local directory")
    parser.add_argument("--refs", type=Path, help="directory of reference summaries, same names")
    parser.add_argument("--sentences", type=int, default=3, help="extractive summary length")
    parser.add_argument("--max-new-tokens", type=int, default=160, help="seq2seq output cap")
    return parser.parse_args()


def _body(path: Path) -> str:
    """A news-summaries article without its pseudo-headline (line 1)."""
    text = path.read_text(encoding="utf-8")
    return text.split("\n", 1)[1] if "\n" in text else text


def _ingested(paths: list[Path]) -> tuple[list[str], list[str]]:
    """Names and cleaned texts of the articles in `paths`, as the bot would store them."""
    from bot.ingest import IngestError, parse_file

    names, bodies = [], []
    for path in paths:
        try:
            drafts = parse_file(path.name, path.read_bytes())
        except IngestError as exc:
            print(f"skipped {path.name}: {exc}")
            continue
        for index, draft in enumerate(drafts, start=1):
            names.append(path.name if len(drafts) == 1 else f"{path.name} [{index}] {draft.title}")
            bodies.append(draft.text)
    return names, bodies


def _rouge(references: list[str], outputs: list[str]) -> np.ndarray:
    """F-measures per article (rows) and ROUGE type (columns, in `ROUGE_TYPES` order)."""
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    rows = []
    for reference, output in zip(references, outputs, strict=True):
        scores = scorer.score(" ".join(reference.splitlines()), output)
        rows.append([scores[rouge_type].fmeasure for rouge_type in ROUGE_TYPES])
    return np.array(rows)


def _paired_bootstrap(difference: np.ndarray) -> tuple[float, float, float]:
    """95% interval of the mean per-article difference, and the share of resamples above 0."""
    rng = np.random.default_rng(0)
    samples = rng.integers(0, len(difference), (BOOTSTRAP_SAMPLES, len(difference)))
    means = difference[samples].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high), float((means > 0).mean())


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


if __name__ == "__main__":
    main()
