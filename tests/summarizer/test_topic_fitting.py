"""Fitting the aboutness models on labelled evidence (`summarizer.topics.fitting`)."""

from __future__ import annotations

import numpy as np

from summarizer.topics.aboutness import CATEGORY_FEATURES, ENTITY_FEATURES, LEXICAL
from summarizer.topics.evaluation import LabelledTopic, TopicEvidence, method_predictions
from summarizer.topics.evidence import Evidence
from summarizer.topics.fitting import POSITIVE_WEIGHTS, _mean_f1, _weights, fit_model


def labelled(corpus: str, seed: int, articles: int = 60) -> TopicEvidence:
    """An entity topic over `articles`: half name it, and of those the ones naming it in the
    title are about it; the others are judged by meaning, about when it is high."""
    rng = np.random.default_rng(seed)
    evidence = Evidence.none(articles)
    evidence.has_vectors[:] = True
    evidence.writes_a_word[:] = True
    named = np.arange(articles) < articles // 2
    in_title = named & (rng.random(articles) < 0.5)
    meaning = rng.random((articles, 2)).astype(np.float32)
    evidence.entity[:, LEXICAL.index("named_in_title")] = in_title
    evidence.entity[:, LEXICAL.index("log_mentions")] = named * 1.0
    evidence.entity[:, len(LEXICAL) :] = meaning
    about = np.where(named, in_title, meaning[:, 0] > 0.8)
    zeros = np.zeros(articles)
    topic = LabelledTopic("topic", "entity", frozenset(), frozenset())
    return TopicEvidence(corpus, topic, evidence, about, zeros, zeros, zeros.astype(bool))


def labelled_category(corpus: str, seed: int, articles: int = 60) -> TopicEvidence:
    """A category topic over `articles`: about where it is the article's nearest category."""
    rng = np.random.default_rng(seed)
    evidence = Evidence.none(articles)
    evidence.has_vectors[:] = True
    evidence.as_category[:] = True
    first = rng.random(articles) < 0.3
    evidence.category[:, CATEGORY_FEATURES.index("category_rank")] = np.where(first, 1.0, 0.25)
    evidence.category[:, CATEGORY_FEATURES.index("article_cosine")] = rng.random(articles)
    zeros = np.zeros(articles)
    topic = LabelledTopic("sport", "category", frozenset(), frozenset())
    return TopicEvidence(corpus, topic, evidence, first, zeros, zeros, zeros.astype(bool))


def corpora() -> list[TopicEvidence]:
    return [
        labelled("one", 1),
        labelled("two", 2),
        labelled_category("one", 3),
        labelled_category("two", 4),
    ]


def test_the_fitted_models_learn_what_makes_an_article_about_the_topic() -> None:
    items = corpora()

    model, weights = fit_model(items)
    predicted = method_predictions(model, items)

    assert all((p == i.about).mean() >= 0.95 for p, i in zip(predicted, items, strict=True))
    assert set(weights) == {"entity", "unnamed", "category"}
    assert set(weights.values()) <= set(POSITIVE_WEIGHTS)
    assert model.entity.features == ENTITY_FEATURES
    assert model.category.features == CATEGORY_FEATURES


def test_a_single_weight_given_is_the_weight_of_every_model() -> None:
    _, weights = fit_model(corpora(), (3.0,))

    assert weights == {"entity": 3.0, "unnamed": 3.0, "category": 3.0}


def test_each_corpus_weighs_the_same_and_an_about_pair_its_weight_times_a_negative() -> None:
    owner = np.array(["big"] * 8 + ["small"] * 2)
    about = np.array([1, 0, 0, 0, 0, 0, 0, 0, 1, 0], dtype=float)

    weights = _weights(owner, about, 2.0)

    assert np.isclose(weights[owner == "big"].sum(), weights[owner == "small"].sum())
    assert np.isclose(weights[0], 2 * weights[1]) and np.isclose(weights[8], 2 * weights[9])
    assert np.isclose(weights.sum(), len(owner))


def test_a_weight_is_chosen_for_f1_pooled_over_a_corpus_or_averaged_over_its_categories() -> None:
    """Entity topics are scored pooled per corpus; categories by macro-F1, so a small
    category missed entirely counts as much as a large one found."""
    owner = np.array(["one"] * 12 + ["two"] * 2)
    topic = np.array(["one/large"] * 10 + ["one/small"] * 2 + ["two/any"] * 2)
    gold = np.array([True] * 5 + [False] * 5 + [True, False] + [True, False])
    predicted = np.array([True] * 5 + [False] * 5 + [False, False] + [True, False])

    pooled = _mean_f1(predicted, gold, owner, owner)
    per_category = _mean_f1(predicted, gold, owner, topic)

    assert np.isclose(pooled, (10 / 11 + 1.0) / 2)
    assert np.isclose(per_category, ((1.0 + 0.0) / 2 + 1.0) / 2)


def test_a_sports_labels_measure_the_category_model_but_do_not_fit_it() -> None:
    sport = labelled_category("one", 5)
    football = TopicEvidence(
        sport.corpus,
        LabelledTopic("football", "category", frozenset(), frozenset(), "sport"),
        sport.evidence,
        ~sport.about,  # labels that would turn the model round, were they fitted
        sport.keyword_count,
        sport.topic_cosine,
        sport.nearest_category,
    )

    alone, _ = fit_model(corpora())
    with_sport, _ = fit_model([*corpora(), football])

    assert np.array_equal(alone.category.coefficients, with_sport.category.coefficients)
