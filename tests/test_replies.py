"""Reply texts: the /topics overview."""

from __future__ import annotations

from bot.replies import topics_overview


def test_topics_overview_lists_each_subject_with_its_count_escaped():
    text = topics_overview([("russia", 12), ("at&t", 1)], days=7)

    assert "<b>Subjects of the last 7 days</b>" in text
    assert "• <b>russia</b> — 12 articles" in text
    assert "• <b>at&amp;t</b> — 1 article\n" in text
    assert "/digest russia" in text


def test_topics_overview_of_an_empty_period_says_how_to_add_articles():
    text = topics_overview([], days=3)

    assert "No articles from the last 3 days" in text and ".txt" in text
