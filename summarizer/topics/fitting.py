"""Fitting the aboutness models (`summarizer.topics.aboutness`) on labelled corpora.

A weighted logistic regression per model (entity, unnamed, category) by Newton's method with a
small ridge; each corpus weighs the same, and the "about" pairs weigh `positive_weight` times
their number, chosen among `POSITIVE_WEIGHTS` for F1 on the fitted corpora as the figures
report it: pooled over an entity route's pairs, the mean over the topics (macro-F1) for the
categories (`summarizer.topics.evaluation` gathers the evidence and scores the result).
"""

from __future__ import annotations

import numpy as np

from summarizer.topics.aboutness import (
    ABOUT,
    CATEGORY_FEATURES,
    ENTITY_FEATURES,
    MEANING,
    AboutnessModel,
    LogisticModel,
)
from summarizer.topics.evaluation import TopicEvidence, f1_score

POSITIVE_WEIGHTS = (1.0, 2.0, 3.0, 4.0, 6.0)
RIDGE = 0.01


def fit_model(
    items: list[TopicEvidence], positive_weights: tuple[float, ...] = POSITIVE_WEIGHTS
) -> tuple[AboutnessModel, dict[str, float]]:
    """The three models fitted on `items`, each with its positive weight chosen among
    `positive_weights` for F1 there (one weight given: that weight)."""
    fitted = {
        route: _fit_route(items, route, positive_weights)
        for route in ("entity", "unnamed", "category")
    }
    model = AboutnessModel(*(model for model, _ in fitted.values()))
    return model, {route: weight for route, (_, weight) in fitted.items()}


def _fit_route(
    items: list[TopicEvidence], route: str, positive_weights: tuple[float, ...]
) -> tuple[LogisticModel, float]:
    """The logistic model of one route (entity, unnamed, category), fitted on the pairs it
    judges (`Evidence.probability`); the unnamed one on every article not naming the topic,
    those writing none of its words too (`Evidence.writes_a_word`), which it does not judge:
    fitted on those it judges only, it chose a positive weight of 6 and lost 0.06 of CNN/DM's
    held-out entity F1 (docs/benchmarks.md). A sport's labels are left out: a sport is judged
    by the sport section's model (`Evidence.outranked`), which they measure but do not fit."""
    features = {"entity": ENTITY_FEATURES, "unnamed": MEANING, "category": CATEGORY_FEATURES}[route]
    rows, gold, corpus, topic = [], [], [], []
    for item in items:
        if item.topic.type == "sport":
            continue
        evidence = item.evidence
        judged = evidence.has_vectors & (evidence.as_category == (route == "category"))
        if route != "category":
            judged &= evidence.named == (route == "entity")
        matrix = evidence.category if route == "category" else evidence.entity
        rows.append(matrix[judged][:, -len(features) :])
        gold.append(item.about[judged])
        corpus += [item.corpus] * int(judged.sum())
        topic += [f"{item.corpus}/{item.topic.name}"] * int(judged.sum())
    x, y, owner = np.concatenate(rows), np.concatenate(gold).astype(float), np.array(corpus)
    scored = np.array(topic) if route == "category" else owner
    best: tuple[float, LogisticModel, float] | None = None
    for weight in positive_weights:
        model = LogisticModel(features, *_logistic(x, y, _weights(owner, y, weight)))
        predicted = model.probability(x) >= ABOUT
        f1 = _mean_f1(predicted, y > 0, owner, scored)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, model, weight)
    assert best is not None
    return best[1], best[2]


def _mean_f1(
    predicted: np.ndarray, gold: np.ndarray, owner: np.ndarray, scored: np.ndarray
) -> float:
    """F1 as the figures report it: per corpus (`owner`) the mean over its `scored` groups
    (pooled for entity topics: one group per corpus; per topic for the categories, their
    macro-F1), then the mean over the corpora."""
    return float(
        np.mean(
            [
                np.mean(
                    [
                        f1_score(predicted[scored == g], gold[scored == g])
                        for g in set(scored[owner == c])
                    ]
                )
                for c in set(owner)
            ]
        )
    )


def _weights(owner: np.ndarray, y: np.ndarray, positive_weight: float) -> np.ndarray:
    """Each corpus the same total weight; an about pair `positive_weight` times a negative."""
    weights = np.where(y > 0, positive_weight, 1.0)
    for corpus in set(owner):
        mine = owner == corpus
        weights[mine] /= weights[mine].sum()
    return weights * len(y) / weights.sum()


def _logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted ridge logistic regression by Newton's method: (coefficients, intercept)."""
    design = np.c_[x.astype(float), np.ones(len(x))]
    ridge = RIDGE * np.diag(np.r_[np.ones(x.shape[1]), 0.0])
    beta = np.zeros(design.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (w * (p - y)) + ridge @ beta
        hessian = (design * (w * p * (1 - p))[:, None]).T @ design + ridge
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1].astype(np.float32), float(beta[-1])
