"""Topic queries: the small syntax a user types after /digest and /subscribe.

    russia                  one word
    north korea             several words: one phrase, its words adjacent and in order
    china -taiwan           leave out the articles substantially about taiwan; each "-" starts an
                            excluded phrase that runs to the next "-" or OR ("-hong kong")
    russia OR ukraine       the articles about either (OR in any case)

Exclusions apply to the whole query ("russia OR ukraine -crimea"). Every phrase is matched by
`TopicMatcher.match`, so "substantially about" means the same for an excluded phrase as for a
wanted one: a passing mention of Taiwan does not drop a China article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OR = "or"
_EXCLUDE = "-"
_WORD = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class TopicQuery:
    """An article matches when it is about any of `phrases` and about none of `excluded`."""

    phrases: tuple[str, ...]
    excluded: tuple[str, ...] = ()


def parse_topic_query(topic: str) -> TopicQuery:
    """The query a topic text states; ValueError (naming the syntax) when it wants nothing."""
    phrases: list[list[str]] = [[]]
    excluded: list[list[str]] = []
    current = phrases[-1]
    for token in topic.split():
        if token.lower() == _OR:
            phrases.append([])
            current = phrases[-1]
        elif token.startswith(_EXCLUDE):
            excluded.append([])
            current = excluded[-1]
            word = token.lstrip(_EXCLUDE)
            if _WORD.search(word):
                current.append(word)
        elif _WORD.search(token):
            current.append(token)
    wanted = tuple(" ".join(words) for words in phrases if words)
    if len(wanted) != len(phrases) or not wanted:
        raise ValueError("This topic asks for nothing to match.")
    return TopicQuery(wanted, tuple(" ".join(words) for words in excluded if words))
