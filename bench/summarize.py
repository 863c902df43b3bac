"""Measure summarizer backends on corpora of articles, against naive baselines, and print the
figures.

    python bench/summarize.py [DIR ...] [--backend B ...] [--model M] [--sentences N] [--batch N]
                              [--repeat R] [--precision auto|float32|bfloat16] [--show-summaries]

DIRs default to ../shared/news-summaries (CNN/Daily Mail), ../shared/news-summaries-bbc (BBC) and
../shared/seeds beside the repository, all in one run (those present). A DIR with `articles/` and
`refs/` (or an `articles/` DIR with a sibling `refs/`) is a reference corpus: line 1 of an article
is its title, not summarized, and its summaries are scored. Any other DIR holds raw files, which
go through the bot's own ingest step (cleaning, splitting of multi-article issues) as in
production; their summaries are printed for a person to judge. Each run happens in a fresh child
process, so its peak RSS is its own. Runs, per DIR:

- each backend (default: extractive; repeat --backend for more), summary only, as
  `summarize_many` over batches of `--batch` articles;
- "worker": what the worker does per article, summary and topic vectors: `embed_articles` (one
  encoder pass over titles and sentences, per batch) and `summarize_embedded`;
- the speed baselines, the naive way, on the first `--baseline-articles` only (they are slow):
  "naive summary", the same extractive summaries one article at a time with the encoder called
  once per sentence (no batching); "naive worker", that plus the passage vectors encoded
  separately, one encoder call per passage (title and runs of sentences, `article_passages`).

Speed-ups compare seconds per 1,000 input tokens: a backend and "worker" against "naive summary",
"naive worker" against nothing (it is the worker's baseline). With `--repeat R` the runs go round
R times, interleaved, and each keeps its fastest round (the machine is shared; `uptime` is
printed before and after). CPU seconds (user + system, all threads) are shown beside wall time:
they suffer less from other load. Per run it prints the model load time, articles per minute,
seconds per 1,000 input tokens (MiniLM word pieces), CPU seconds per 1,000 tokens, peak RSS and
the speed-up.

On a reference corpus it also prints ROUGE-1/2/L (mean F over the articles) of each backend and
of two quality baselines at the same sentence count (`--sentences`): lead-N (the first N
sentences) and the naive centroid of news-summaries-bbc/README.md (all-MiniLM-L6-v2 vectors with
the model's whole window, of sentences split with `(?<=[.!?])\\s+`, scored by the cosine to their
unit mean + 0.05 × (1 − i/n), the top N in article order); and, per backend, lead at its length
("lead-words": the body's first W words, W the words of the backend's summary of that article),
since ROUGE F favours a length near the reference's and a backend's sentences may be longer or
shorter than the lead's. Then a paired bootstrap of each backend's difference to each baseline
over the articles (mean, 95% interval, share of resamples above 0: is it real?), and at the end
one line per corpus. Nothing here is a test: no figure is
asserted (tests/summarizer/test_summary_quality.py pins floors).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
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

from bot.runtime import configure_process  # noqa: E402
from summarizer.backends import BACKENDS, load_summarizer  # noqa: E402
from summarizer.embedding import embed_articles  # noqa: E402
from summarizer.encoder import Precision, SentenceEncoder  # noqa: E402
from summarizer.errors import SummarizerError  # noqa: E402
from summarizer.extractive import ExtractiveSummarizer  # noqa: E402
from summarizer.text import split_sentences  # noqa: E402
from summarizer.topics.passages import article_passages  # noqa: E402

SHARED = REPO.parent / "shared"
DEFAULT_DIRS = (SHARED / "news-summaries", SHARED / "news-summaries-bbc", SHARED / "seeds")
BASELINE = "naive summary"  # extractive, one article at a time, one encoder call per sentence
WORKER = "worker"  # one encoder pass per batch for summary and topic vectors (bot/app/summaries)
NAIVE_WORKER = "naive worker"  # the naive summary plus passage vectors encoded one by one
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
PREVIEW_CHARS = 300  # a summary is cut to this when more than FULL_SUMMARIES_UP_TO articles
FULL_SUMMARIES_UP_TO = 20
BOOTSTRAP_SAMPLES = 10_000
# the naive centroid of news-summaries-bbc/README.md: its sentence split, its position weight, and
# the encoder's whole window (all-MiniLM-L6-v2 takes 256 word pieces)
CENTROID_SPLIT = re.compile(r"(?<=[.!?])\s+")
CENTROID_POSITION_WEIGHT = 0.05
CENTROID_WINDOW_TOKENS = 256


@dataclass(frozen=True)
class Corpus:
    """The articles of one directory, and their reference summaries where it has them."""

    directory: Path
    names: list[str]
    titles: list[str]
    bodies: list[str]
    references: list[str] | None


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
    """Parse the arguments, run the benchmark on every directory and print its figures."""
    configure_process()  # the bot's thread spin, so the figures are the bot's
    args = _parse_args()
    directories = args.directory or [d for d in DEFAULT_DIRS if d.is_dir()]
    corpora = [load_corpus(directory.resolve()) for directory in directories]
    overview = []
    for corpus in corpora:
        print(f"=== {corpus.directory}")
        runs = _speed(corpus, args)
        if corpus.references is not None:
            overview.extend(_print_quality(corpus, runs, args.sentences))
    if overview:
        print(
            f"\n=== ROUGE-2 F per corpus ({args.sentences} sentences; P = share of resamples above)"
        )
        for line in overview:
            print(line)


def _speed(corpus: Corpus, args: argparse.Namespace) -> dict[str, Run]:
    """Run every backend and the speed baselines on `corpus`; print the speed table."""
    titles, bodies = corpus.titles, corpus.bodies
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
    if corpus.references is None or args.show_summaries:
        for name, summary in zip(corpus.names, first.summaries, strict=True):
            whole = len(bodies) <= FULL_SUMMARIES_UP_TO or len(summary) <= PREVIEW_CHARS
            print(f"--- {name}\n{summary if whole else summary[:PREVIEW_CHARS] + '…'}\n")

    print(f"directory        {corpus.directory}")
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
    return {k: v for k, v in runs.items() if k not in (BASELINE, NAIVE_WORKER, WORKER)}


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
        summaries = [
            summarizer.summarize(body, title) for title, body in zip(titles, bodies, strict=True)
        ]
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
                summaries.extend(_summarize_many(summarizer, titles[batch], bodies[batch]))
    summarize_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Run(summarizer.model_key, summaries, load_s, summarize_s, cpu_s, peak_rss_mb)


def _summarize_many(summarizer, titles: list[str], bodies: list[str]) -> list[str]:
    """`summarize_many` of `bodies`, with their titles where the backend reads titles."""
    if isinstance(summarizer, ExtractiveSummarizer):
        return summarizer.summarize_many(bodies, titles)
    return summarizer.summarize_many(bodies)


def _print_quality(corpus: Corpus, runs: dict[str, Run], sentences: int) -> list[str]:
    """Print ROUGE of every backend and both baselines, and the paired bootstraps; return the
    corpus's overview lines (ROUGE-2 against each baseline)."""
    references = corpus.references or []
    baselines = {
        f"lead-{sentences}": [
            " ".join(split_sentences(body)[:sentences]) for body in corpus.bodies
        ],
        f"centroid-{sentences}": _centroid_summaries(corpus.bodies, sentences),
    }
    outputs = {run.model_key: run.summaries for run in runs.values()} | baselines
    for run in runs.values():
        outputs[_lead_words_label(run)] = [
            " ".join(body.split()[: len(summary.split())])
            for body, summary in zip(corpus.bodies, run.summaries, strict=True)
        ]
    scores = {label: rouge_scores(references, summaries) for label, summaries in outputs.items()}
    print(f"\nROUGE mean F over {len(references)} articles ({corpus.directory.name})")
    print(f"{'':44}{'R1':>8}{'R2':>8}{'RL':>8}{'words':>8}{'sent.':>7}")
    for label, summaries in outputs.items():
        figures = "".join(f"{scores[label][:, i].mean():8.4f}" for i in range(3))
        words = _mean([len(s.split()) for s in summaries])
        count = _mean([len(split_sentences(s)) for s in summaries])
        print(f"{label[:43]:44}{figures}{words:8.1f}{count:7.2f}")
    overview = []
    for run in runs.values():
        line = f"{corpus.directory.name[:22]:23}{run.model_key[:30]:31}"
        line += f"{scores[run.model_key][:, 1].mean():.4f}"
        for baseline in [*baselines, _lead_words_label(run)]:
            difference = scores[run.model_key] - scores[baseline]
            short = baseline.split(" ")[0]
            _print_paired_bootstrap(run.model_key, short, difference)
            _, _, above = _paired_bootstrap(difference[:, 1])
            line += (
                f"  {short} {scores[baseline][:, 1].mean():.4f} "
                f"({difference[:, 1].mean():+.4f}, P {above:.3f})"
            )
        overview.append(line)
    return overview


def _lead_words_label(run: Run) -> str:
    """The label of lead at the length of `run`'s summaries (its first word names it short)."""
    return f"lead-words (as long as {run.model_key})"


def _print_paired_bootstrap(backend: str, baseline: str, difference: np.ndarray) -> None:
    """Print the mean per-article `difference` backend − baseline for each ROUGE type, its 95%
    interval and the share of resamples above 0."""
    print(
        f"\npaired bootstrap of {backend} − {baseline} ({BOOTSTRAP_SAMPLES} resamples of articles)"
    )
    for i, rouge_type in enumerate(ROUGE_TYPES):
        low, high, above = _paired_bootstrap(difference[:, i])
        print(
            f"{rouge_type:8} {difference[:, i].mean():+.4f}  95% CI [{low:+.4f}, "
            f"{high:+.4f}]  P(backend > {baseline}) {above:.3f}"
        )


def _centroid_summaries(bodies: list[str], count: int) -> list[str]:
    """The naive centroid baseline of news-summaries-bbc/README.md, `count` sentences each."""
    encoder = SentenceEncoder(window_tokens=CENTROID_WINDOW_TOKENS, precision="float32")
    documents = [[s for s in CENTROID_SPLIT.split(body.strip()) if s] for body in bodies]
    vectors = encoder.encode([sentence for document in documents for sentence in document])
    summaries, start = [], 0
    for document in documents:
        own = vectors[start : start + len(document)]
        start += len(document)
        centroid = own.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        position = 1 - np.arange(len(document)) / max(len(document), 1)
        score = own @ centroid + CENTROID_POSITION_WEIGHT * position
        best = sorted(np.argsort(-score, kind="stable")[:count])
        summaries.append(" ".join(document[i] for i in best))
    return summaries


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "directory", nargs="*", type=Path, help="default: CNN/DM, BBC and the seeds in ../shared"
    )
    parser.add_argument(
        "--backend", action="append", choices=BACKENDS, help="repeatable; default extractive"
    )
    parser.add_argument("--model", help="seq2seq / instruct model id or local directory")
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
    parser.add_argument(
        "--show-summaries",
        action="store_true",
        help="print the summaries of reference corpora too (always printed for raw files)",
    )
    return parser.parse_args()


def load_corpus(directory: Path) -> Corpus:
    """A reference corpus (articles/ and refs/, or articles/ with a sibling refs/), else the raw
    files of `directory` as the bot would ingest them."""
    articles = directory / "articles" if (directory / "articles").is_dir() else directory
    refs = articles.parent / "refs" if articles.name == "articles" else None
    paths = sorted(articles.glob("*.txt"))
    if not paths:
        sys.exit(f"no .txt articles in {articles}")
    if refs is None or not refs.is_dir():
        return Corpus(directory, *_ingested(paths), references=None)
    titles, bodies = zip(*(_title_and_body(_read_text(path)) for path in paths), strict=True)
    references = [_read_text(refs / path.name) for path in paths]
    return Corpus(directory, [p.name for p in paths], list(titles), list(bodies), references)


def _read_text(path: Path) -> str:
    """A file's text: UTF-8, or Latin-1 for the few files with a stray Latin-1 byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _title_and_body(text: str) -> tuple[str, str]:
    """A reference corpus article's title (line 1) and the rest, its body."""
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


def rouge_scores(references: list[str], outputs: list[str]) -> np.ndarray:
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
