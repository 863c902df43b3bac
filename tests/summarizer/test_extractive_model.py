"""The extractive summarizer with the real default encoder on a news-like article (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.encoder import SentenceEncoder
from summarizer.extractive import ExtractiveSummarizer
from summarizer.text import split_sentences

ARTICLE = (Path(__file__).parent / "data" / "port_strike.txt").read_text(encoding="utf-8")


@pytest.mark.model
def test_summarizes_a_news_article_with_its_own_sentences_and_its_lead() -> None:
    summarizer = ExtractiveSummarizer(SentenceEncoder(), sentences=4)

    picked = split_sentences(summarizer.summarize(ARTICLE))

    source = " ".join(ARTICLE.split())
    assert 3 <= len(picked) <= 5
    assert all(sentence in source for sentence in picked)
    assert any(
        sentence.startswith("Dock workers in the fictional port city") for sentence in picked
    )


@pytest.mark.model
def test_an_overview_of_prepared_summaries_is_the_overview_made_without_them() -> None:
    topics = Path(__file__).parents[1] / "fixtures" / "topics"
    texts = [path.read_text(encoding="utf-8") for path in sorted(topics.glob("*.txt"))[:40]]
    encoder = SentenceEncoder()
    summaries = ExtractiveSummarizer(encoder, sentences=3).summarize_many(texts)
    prepared = ExtractiveSummarizer(encoder, sentences=3)
    prepared.prepare_overview(summaries)  # one batch of every sentence, as the warm-up does

    for start in range(0, len(summaries), 5):
        five = summaries[start : start + 5]
        made = ExtractiveSummarizer(encoder, sentences=3).overview(five)  # encodes these alone
        assert prepared.overview(five) == made
