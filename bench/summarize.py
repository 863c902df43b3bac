"""Measure summarizer backends on a directory of articles, against a naive baseline, and print the
figures.

    python bench/summarize.py [DIR] [--backend B ...] [--model M] [--refs DIR] [--batch N]
                              [--repeat R] [--precision auto|float32|bfloat16]

DIR defaults to ../shared/seeds beside the repository. Its files go through the bot's own ingest
step (cleaning, splitting of multi-article issues) as in production. Each run happens in a fresh
child process, so its peak RSS is its own. Runs:

- each backend (default: extractive; repeat --backend for more), summary only, as
  `summarize_many` over batches of `--batch` articles;
- "worker": what the worker does per article, summary and topic vectors: `embed_articles` (one
  encoder pass over titles and sentences, per batch) and `summarize_embedded`;
- the baselines, the naive way, on the first `--baseline-articles` only (they are slow): "naive
  summary", the same extractive summaries one article at a time with the encoder called once per
  sentence (no batching); "naive worker", that plus the passage vectors encoded separately, one
  encoder call per passage (title and runs of sentences, `article_passages`).

Speed-ups compare seconds per 1,000 input tokens: a backend and "worker" against "naive summary",
"naive worker" against nothing (it is the worker's baseline). With `--repeat R` the runs go round
R times, interleaved, and each keeps its fastest round (the machine is shared; `uptime` is
printed before and after). CPU seconds (user + system, all threads) are shown beside wall time:
they suffer less from other load. Per run it prints the model load time, articles per minute,
seconds per 1,000 input tokens (MiniLM word pieces), CPU seconds per 1,000 tokens, peak RSS and
the speed-up; then every summary of the first backend (its start when there are many), for a
person to judge. With reference summaries (`--refs`, or the sibling `refs/` when DIR is
news-summaries/articles) it also prints ROUGE-1/2/L (mean F) of each backend and of lead-3 on
the same articles, and a paired bootstrap of the difference to lead-3 over the articles (is it
real?); line 1 (a pseudo-headline) is the title there, not summarized. Nothing here is a test: no
figure is asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from summarizer.backends import BACKENDS, load_summarizer  # noqa: E402
from summarizer.embedding import embed_articles  # noqa: E402
from summarizer.encoder import Precision, SentenceEncoder  # noqa: E402
from summarizer.errors import SummarizerError  # noqa: E402
from summarizer.extractive import ExtractiveSummarizer  # noqa: E402
from summarizer.text import split_sentences  # noqa: E402
from summarizer.topics import article_passages  # noqa: E402

DEFAULT_DIR = REPO.parent / "shared" / "seeds"
BASELINE = "naive summary"  # extractive, one article at a time, one encoder call per sentence
WORKER = "worker"  # one encoder pass per batch for summary and topic vectors, as bot/worker.py
NAIVE_WORKER = "naive worker"  # the naive summary plus passage vectors encoded one by one
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
PREVIEW_CHARS = 300  # a summary is cut to this when more than FULL_SUMMARIES_UP_TO articles
FULL_SUMMARIES_UP_TO = 20
BOOTSTRAP_SAMPLES = 10_000


@dataclass(frozen=True)
class Run:
    """What one backend produced on the articles, and what it cost."""

    model_key: str
    summaries: list[str]
    load_s: float
    summarize_s: float
    cpu_s: float
    peak_rss_mb: float


class UnbatchedEncoder(SentenceEncoder):
    """The naive baseline's encoder: one model call per sentence, in float32 (bfloat16, which
    the default encoder uses on an AMX CPU, made single sentences slower, not faster)."""

    def __init__(self) -> None:
        super().__init__(precision="float32")

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [SentenceEncoder.encode(self, [text]) for text in texts]
        return np.concatenate(rows) if rows else SentenceEncoder.encode(self, [])


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
        names, titles, bodies = _ingested(paths)
    else:
        names = [p.name for p in paths]
        titles = [_title_and_body(p)[0] for p in paths]
        bodies = [_title_and_body(p)[1] for p in paths]
    encoder = SentenceEncoder()
    token_counts = [encoder.count_tokens(body) for body in bodies]
    tokens = sum(token_counts)

    backends = [*(args.backend or ["extractive"]), WORKER, BASELINE, NAIVE_WORKER]
    runs: dict[str, Run] = {}
    print(f"before: {_uptime()}")
    for _ in range(args.repeat):
        for backend in backends:
            naive = backend in (BASELINE, NAIVE_WORKER)
            some = slice(args.baseline_articles if naive else len(bodies))
            try:
                run = _in_child(_measure, backend, args, titles[some], bodies[some])
            except SummarizerError as exc:
                sys.exit(f"error: {backend}: {exc}")
            if backend not in runs or run.summarize_s < runs[backend].summarize_s:
                runs[backend] = run
    print(f"after:  {_uptime()}\n")

    first = next(iter(runs.values()))
    for name, summary in zip(names, first.summaries, strict=True):
        whole = len(bodies) <= FULL_SUMMARIES_UP_TO or len(summary) <= PREVIEW_CHARS
        print(f"--- {name}\n{summary if whole else summary[:PREVIEW_CHARS] + '…'}\n")

    print(f"directory        {directory}")
    print(f"articles         {len(bodies)}, {sum(len(b.split()) for b in bodies)} words")
    print(f"input tokens     {tokens} (MiniLM word pieces)")
    print(f"batch            {args.batch} articles per call")
    print(f"repeat           {args.repeat} (fastest round of each run kept)\n")

    def per_1k_tokens(run: Run, seconds: float) -> float:
        return 1000 * seconds / sum(token_counts[: len(run.summaries)])

    print(
        f"{'run':44}{'load s':>8}{'art/min':>9}{'s/1k tok':>10}{'cpu s/1k':>10}{'RSS MB':>8}"
        f"{'speed-up':>10}"
    )
    for backend, run in runs.items():
        label = run.model_key
        if backend == BASELINE:
            label = f"naive summary: unbatched, {len(run.summaries)} art."
        elif backend == NAIVE_WORKER:
            label = f"naive worker: + passages, {len(run.summaries)} art."
        elif backend == WORKER:
            label = "worker: summary + topic vectors, one pass"
        against = runs[NAIVE_WORKER if backend in (WORKER, NAIVE_WORKER) else BASELINE]
        speed_up = per_1k_tokens(against, against.summarize_s) / per_1k_tokens(run, run.summarize_s)
        print(
            f"{label[:43]:44}{run.load_s:8.2f}{60 * len(run.summaries) / run.summarize_s:9.1f}"
            f"{per_1k_tokens(run, run.summarize_s):10.3f}{per_1k_tokens(run, run.cpu_s):10.3f}"
            f"{run.peak_rss_mb:8.0f}{speed_up:9.1f}×"
        )
    print(
        "(speed-up: the baseline's seconds per 1,000 tokens over the run's; the worker's\n"
        " baseline is the naive worker, every other run's the naive summary)"
    )
    if "extractive" in runs:
        for other in (BASELINE, WORKER):
            pairs = zip(runs[other].summaries, runs["extractive"].summaries, strict=False)
            same, compared = sum(a == b for a, b in pairs), len(runs[other].summaries)
            print(f"{other} summaries equal to the extractive ones: {same}/{compared}")
    print(f"summary words    mean {_mean([len(s.split()) for s in first.summaries]):.1f}")

    if refs is not None:
        measured = {k: v for k, v in runs.items() if k not in (BASELINE, NAIVE_WORKER, WORKER)}
        _print_rouge(refs, paths, bodies, measured)


def _in_child(function, *args):
    """`function(*args)` in a fresh process, so its model and memory peak are its own."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _measure(backend: str, args: argparse.Namespace, titles: list[str], bodies: list[str]) -> Run:
    """Load what `backend` needs and summarize `bodies` with it (in the child process)."""
    naive = backend in (BASELINE, NAIVE_WORKER)
    encoder = UnbatchedEncoder() if naive else SentenceEncoder(precision=args.precision)
    if backend in (BASELINE, NAIVE_WORKER, WORKER):
        summarizer = ExtractiveSummarizer(encoder, sentences=args.sentences)
    else:
        summarizer = load_summarizer(
            backend,
            model=args.model,
            encoder=encoder,
            sentences=args.sentences,
            max_new_tokens=args.max_new_tokens,
        )
    started = time.perf_counter()
    summarizer.load()
    load_s = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    if naive:
        summaries = [summarizer.summarize(body) for body in bodies]
        if backend == NAIVE_WORKER:
            for title, body in zip(titles, bodies, strict=True):
                encoder.encode(article_passages(title, body))
    else:
        summaries = []
        for start in range(0, len(bodies), args.batch):
            batch = slice(start, start + args.batch)
            if backend == WORKER:
                docs = list(zip(titles[batch], bodies[batch], strict=True))
                summaries.extend(summarizer.summarize_embedded(embed_articles(encoder, docs)))
            else:
                summaries.extend(summarizer.summarize_many(bodies[batch]))
    summarize_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Run(summarizer.model_key, summaries, load_s, summarize_s, cpu_s, peak_rss_mb)


def _print_rouge(refs: Path, paths: list[Path], bodies: list[str], runs: dict[str, Run]) -> None:
    references = [(refs / path.name).read_text(encoding="utf-8") for path in paths]
    lead3 = [" ".join(split_sentences(body)[:3]) for body in bodies]
    lead3_scores = _rouge(references, lead3)
    print(f"\nROUGE mean F over {len(paths)} articles (refs: {refs})")
    print(f"{'':44}{'R1':>8}{'R2':>8}{'RL':>8}{'words':>8}")
    scores = {backend: _rouge(references, run.summaries) for backend, run in runs.items()}
    for label, outputs, per_article in [
        *((runs[b].model_key, runs[b].summaries, scores[b]) for b in runs),
        ("lead-3", lead3, lead3_scores),
    ]:
        figures = "".join(f"{per_article[:, i].mean():8.4f}" for i in range(3))
        print(f"{label[:43]:44}{figures}{_mean([len(o.split()) for o in outputs]):8.1f}")
    for backend, per_article in scores.items():
        difference = per_article - lead3_scores
        print(
            f"\npaired bootstrap of {backend} − lead-3 ({BOOTSTRAP_SAMPLES} resamples of articles)"
        )
        for i, rouge_type in enumerate(ROUGE_TYPES):
            low, high, above = _paired_bootstrap(difference[:, i])
            print(
                f"{rouge_type:8} {difference[:, i].mean():+.4f}  95% CI [{low:+.4f}, {high:+.4f}]"
                f"  P(backend > lead-3) {above:.3f}"
            )


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument(
        "--backend", action="append", choices=BACKENDS, help="repeatable; default extractive"
    )
    parser.add_argument("--model", help="seq2seq / instruct model id or local directory")
    parser.add_argument("--refs", type=Path, help="directory of reference summaries, same names")
    parser.add_argument("--sentences", type=int, default=3, help="extractive summary length")
    parser.add_argument("--max-new-tokens", type=int, default=160, help="generative output cap")
    parser.add_argument("--batch", type=int, default=8, help="articles per summarize_many call")
    parser.add_argument(
        "--precision",
        choices=get_args(Precision),
        default="auto",
        help="the encoder's (bfloat16 where the CPU has AMX under auto; the naive: float32)",
    )
    parser.add_argument(
        "--baseline-articles", type=int, default=10, help="articles the slow baselines summarize"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of all runs, interleaved; fastest kept"
    )
    return parser.parse_args()


def _title_and_body(path: Path) -> tuple[str, str]:
    """A news-summaries article's pseudo-headline (line 1) and the rest, its body."""
    text = path.read_text(encoding="utf-8")
    if "\n" not in text:
        return "", text
    title, body = text.split("\n", 1)
    return title.strip(), body


def _ingested(paths: list[Path]) -> tuple[list[str], list[str], list[str]]:
    """Names, titles and cleaned texts of the articles in `paths`, as the bot would store them."""
    from bot.ingest import IngestError, parse_file

    names, titles, bodies = [], [], []
    for path in paths:
        try:
            drafts = parse_file(path.name, path.read_bytes())
        except IngestError as exc:
            print(f"skipped {path.name}: {exc}")
            continue
        for index, draft in enumerate(drafts, start=1):
            names.append(path.name if len(drafts) == 1 else f"{path.name} [{index}] {draft.title}")
            titles.append(draft.title)
            bodies.append(draft.text)
    return names, titles, bodies


def _uptime() -> str:
    """The load averages, for judging how busy the shared machine was."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


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
