"""The topic query syntax: phrases, OR, exclusions, and topics that ask for nothing."""

from __future__ import annotations

import pytest

from summarizer.topics.query import TopicQuery, parse_topic_query


@pytest.mark.parametrize(
    ("topic", "query"),
    [
        ("russia", TopicQuery(("russia",))),
        ("north korea", TopicQuery(("north korea",))),
        ("china -taiwan", TopicQuery(("china",), ("taiwan",))),
        ("china -hong kong -taiwan", TopicQuery(("china",), ("hong kong", "taiwan"))),
        ("russia OR ukraine", TopicQuery(("russia", "ukraine"))),
        ("russia or north korea -crimea", TopicQuery(("russia", "north korea"), ("crimea",))),
        ("north-korea - sanctions", TopicQuery(("north-korea",), ("sanctions",))),
    ],
)
def test_a_topic_states_phrases_to_find_and_phrases_to_leave_out(topic, query):
    assert parse_topic_query(topic) == query


@pytest.mark.parametrize("topic", ["", "-taiwan", "russia OR", "OR ukraine", "- -"])
def test_a_topic_that_wants_nothing_is_refused(topic):
    with pytest.raises(ValueError, match="asks for nothing to match"):
        parse_topic_query(topic)
