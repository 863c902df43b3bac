"""Specification of the instruction-model backend, run through from_pretrained/generate on a tiny
causal model (one-layer GPT-2, 16 dimensions, random weights) and a word-level tokenizer built
offline in a temporary directory. Its output is gibberish; only the plumbing is under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.backends import load_summarizer
from summarizer.errors import ModelLoadError
from summarizer.instruct import InstructSummarizer
from tests.fakes import HashingEncoder

WINDOW = 160
WORDS = ["the", "council", "said", "river", "flood", "town", "houses", "water", "week", "report"]
PROMPT_WORDS = ["summarize", "this", "in", "one", "sentence", ":", "{", "}", "text", "summary"]
CHAT_TEMPLATE = (
    "{% for message in messages %}<user> {{ message['content'] }} </user>{% endfor %}"
    "{% if add_generation_prompt %} <assistant>{% endif %}"
)
PROMPT = "summarize this in one sentence : {text}"


def _save_tiny_model(directory: Path, *, chat_template: str | None) -> Path:
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<unk>", "<user>", "</user>", "<assistant>"]
    vocab = {t: i for i, t in enumerate([*specials, *WORDS, *PROMPT_WORDS, ".", ","])}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.normalizer = normalizers.Lowercase()
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        eos_token="<|endoftext|>",
        unk_token="<unk>",
        additional_special_tokens=["<user>", "</user>", "<assistant>"],
        model_max_length=WINDOW,
    )
    if chat_template:
        tokenizer.chat_template = chat_template
    config = GPT2Config(
        vocab_size=len(vocab),
        n_positions=WINDOW,
        n_embd=16,
        n_layer=1,
        n_head=2,
        bos_token_id=0,
        eos_token_id=0,
    )
    torch.manual_seed(0)
    GPT2LMHeadModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def chat_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save_tiny_model(tmp_path_factory.mktemp("tiny-chat"), chat_template=CHAT_TEMPLATE)


@pytest.fixture(scope="module")
def plain_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save_tiny_model(tmp_path_factory.mktemp("tiny-plain"), chat_template=None)


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The decoded inputs of every `generate` call, one list per batch."""
    from transformers import GPT2LMHeadModel

    seen: list[list[str]] = []
    real_generate = GPT2LMHeadModel.generate

    def spy(self, *args, **kwargs):
        ids = kwargs["input_ids"]
        seen.append([" ".join(self.tokenizer_for_test.convert_ids_to_tokens(row)) for row in ids])
        return real_generate(self, *args, **kwargs)

    monkeypatch.setattr(GPT2LMHeadModel, "generate", spy)
    return seen


def _sentences(count: int) -> str:
    return " ".join(
        f"the {WORDS[i % len(WORDS)]} council said {WORDS[(i * 7) % len(WORDS)]} water ."
        for i in range(count)
    )


def _summarizer(model_dir: Path, **kwargs) -> InstructSummarizer:
    summarizer = load_summarizer(
        "instruct", model=str(model_dir), encoder=None, max_new_tokens=8, prompt=PROMPT, **kwargs
    )
    tokenizer, model = summarizer._tokenizer_and_model()
    model.tokenizer_for_test = tokenizer
    return summarizer


def test_the_chunk_goes_into_the_prompt_inside_the_chat_template(
    chat_model_dir: Path, prompts: list[list[str]]
) -> None:
    summary = _summarizer(chat_model_dir).summarize(_sentences(2))

    assert isinstance(summary, str)
    [[prompt]] = prompts
    assert prompt.startswith("<user> summarize this in one sentence : the the council")
    assert prompt.endswith("</user> <assistant>")


def test_without_a_chat_template_the_prompt_is_followed_by_summary(
    plain_model_dir: Path, prompts: list[list[str]]
) -> None:
    _summarizer(plain_model_dir).summarize(_sentences(1))

    [[prompt]] = prompts
    assert prompt.startswith("summarize this in one sentence : the the council")
    assert prompt.endswith("summary :")


def test_a_long_text_is_summarized_by_chunks_then_again(
    chat_model_dir: Path, prompts: list[list[str]]
) -> None:
    summary = _summarizer(chat_model_dir).summarize(_sentences(60))  # ~420 tokens, 160 window

    assert isinstance(summary, str)
    assert sum(len(batch) for batch in prompts) > 2
    assert len(prompts[-1]) == 1
    assert all(len(p.split()) <= WINDOW for batch in prompts for p in batch)


def test_a_summary_inventing_a_name_is_replaced_by_the_extractive_one(
    chat_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summarizer = load_summarizer(
        "instruct",
        model=str(chat_model_dir),
        encoder=HashingEncoder(),
        sentences=1,
        max_new_tokens=8,
        prompt=PROMPT,
    )
    monkeypatch.setattr(
        InstructSummarizer, "_generate_batch", lambda self, chunks: ["Springfield flooded."]
    )
    text = "The river flood reached the town. The council said the water kept rising."

    assert summarizer.summarize(text) in text


def test_a_prompt_without_the_text_slot_is_refused(chat_model_dir: Path) -> None:
    with pytest.raises(ValueError, match="{text}"):
        InstructSummarizer(str(chat_model_dir), prompt="Summarize the article.")


def test_a_missing_model_fails_on_first_use_naming_the_path_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    summarizer = load_summarizer("instruct", model=str(missing), encoder=None)

    with pytest.raises(ModelLoadError, match="instruct model") as error:
        summarizer.summarize("The council said the river flood reached the town.")

    assert str(missing) in str(error.value)
    assert "HF_HUB_OFFLINE=0" in str(error.value)


def test_a_window_too_small_for_prompt_and_answer_is_explained(chat_model_dir: Path) -> None:
    summarizer = load_summarizer(
        "instruct", model=str(chat_model_dir), encoder=None, max_new_tokens=200, prompt=PROMPT
    )

    with pytest.raises(ModelLoadError, match="max_new_tokens"):
        summarizer.summarize(_sentences(2))
