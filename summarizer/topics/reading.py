"""How `TopicMatcher` reads the articles' naming evidence: only those a full-text index finds
naming the topic, when there is one."""

from __future__ import annotations

import numpy as np

from summarizer.topics.evidence import ArticlesNaming, NamingMemory, naming_evidence
from summarizer.topics.names import TopicNames
from summarizer.topics.passages import TopicCandidate


def indexed_naming_evidence(
    names: TopicNames,
    articles: list[TopicCandidate],
    ids: np.ndarray,
    articles_naming: ArticlesNaming | None,
    *,
    common_noun: bool,
    memory: NamingMemory | None,
) -> np.ndarray:
    """`naming_evidence` of `articles` (of these `ids`), reading only the ones the full-text
    index finds naming the topic: they are picked out by id in one array operation, so a period
    of 100,000 articles is not walked in Python for a name written in a few thousand. The
    others name it nowhere: their features stay 0, as `naming_evidence` leaves them."""
    if articles_naming is None:
        return naming_evidence(names, articles, common_noun=common_noun, memory=memory)
    indexed = articles_naming(names.search_terms)
    found = np.fromiter(indexed, dtype=np.int64, count=len(indexed))
    rows = np.flatnonzero(np.isin(ids, found))
    named = naming_evidence(
        names, [articles[row] for row in rows], common_noun=common_noun, memory=memory
    )
    lexical = np.zeros((len(articles), named.shape[1]), dtype=np.float32)
    lexical[rows] = named
    return lexical
