"""Measuring topic matching on labelled corpora: the evidence, the scores, the baselines.

Labels are `bench/labels/<corpus>.json` (format: bench/labels/README.md): per topic the articles
a reader who asked for it wants ("about"), those that name it in passing, the rest none. About is
positive; passing and none are negative. Per corpus:

- entity topics: precision, recall and F1 pooled over all (topic, article) pairs;
- category topics: the mean over topics of each one's F1 (macro-F1).

Fitting the aboutness models on these corpora: `summarizer.topics.fitting`. Leave-one-corpus-out
fits on the other corpora and scores the held-out one.

Baselines, with their one constant chosen on the fitted corpora too:
- keyword count: the topic (stemmed, as `summarizer.topics.names` without other names) written
  at least k times;
- nearest category on the same encoder: a section takes the articles nearer its name than
  every other section name of the corpus, a sport those of the sport section nearer its name
  than the corpus's other sports; an entity takes the articles whose cosine to its query
  reaches a cut.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from summarizer.defaults import SPORTS_CATEGORY
from summarizer.topics.aboutness import AboutnessModel
from summarizer.topics.evidence import Evidence
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.names import TopicNames, count_mentions, topic_names
from summarizer.topics.passages import TopicCandidate

KEYWORD_COUNTS = tuple(range(1, 11))
COSINE_CUTS = tuple(np.round(np.arange(0.1, 0.7, 0.01), 2))


@dataclass(frozen=True)
class LabelledTopic:
    name: str
    kind: str  # entity | category
    about: frozenset[str]
    passing: frozenset[str]
    type: str = ""  # of a category: section, or sport (one sport of the sport section)


@dataclass(frozen=True)
class LabelledCorpus:
    """A corpus's articles (file stem, title, body) and its labelled topics."""

    name: str
    articles: list[tuple[str, str, str]]
    topics: list[LabelledTopic]


@dataclass
class TopicEvidence:
    """One labelled topic over its corpus: what the matcher reads, the gold labels, and what
    the baselines need."""

    corpus: str
    topic: LabelledTopic
    evidence: Evidence
    about: np.ndarray  # gold, per article
    keyword_count: np.ndarray  # times the topic itself is written
    topic_cosine: np.ndarray  # the article vector's cosine to the topic query
    nearest_category: np.ndarray  # category topics: is it the article's nearest category name


def load_corpus(label_file: Path, shared: Path, repo: Path) -> LabelledCorpus | None:
    """The corpus a label file describes; None when its folder is not here (shared data)."""
    labels = json.loads(label_file.read_text(encoding="utf-8"))
    folder = labels["articles"]
    directory = repo / folder if folder.startswith("tests/") else shared / folder
    if not directory.is_dir():
        return None
    articles = read_articles(directory)
    topics = [
        LabelledTopic(
            name, t["kind"], frozenset(t["about"]), frozenset(t.get("passing", ())), t["type"]
        )
        for name, t in labels["topics"].items()
    ]
    return LabelledCorpus(labels["corpus"], articles, topics)


def read_articles(directory: Path) -> list[tuple[str, str, str]]:
    """(name, headline, body) of every `<name>_<n>.txt` in `directory`, sorted by name: line 1
    is the headline; UTF-8, else Latin-1."""
    articles = []
    for path in sorted(directory.glob("*_*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        headline, _, body = text.partition("\n")
        articles.append((path.stem, headline.strip(), body.strip()))
    return articles


def candidates_of(matcher: TopicMatcher, corpus: LabelledCorpus) -> list[TopicCandidate]:
    """The corpus's articles as match candidates (id = index), embedded in one batch."""
    vectors = matcher.vectors_many([(title, body) for _, title, body in corpus.articles])
    return [
        TopicCandidate(i, title, body, v)
        for i, ((_, title, body), v) in enumerate(zip(corpus.articles, vectors, strict=True))
    ]


def gather(
    matcher: TopicMatcher, corpus: LabelledCorpus, candidates: list[TopicCandidate]
) -> list[TopicEvidence]:
    """The evidence of every labelled topic of `corpus` over all its articles."""
    stems = [stem for stem, _, _ in corpus.articles]
    article_vectors = matcher.passage_matrix(candidates).article_vectors
    nearest = _nearest_categories(corpus, article_vectors, matcher.query_vector)
    gathered = []
    for topic in corpus.topics:
        itself = _only_the_topic(topic_names(topic.name))
        gathered.append(
            TopicEvidence(
                corpus=corpus.name,
                topic=topic,
                evidence=matcher.evidence(topic.name, candidates),
                about=np.array([s in topic.about for s in stems]),
                keyword_count=np.array(
                    [
                        sum(count_mentions(itself, [title, body]))
                        for _, title, body in corpus.articles
                    ]
                ),
                topic_cosine=article_vectors @ matcher.query_vector(topic.name),
                nearest_category=nearest.get(topic.name, np.zeros(len(stems), dtype=bool)),
            )
        )
    return gathered


def _nearest_categories(
    corpus: LabelledCorpus, article_vectors: np.ndarray, query_vector
) -> dict[str, np.ndarray]:
    """Per category topic of `corpus`, the nearest-category baseline's verdicts: the articles
    nearer its name than every other section name of the corpus; for a sport, those whose
    nearest section is sport and nearest sport (of the corpus's) is it."""
    nearest: dict[str, np.ndarray] = {}
    for kind in ("section", "sport"):
        names = [t.name for t in corpus.topics if t.kind == "category" and t.type == kind]
        if names:
            cosines = np.stack([article_vectors @ query_vector(name) for name in names])
            closest = np.argmax(cosines, axis=0)
            nearest |= {name: closest == i for i, name in enumerate(names)}
    in_sport = nearest.get(SPORTS_CATEGORY, np.zeros(len(article_vectors), dtype=bool))
    for topic in corpus.topics:
        if topic.kind == "category" and topic.type == "sport":
            nearest[topic.name] = nearest[topic.name] & in_sport
    return nearest


def _only_the_topic(names: TopicNames) -> TopicNames:
    return TopicNames(names.topic, (names.topic,), (), None, None)


@dataclass(frozen=True)
class CorpusScore:
    """Entity P/R/F1 pooled over (topic, article) pairs; category macro-F1 and per topic."""

    entity_precision: float
    entity_recall: float
    entity_f1: float
    category_macro_f1: float
    per_topic: dict[str, float]


def score(items: list[TopicEvidence], predictions: list[np.ndarray]) -> CorpusScore:
    """The scores of `predictions` (one boolean array per item) against the gold labels."""
    entity = [
        (p, i.about) for i, p in zip(items, predictions, strict=True) if i.topic.kind == "entity"
    ]
    per_topic = {
        i.topic.name: f1_score(p, i.about) for i, p in zip(items, predictions, strict=True)
    }
    categories = [per_topic[i.topic.name] for i in items if i.topic.kind == "category"]
    if entity:
        predicted = np.concatenate([p for p, _ in entity])
        gold = np.concatenate([g for _, g in entity])
        precision, recall, f1 = _prf(predicted, gold)
    else:
        precision = recall = f1 = float("nan")
    macro = float(np.mean(categories)) if categories else float("nan")
    return CorpusScore(precision, recall, f1, macro, per_topic)


def method_predictions(model: AboutnessModel, items: list[TopicEvidence]) -> list[np.ndarray]:
    return [item.evidence.probability(model) >= model.cut for item in items]


def keyword_predictions(items: list[TopicEvidence], k: dict[str, int]) -> list[np.ndarray]:
    """Named at least k[kind] times."""
    return [item.keyword_count >= k[item.topic.kind] for item in items]


def nearest_predictions(items: list[TopicEvidence], cut: float) -> list[np.ndarray]:
    return [
        item.nearest_category if item.topic.kind == "category" else item.topic_cosine >= cut
        for item in items
    ]


def choose_keyword_counts(items: list[TopicEvidence]) -> dict[str, int]:
    """Per kind, the k (times named) with the best F1 of that kind on `items`."""
    chosen = {}
    for kind in ("entity", "category"):
        mine = [i for i in items if i.topic.kind == kind]
        chosen[kind] = max(
            KEYWORD_COUNTS, key=lambda k: _overall(mine, [i.keyword_count >= k for i in mine])
        )
    return chosen


def choose_cosine_cut(items: list[TopicEvidence]) -> float:
    """The entity cosine cut with the best entity F1 on `items`."""
    return max(COSINE_CUTS, key=lambda c: _overall(items, nearest_predictions(items, c)))


def _overall(items: list[TopicEvidence], predictions: list[np.ndarray]) -> float:
    """Mean over corpora of entity F1 and category macro-F1 (the ones each corpus has)."""
    figures = []
    for corpus in sorted({i.corpus for i in items}):
        mine = [(i, p) for i, p in zip(items, predictions, strict=True) if i.corpus == corpus]
        result = score([i for i, _ in mine], [p for _, p in mine])
        figures += [f for f in (result.entity_f1, result.category_macro_f1) if f == f]
    return float(np.mean(figures))


def paired_bootstrap(
    items: list[TopicEvidence],
    first: list[np.ndarray],
    second: list[np.ndarray],
    *,
    kind: str,
    samples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """Resampling the corpus's articles: the share of samples where `first` scores above
    `second` (entity F1 or category macro-F1, by `kind`), and the 2.5th percentile of the
    difference."""
    rng = np.random.default_rng(seed)
    count = len(items[0].about)
    chosen = [i for i, item in enumerate(items) if item.topic.kind == kind]
    differences = []
    for _ in range(samples):
        draw = rng.integers(0, count, count)
        a = _kind_figure([items[i] for i in chosen], [first[i][draw] for i in chosen], draw, kind)
        b = _kind_figure([items[i] for i in chosen], [second[i][draw] for i in chosen], draw, kind)
        differences.append(a - b)
    differences = np.array(differences)
    return float((differences > 0).mean()), float(np.percentile(differences, 2.5))


def _kind_figure(items, predictions, draw, kind: str) -> float:
    if kind == "entity":
        predicted = np.concatenate(predictions)
        gold = np.concatenate([item.about[draw] for item in items])
        return _prf(predicted, gold)[2]
    return float(
        np.mean([f1_score(p, item.about[draw]) for item, p in zip(items, predictions, strict=True)])
    )


def _prf(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    hits = int((predicted & gold).sum())
    precision = hits / int(predicted.sum()) if predicted.any() else 0.0
    recall = hits / int(gold.sum()) if gold.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def f1_score(predicted: np.ndarray, gold: np.ndarray) -> float:
    """F1 of boolean `predicted` against boolean `gold`."""
    return _prf(np.asarray(predicted, dtype=bool), np.asarray(gold, dtype=bool))[2]
