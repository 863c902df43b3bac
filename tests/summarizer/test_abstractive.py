"""Specification of the seq2seq backend, run through from_pretrained/generate on a tiny model.

The model (one-layer BART, 16 dimensions, random weights) and its word-level tokenizer are built
offline in a temporary directory, so the real loading and generation path runs in about a second.
Its output is gibberish; only the plumbing is under test.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from summarizer.abstractive import Seq2SeqSummarizer
from summarizer.backends import load_summarizer
from summarizer.errors import ModelLoadError
from tests.fakes import HashingEncoder

WINDOW = 48
WORDS = ["the", "council", "said", "river", "flood", "town", "houses", "water", "week", "report"]


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {token: i for i, token in enumerate([*specials, *WORDS, ".", ","])}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token="<s>",
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=WINDOW,
    )
    config = BartConfig(
        vocab_size=len(vocab),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=WINDOW,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("tiny-bart")
    BartForConditionalGeneration(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture
def generate_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batch sizes of every `generate` call the tiny model makes."""
    from transformers import BartForConditionalGeneration

    calls: list[int] = []
    real_generate = BartForConditionalGeneration.generate

    def spy(self, *args, **kwargs):
        calls.append(int(kwargs["input_ids"].shape[0]))
        return real_generate(self, *args, **kwargs)

    monkeypatch.setattr(BartForConditionalGeneration, "generate", spy)
    return calls


def _sentences(count: int) -> str:
    return " ".join(
        f"the {WORDS[i % len(WORDS)]} council said {WORDS[(i * 7) % len(WORDS)]} water ."
        for i in range(count)
    )


def test_loads_a_local_model_and_returns_a_string(
    tiny_model_dir: Path, generate_calls: list[int]
) -> None:
    summarizer = load_summarizer(
        "seq2seq", model=str(tiny_model_dir), encoder=None, max_new_tokens=8
    )

    summary = summarizer.summarize(_sentences(2))

    assert isinstance(summary, str)
    assert generate_calls == [1]


def test_a_long_text_is_summarized_by_chunks_then_again(
    tiny_model_dir: Path, generate_calls: list[int]
) -> None:
    summarizer = load_summarizer(
        "seq2seq", model=str(tiny_model_dir), encoder=None, max_new_tokens=8
    )

    summary = summarizer.summarize(_sentences(40))  # about 280 tokens, a 48-token window

    assert isinstance(summary, str)
    assert sum(generate_calls) > 2  # the map step saw several chunks
    assert generate_calls[-1] == 1  # and the last round produced the one summary


def test_summarize_many_keeps_the_order_and_count(tiny_model_dir: Path) -> None:
    summarizer = load_summarizer(
        "seq2seq", model=str(tiny_model_dir), encoder=None, max_new_tokens=8
    )

    summaries = summarizer.summarize_many([_sentences(1), "", _sentences(3)])

    assert len(summaries) == 3
    assert summaries[1] == ""


def test_the_model_key_names_the_model_and_its_settings(tiny_model_dir: Path) -> None:
    summarizer = load_summarizer(
        "seq2seq", model=str(tiny_model_dir), encoder=None, max_new_tokens=8
    )
    other = load_summarizer("seq2seq", model=str(tiny_model_dir), encoder=None, max_new_tokens=9)

    assert tiny_model_dir.name in summarizer.model_key
    assert summarizer.model_key.startswith("seq2seq:")
    assert other.model_key != summarizer.model_key


def test_a_missing_model_directory_fails_on_first_use_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    summarizer = load_summarizer("seq2seq", model=str(missing), encoder=None)

    with pytest.raises(ModelLoadError, match="no-such-model") as error:
        summarizer.summarize("The council said the river flood reached the town.")

    assert str(missing) in str(error.value)
    assert "HF_HUB_OFFLINE=0" in str(error.value)


def test_an_overview_is_generated_from_the_joined_summaries(
    tiny_model_dir: Path, generate_calls: list[int]
) -> None:
    summarizer = load_summarizer(
        "seq2seq", model=str(tiny_model_dir), encoder=None, max_new_tokens=8
    )

    overview = summarizer.overview([_sentences(1), _sentences(2)])

    assert isinstance(overview, str)
    assert generate_calls == [1]


@pytest.mark.parametrize(
    ("generated", "replaced"),
    [("Springfield said 12 houses flooded.", True), ("The council said the town flooded.", False)],
)
def test_a_summary_naming_facts_absent_from_the_article_is_replaced_and_logged(
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    generated: str,
    replaced: bool,
) -> None:
    summarizer = load_summarizer(
        "seq2seq", model=str(tiny_model_dir), encoder=HashingEncoder(), sentences=1
    )
    monkeypatch.setattr(Seq2SeqSummarizer, "_generate_batch", lambda self, chunks: [generated])
    text = "The river flood reached the town. The council said the water kept rising."

    with caplog.at_level(logging.WARNING, logger="summarizer.faithfulness"):
        summary = summarizer.summarize(text)

    assert (summary in text) is replaced
    assert ("replaced by the extractive" in caplog.text) is replaced
