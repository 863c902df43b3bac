"""The decision: an article matches a phrase when P(about) reaches the model's cut, ranked by
it; a query's matches are those of any of its phrases and of none of its exclusions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summarizer.topics.passages import TopicCandidate


@dataclass(frozen=True)
class TopicMatch:
    """An article about the topic; relevance is P(about), at least the cut (0.5)."""

    id: int
    relevance: float


def best_first(
    candidates: list[TopicCandidate], probability: np.ndarray, cut: float
) -> list[TopicMatch]:
    """The candidates whose P(about) (`probability`, in their order) reaches `cut`, best
    first (then by id); picked out and ordered by array operations, so a large period is not
    walked in Python."""
    if len(probability) != len(candidates):
        raise ValueError(f"{len(probability)} probabilities for {len(candidates)} candidates")
    probability = np.asarray(probability)
    chosen = np.flatnonzero(probability.astype(np.float64) >= cut)
    relevance = [round(p, 4) for p in probability[chosen].tolist()]
    ids = [candidates[i].id for i in chosen.tolist()]
    order = np.lexsort((np.array(ids, dtype=np.int64), -np.array(relevance, dtype=np.float64)))
    return [TopicMatch(ids[k], relevance[k]) for k in order.tolist()]


def combine_query(
    wanted: list[list[TopicMatch]], excluded: list[list[TopicMatch]]
) -> list[TopicMatch]:
    """The articles matching any of the `wanted` phrases (relevance: the best of them) and
    none of the `excluded` ones, best first (then by id). A query of one phrase keeps its
    matches as they are (already in that order); the others are combined by array operations
    (an OR of two broad topics matches 40,000 of 100,000 articles)."""
    if len(wanted) == 1 and not excluded:
        return wanted[0]
    ids, relevance = _arrays([match for matches in wanted for match in matches])
    by_id = np.lexsort((-relevance, ids))  # each id's best relevance first among its own
    ids, relevance = ids[by_id], relevance[by_id]
    first = np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, dtype=bool)
    ids, relevance = ids[first], relevance[first]
    if excluded:
        dropped, _ = _arrays([match for matches in excluded for match in matches])
        kept = ~np.isin(ids, dropped)
        ids, relevance = ids[kept], relevance[kept]
    order = np.lexsort((ids, -relevance))
    return list(map(TopicMatch, ids[order].tolist(), relevance[order].tolist()))


def _arrays(matches: list[TopicMatch]) -> tuple[np.ndarray, np.ndarray]:
    """(ids, relevances) of `matches` as arrays."""
    ids = np.fromiter((m.id for m in matches), dtype=np.int64, count=len(matches))
    relevance = np.fromiter((m.relevance for m in matches), dtype=np.float64, count=len(matches))
    return ids, relevance
