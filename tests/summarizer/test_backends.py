"""Specification of choosing a summarizer backend by name."""

from __future__ import annotations

import pytest

from summarizer.abstractive import DEFAULT_SEQ2SEQ_MODEL, Seq2SeqSummarizer
from summarizer.backends import load_summarizer
from summarizer.encoder import SentenceEncoder
from summarizer.extractive import ExtractiveSummarizer
from summarizer.instruct import InstructSummarizer


def test_extractive_uses_the_given_encoder_and_ignores_the_model() -> None:
    summarizer = load_summarizer(
        "extractive", model="ignored/model", encoder=SentenceEncoder(), sentences=3
    )

    assert isinstance(summarizer, ExtractiveSummarizer)
    assert summarizer.model_key.startswith("extractive:all-MiniLM-L6-v2:s3:")


def test_seq2seq_defaults_to_distilbart_and_loads_nothing_until_used() -> None:
    summarizer = load_summarizer("seq2seq", model=None, encoder=SentenceEncoder())

    assert isinstance(summarizer, Seq2SeqSummarizer)
    assert summarizer.model == DEFAULT_SEQ2SEQ_MODEL
    assert summarizer.model_key == "seq2seq:distilbart-cnn-12-6:b2:t160:guarded"
    assert isinstance(summarizer.fallback, ExtractiveSummarizer)


def test_instruct_needs_a_model_and_falls_back_to_extractive_summaries() -> None:
    summarizer = load_summarizer("instruct", model="org/chat-model", encoder=SentenceEncoder())

    assert isinstance(summarizer, InstructSummarizer)
    assert summarizer.model_key.startswith("instruct:chat-model:t160:")
    assert isinstance(summarizer.fallback, ExtractiveSummarizer)
    with pytest.raises(ValueError, match="summarizer_model"):
        load_summarizer("instruct", model=None, encoder=SentenceEncoder())


def test_an_unknown_backend_is_refused_with_the_valid_names() -> None:
    with pytest.raises(ValueError, match="extractive, seq2seq"):
        load_summarizer("gpt", model=None, encoder=SentenceEncoder())
