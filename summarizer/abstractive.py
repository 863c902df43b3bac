"""Abstractive summaries with a local sequence-to-sequence model (e.g. distilbart-cnn-12-6).

Algorithm (map-reduce, so long articles are summarized whole, never cut off)
1. Window: the smallest of the tokenizer's `model_max_length`, the model's
   `max_position_embeddings` and 1024, less the special tokens and a small margin.
2. Map: split the text into sentences, pack consecutive sentences into chunks that fit the window
   (counted by the model's own tokenizer), and generate a summary of every chunk (beam search,
   no repeated 3-grams, at most `max_new_tokens` new tokens).
3. Reduce: while more than one summary remains, pack the summaries into window-sized chunks and
   summarize those. Each summary is capped at half the window, so every round at least halves
   the number of pieces and the loop ends.

Limits: generated text can state things the article does not (no faithfulness check); CPU
generation costs seconds per chunk; a single "word" longer than the window is truncated.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from summarizer.chunking import pack_by_tokens
from summarizer.errors import ModelLoadError, SummarizationError
from summarizer.text import split_sentences

log = logging.getLogger(__name__)

DEFAULT_SEQ2SEQ_MODEL = "sshleifer/distilbart-cnn-12-6"
MAX_WINDOW_TOKENS = 1024
_WINDOW_MARGIN_TOKENS = 8  # token counts of pieces add up to within a few tokens of the whole
_GENERATE_BATCH = 4


class Seq2SeqSummarizer:
    """Summarizes with any Hugging Face seq2seq model id or local directory, on CPU."""

    def __init__(self, model: str, *, max_new_tokens: int = 160, num_beams: int = 2) -> None:
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, got {max_new_tokens}")
        self.model = model
        self.max_new_tokens = max_new_tokens
        self.num_beams = num_beams
        name = model.rstrip("/").split("/")[-1]
        self.model_key = f"seq2seq:{name}:b{num_beams}:t{max_new_tokens}"
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the tokenizer and model now; later calls do nothing."""
        self._tokenizer_and_model()

    def summarize(self, text: str) -> str:
        """The summary of one text (empty for a text without sentences)."""
        sentences = split_sentences(text)
        if not sentences:
            return ""
        budget = self._input_budget()
        chunks = pack_by_tokens(sentences, self._count_tokens, budget)
        while True:
            summaries = self._generate(chunks)
            if len(summaries) == 1:
                return summaries[0]
            shorter = pack_by_tokens(summaries, self._count_tokens, budget)
            if len(shorter) >= len(chunks):
                raise SummarizationError(
                    f"{self.model_key}: summaries of {len(chunks)} chunks did not fit fewer chunks"
                )
            chunks = shorter

    def summarize_many(self, texts: list[str]) -> list[str]:
        """Summaries of `texts`, one after another."""
        return [self.summarize(text) for text in texts]

    def overview(self, summaries: list[str]) -> str:
        """A summary generated from the joined `summaries` (map-reduce when they are long)."""
        return self.summarize("\n".join(summaries))

    def _tokenizer_and_model(self) -> tuple[Any, Any]:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load()
        return self._loaded

    def _load(self) -> tuple[Any, Any]:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        location = _describe_location(self.model)
        log.info("loading seq2seq model %s from %s", self.model, location)
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.model)
            model = AutoModelForSeq2SeqLM.from_pretrained(self.model)
        except Exception as exc:  # from_pretrained raises OSError, ValueError, hub errors...
            raise ModelLoadError(
                f"Could not load seq2seq model {self.model!r} (looked in {location}): "
                f"{str(exc).rstrip('.')}. "
                "Give the path of a local directory holding the model (save_pretrained), or "
                "let it download once from the Hugging Face hub with HF_HUB_OFFLINE=0."
            ) from exc
        model.to("cpu").eval()
        return tokenizer, model

    def _window(self) -> int:
        tokenizer, model = self._tokenizer_and_model()
        limits = [MAX_WINDOW_TOKENS, int(tokenizer.model_max_length)]
        positions = getattr(model.config, "max_position_embeddings", None)
        if positions:
            limits.append(int(positions))
        return min(limits)

    def _input_budget(self) -> int:
        tokenizer, _ = self._tokenizer_and_model()
        budget = self._window() - tokenizer.num_special_tokens_to_add() - _WINDOW_MARGIN_TOKENS
        if budget < 2:
            raise ModelLoadError(f"{self.model!r} has a window too small to summarize with")
        return budget

    def _count_tokens(self, text: str) -> int:
        tokenizer, _ = self._tokenizer_and_model()
        return len(tokenizer.encode(text, add_special_tokens=False))

    def _generate(self, chunks: list[str]) -> list[str]:
        """One summary per chunk, generated in small batches."""
        import torch

        tokenizer, model = self._tokenizer_and_model()
        window = self._window()
        new_tokens = min(self.max_new_tokens, self._input_budget() // 2)
        summaries: list[str] = []
        try:
            for start in range(0, len(chunks), _GENERATE_BATCH):
                batch = tokenizer(
                    chunks[start : start + _GENERATE_BATCH],
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                    max_length=window,
                )
                with torch.inference_mode():
                    output = model.generate(
                        **batch,
                        num_beams=self.num_beams,
                        no_repeat_ngram_size=3,
                        max_new_tokens=new_tokens,
                        early_stopping=True,
                    )
                decoded = tokenizer.batch_decode(output, skip_special_tokens=True)
                summaries.extend(" ".join(text.split()) for text in decoded)
        except Exception as exc:  # torch and generation errors have no common base
            raise SummarizationError(f"{self.model_key} failed to generate: {exc}") from exc
        return summaries


def _describe_location(model: str) -> str:
    """Where `from_pretrained` looks for `model`, for error messages."""
    if Path(model).expanduser().exists() or model.startswith(("/", ".", "~")):
        return f"the local directory {Path(model).expanduser()}"
    from huggingface_hub import constants

    hub = "offline (HF_HUB_OFFLINE=1)" if constants.HF_HUB_OFFLINE else "the Hugging Face hub"
    return f"the cache {constants.HF_HUB_CACHE} and {hub}"
