"""The topic matcher's knobs, as one frozen value with documented defaults."""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.defaults import NEWS_CATEGORIES


@dataclass(frozen=True)
class TopicSettings:
    """Tuning of `TopicMatcher` (see `summarizer.topics`). None of these knobs changes how the
    stored passage vectors are made, so they are not part of the matcher's model key: a changed
    knob takes effect at the next query, with nothing computed again."""

    # The broad categories a topic competes with (config: `topic_categories`).
    categories: tuple[str, ...] = NEWS_CATEGORIES
    # A topic's query vector is the unit mean of these texts' vectors.
    query_templates: tuple[str, ...] = ("{topic}", "news about {topic}")
    # A topic is of the categories' kind when it is one word of their vocabulary (their names,
    # phrases and `CATEGORY_WORDS`), no country's name, and its query comes this close to one
    # of theirs: "sport", "business" (1.0), "crime" (0.90), "technology" (0.80), "lifestyle" (0.79),
    # "entertainment" (0.57), not "russia" (0.51), "oil" (0.44), "grain" (0.29). A name of
    # several words ("federal reserve" 0.62) or outside the vocabulary ("iaaf", "conservatives",
    # "fifa": near sport or politics; "labour", 0.66 from "employment") is an entity. A category
    # word written as part of a name ("the World Cup", "BBC Sport") is no mention of it.
    category_kind_cosine: float = 0.55
    # A category whose query or one of whose description phrases (`CATEGORY_DESCRIPTIONS`) is
    # this close to the topic's query is the topic's own kind, not a competitor, and the topic
    # is read with its phrases ("employment" for "jobs"; "arts and culture" for "entertainment").
    category_synonym_cosine: float = 0.6

    def __post_init__(self) -> None:
        if not self.query_templates or any("{topic}" not in t for t in self.query_templates):
            raise ValueError(f"each query template needs {{topic}}, got {self.query_templates}")
