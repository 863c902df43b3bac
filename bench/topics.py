"""Topic matching figures per labelled corpus: the method leave-one-corpus-out and in-sample,
beside two baselines, with a paired bootstrap, the figures under fixed weightings (a gain counts
when it holds on every one) and store-size scenarios; and the model's fit.

    python bench/topics.py                      # every corpus of bench/labels/ found here
    python bench/topics.py --fit                # refit on all of them, write the model file
    python bench/topics.py --seeds              # ../shared/seeds: which seeds match
    python bench/topics.py --cache /tmp/vectors # keep the corpora's vectors between runs
    python bench/topics.py --errors             # and list each LOCO entity-topic error
    python bench/topics.py --model PATH         # another sentence encoder (a local directory)
    python bench/topics.py --precision auto     # the encoder as the bot runs it (default float32)

Corpora: `bench/labels/<corpus>.json` (format: bench/labels/README.md); their articles are in
../shared (the default `--shared`, beside the repository) or, for `fixtures`, in the repository.
A corpus whose folder is missing is skipped. Figures: entity-topic P/R/F1 pooled over
(topic, article) pairs and category macro-F1 (summarizer/topics/evaluation.py says how each is
made).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import sys
import time
from pathlib import Path
from typing import get_args

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.runtime import configure_process  # noqa: E402
from summarizer.defaults import Precision  # noqa: E402
from summarizer.encoder import SentenceEncoder  # noqa: E402
from summarizer.text import passage_pieces, split_sentences, title_passage  # noqa: E402
from summarizer.topics.aboutness import MODEL_FILE, AboutnessModel  # noqa: E402
from summarizer.topics.evaluation import (  # noqa: E402
    CorpusScore,
    LabelledCorpus,
    TopicEvidence,
    candidates_of,
    choose_cosine_cut,
    choose_keyword_counts,
    gather,
    keyword_predictions,
    load_corpus,
    method_predictions,
    nearest_predictions,
    paired_bootstrap,
    score,
)
from summarizer.topics.fitting import POSITIVE_WEIGHTS, fit_model  # noqa: E402
from summarizer.topics.matcher import TopicMatcher  # noqa: E402
from summarizer.topics.passages import TopicCandidate  # noqa: E402

SHARED = REPO.parent / "shared"
LABELS = REPO / "bench" / "labels"
STORE_SIZES = (1, 2, 5, 20)
FIXED_WEIGHTS = (1.0, 2.0, 3.0)  # the "about" pairs' weights of the robustness rows
SEED_TOPICS = ("russia", "kazakhstan", "north korea", "china")
_BYLINE = re.compile(r"^\*by [^*]+\*\s*$", re.IGNORECASE)


def load_corpora(shared: Path) -> list[LabelledCorpus]:
    corpora = []
    for label_file in sorted(LABELS.glob("*.json")):
        corpus = load_corpus(label_file, shared, REPO)
        if corpus is None:
            print(f"{label_file.name}: its articles are not in {shared}; skipped")
        else:
            corpora.append(corpus)
    return corpora


def embedded(
    matcher: TopicMatcher, corpus: LabelledCorpus, cache: Path | None
) -> list[TopicCandidate]:
    """The corpus's candidates, their vectors read from / written to `cache` when given.

    The cached file is named by the encoder (`model_key`) and by what it is fed (`_layout_digest`),
    so a change to the sentence splitter or to the passages embeds the corpus afresh, and by the
    precision the encoder computes in."""
    key = f"{matcher.model_key.replace(':', '_')}.{matcher.encoder.precision}"
    file = cache / f"{corpus.name}.{key}.{_layout_digest(corpus)}.pkl" if cache else None
    if file and file.exists():
        vectors = pickle.loads(file.read_bytes())
        if len(vectors) == len(corpus.articles):
            return [
                TopicCandidate(i, title, body, v)
                for i, ((_, title, body), v) in enumerate(
                    zip(corpus.articles, vectors, strict=True)
                )
            ]
    started = time.perf_counter()
    candidates = candidates_of(matcher, corpus)
    seconds = time.perf_counter() - started
    print(f"{corpus.name}: embedded {len(candidates)} articles in {seconds:.0f} s")
    if file:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(pickle.dumps([c.passage_vectors for c in candidates]))
    return candidates


def _layout_digest(corpus: LabelledCorpus) -> str:
    """A digest of the pieces the corpus's articles are embedded as (titles, sentence pieces,
    passages): what the vectors depend on besides the encoder."""
    layout = hashlib.sha1()
    for _, title, body in corpus.articles:
        layout.update(repr((title_passage(title), passage_pieces(split_sentences(body)))).encode())
    return layout.hexdigest()[:12]


def _figures(result: CorpusScore) -> str:
    entity = (
        f"P {result.entity_precision:4.2f} R {result.entity_recall:4.2f} F1 {result.entity_f1:5.3f}"
        if result.entity_f1 == result.entity_f1
        else f"{'—':^22}"
    )
    category = (
        f"{result.category_macro_f1:5.3f}"
        if result.category_macro_f1 == result.category_macro_f1
        else "  —  "
    )
    return f"{entity} | {category}"


def bench(
    matcher: TopicMatcher,
    corpora: list[LabelledCorpus],
    cache: Path | None,
    *,
    errors: bool = False,
) -> None:
    items: dict[str, list[TopicEvidence]] = {}
    candidates: dict[str, list[TopicCandidate]] = {}
    for corpus in corpora:
        candidates[corpus.name] = embedded(matcher, corpus, cache)
        items[corpus.name] = gather(matcher, corpus, candidates[corpus.name])
    every = [i for mine in items.values() for i in mine]
    in_sample, _ = fit_model(every)
    print(f"\n{'corpus':9} {'method':22} {'entity topics':^26} | category macro-F1\n{'-' * 75}")
    for corpus in corpora:
        held_out = items[corpus.name]
        others = [i for i in every if i.corpus != corpus.name]
        loco, weights = fit_model(others) if len(corpora) > 1 else (in_sample, {})
        k = choose_keyword_counts(others or every)
        cut = choose_cosine_cut(others or every)
        rows = {
            "aboutness, LOCO": method_predictions(loco, held_out),
            "aboutness, in-sample": method_predictions(in_sample, held_out),
            f"keyword ≥ {k['entity']} / {k['category']} times": keyword_predictions(held_out, k),
            f"nearest cat. / cos≥{cut:.2f}": nearest_predictions(held_out, cut),
        }
        for label, predictions in rows.items():
            print(f"{corpus.name:9} {label:22} {_figures(score(held_out, predictions))}")
        loco_predictions = rows["aboutness, LOCO"]
        for kind in ("entity", "category"):
            if not any(i.topic.kind == kind for i in held_out):
                continue
            for name, baseline in list(rows.items())[2:]:
                share, low = paired_bootstrap(held_out, loco_predictions, baseline, kind=kind)
                print(
                    f"{'':9} bootstrap {kind:8} LOCO > {name}: in {100 * share:.0f}% of "
                    f"1000 resamples; difference ≥ {low:+.3f} in 97.5%"
                )
        per_topic = score(held_out, loco_predictions).per_topic
        print(f"{'':9} LOCO per topic: " + ", ".join(f"{t} {f:.2f}" for t, f in per_topic.items()))
        print(f"{'':9} LOCO positive weights: {weights}")
        if errors:
            print_errors(corpus, held_out, loco)
    if len(corpora) > 1:
        fixed_weights(corpora, items)
    store_sizes(matcher, corpora, candidates)


def fixed_weights(corpora: list[LabelledCorpus], items: dict[str, list[TopicEvidence]]) -> None:
    """The leave-one-corpus-out figures with the "about" pairs' weight fixed instead of chosen
    on the other corpora: that choice can turn on a few thousandths of their F1 and move a
    held-out figure by 0.06, so a change counts as a gain when it holds on every row here."""
    every = [i for mine in items.values() for i in mine]
    print(f"\nLOCO entity F1 / category macro-F1 by weighting: {', '.join(items)}")
    for weights in (POSITIVE_WEIGHTS, *((w,) for w in FIXED_WEIGHTS)):
        figures = []
        for corpus in corpora:
            loco, _ = fit_model([i for i in every if i.corpus != corpus.name], weights)
            result = score(items[corpus.name], method_predictions(loco, items[corpus.name]))
            figures.append(
                "/".join(
                    f"{figure:.3f}" if figure == figure else "—"  # NaN: no topic of that kind
                    for figure in (result.entity_f1, result.category_macro_f1)
                )
            )
        label = "chosen" if len(weights) > 1 else f"fixed {weights[0]:g}"
        print(f"{label:9} {', '.join(figures)}")


def print_errors(corpus: LabelledCorpus, items: list[TopicEvidence], model: AboutnessModel) -> None:
    """The entity-topic pairs `model` gets wrong on `corpus`: false positives (FP) and
    negatives (FN), each with its label, the route that judged it, P(about) and the headline."""
    for item in items:
        if item.topic.kind != "entity":
            continue
        evidence = item.evidence
        probability, named = evidence.probability(model), evidence.named
        for row in np.flatnonzero((probability >= model.cut) != item.about):
            stem, title, _ = corpus.articles[row]
            label = (
                "about" if item.about[row] else "passing" if stem in item.topic.passing else "none"
            )
            route = (
                "category"
                if evidence.as_category[row]
                else "entity"
                if named[row]
                else "unnamed"
                if evidence.writes_a_word[row]
                else "no word"
            )
            print(
                f"{'':9} {'FN' if item.about[row] else 'FP'} {item.topic.name:18.18} "
                f"{stem[:20]:20} {label:7} {route:8} P {probability[row]:.2f}  {title[:60]}"
            )


def store_sizes(
    matcher: TopicMatcher,
    corpora: list[LabelledCorpus],
    candidates: dict[str, list[TopicCandidate]],
) -> None:
    """Every labelled topic matched over stores of 1, 2, 5, 20 articles and all of them: the
    verdicts (which articles match) must be the same."""
    print(
        f"\nstore sizes {', '.join(map(str, STORE_SIZES))}, all: verdicts against the whole corpus"
    )
    for corpus in corpora:
        everything = candidates[corpus.name]
        differing = total = 0
        for topic in corpus.topics:
            whole = {m.id for m in matcher.match(topic.name, everything)}
            for size in STORE_SIZES:
                parts = [everything[i : i + size] for i in range(0, len(everything), size)]
                found = {m.id for part in parts for m in matcher.match(topic.name, part)}
                differing += len(found ^ whole)
                total += len(everything)
        print(
            f"{corpus.name:9} {len(corpus.topics)} topics × {len(STORE_SIZES)} store sizes: "
            f"{differing} of {total} verdicts differ from the whole-corpus store"
        )


def fit_and_write(matcher: TopicMatcher, corpora: list[LabelledCorpus], cache: Path | None) -> None:
    every = [i for c in corpora for i in gather(matcher, c, embedded(matcher, c, cache))]
    model, weights = fit_model(every)
    fitted = {
        "about": (
            "Aboutness model (summarizer/topics/aboutness.py), fitted by "
            "`python bench/topics.py --fit` on the labelled corpora listed; "
            "P(about) >= 0.5 is the cut."
        ),
        "fitted_on": {c.name: len(c.articles) for c in corpora},
        "positive_weight": weights,
        "entity": model.entity.to_dict(),
        "unnamed": model.unnamed.to_dict(),
        "category": model.category.to_dict(),
    }
    MODEL_FILE.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(REPO)}: {json.dumps(fitted, indent=2)}")


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


def bench_seeds(matcher: TopicMatcher, directory: Path) -> None:
    seeds = load_seeds(directory)
    vectors = matcher.vectors_many([(title, text) for _, title, text in seeds])
    candidates = [
        TopicCandidate(i, title, text, v)
        for i, ((_, title, text), v) in enumerate(zip(seeds, vectors, strict=True))
    ]
    for topic in SEED_TOPICS:
        probability = matcher.probabilities(topic, candidates)
        found = ", ".join(
            f"{seeds[i][0]} ({p:.2f})" for i, p in enumerate(probability) if p >= matcher.model.cut
        )
        print(f"{topic:12} → {found or 'none'}")


def main() -> None:
    configure_process()  # the bot's thread spin, so the figures are the bot's
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder")
    parser.add_argument("--cache", type=Path, help="folder keeping the corpora's vectors")
    parser.add_argument("--fit", action="store_true", help="refit and write the model file")
    parser.add_argument("--seeds", action="store_true", help="match the seed articles instead")
    parser.add_argument(
        "--errors", action="store_true", help="list each LOCO entity-topic error per corpus"
    )
    parser.add_argument(
        "--model", default="default", help="sentence encoder: id or local path (default: MiniLM)"
    )
    parser.add_argument(
        "--precision",
        choices=get_args(Precision),
        default="float32",
        help="the encoder's: the figures and the shipped model are float32's; auto takes "
        "bfloat16 where the CPU has AMX, as the bot does",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    encoder = SentenceEncoder(args.model, precision=args.precision)
    if args.fit:  # the file being refitted need not hold a usable model
        matcher = TopicMatcher(encoder, model=_placeholder_model())
    else:
        matcher = TopicMatcher(encoder)
    matcher.kinds.embed_categories()
    print(f"model {matcher.model_key} loaded in {time.perf_counter() - started:.1f} s")
    if args.seeds:
        bench_seeds(matcher, args.shared / "seeds")
        return
    corpora = load_corpora(args.shared)
    if args.fit:
        fit_and_write(matcher, corpora, args.cache)
    else:
        bench(matcher, corpora, args.cache, errors=args.errors)


def _placeholder_model() -> AboutnessModel:
    """A model whose coefficients are all 0: evidence does not depend on it."""
    from summarizer.topics.aboutness import (
        CATEGORY_FEATURES,
        ENTITY_FEATURES,
        MEANING,
        LogisticModel,
    )

    return AboutnessModel(
        *(
            LogisticModel(features, np.zeros(len(features), dtype=np.float32), 0.0)
            for features in (ENTITY_FEATURES, MEANING, CATEGORY_FEATURES)
        )
    )


if __name__ == "__main__":
    main()
