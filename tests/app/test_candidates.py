"""A period's topic candidates, carried over as the period moves."""

from __future__ import annotations

import numpy as np

from bot.app.candidates import _period_candidates, topic_candidates
from tests.app.digest_helpers import (
    FARMING,
    RUSSIA,
    add,
)


def test_a_moving_period_builds_only_its_new_candidates_and_article_rows(
    sqlite_store, fake_matcher
):
    articles = [add(sqlite_store, f"a{i}", f"{RUSSIA} Story {i}.") for i in range(3)]
    first = topic_candidates(sqlite_store, fake_matcher, articles)
    _, first_matrix = _period_candidates(sqlite_store, fake_matcher).article_matrix()
    articles = articles[1:] + [add(sqlite_store, "farm", FARMING)]

    moved = topic_candidates(sqlite_store, fake_matcher, articles)
    ids, matrix = _period_candidates(sqlite_store, fake_matcher).article_matrix()

    assert moved[:2] == first[1:] and all(a is b for a, b in zip(moved, first[1:], strict=False))
    assert ids.tolist() == [a.id for a in articles] and matrix.flags.c_contiguous
    means = np.stack([c.passage_vectors.mean(0) for c in moved])
    assert np.allclose(matrix, means / np.linalg.norm(means, axis=1, keepdims=True), atol=1e-6)
    assert np.array_equal(matrix[:2], first_matrix[1:])


def test_a_period_by_arrival_asked_in_between_leaves_the_dated_periods_candidates_as_they_were(
    sqlite_store, fake_matcher
):
    articles = [add(sqlite_store, f"a{i}", f"{RUSSIA} Story {i}.") for i in range(4)]
    week = topic_candidates(sqlite_store, fake_matcher, articles)

    pushed = topic_candidates(sqlite_store, fake_matcher, articles[3:], by_arrival=True)
    again = topic_candidates(sqlite_store, fake_matcher, articles)

    assert again is week and [c.id for c in pushed] == [articles[3].id]
