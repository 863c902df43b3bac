"""Abstractive summaries with a local sequence-to-sequence model (e.g. distilbart-cnn-12-6).

The window is the smallest of the tokenizer's `model_max_length`, the model's
`max_position_embeddings` and 1024, less the special tokens and a small margin; long texts are
summarized by map-reduce and checked for invented facts as summarizer.generative describes.
Generation: beam search, no repeated 3-grams, at most `max_new_tokens` new tokens.
"""

from __future__ import annotations

from typing import Any

from summarizer.base import Summarizer
from summarizer.generative import GenerativeSummarizer

DEFAULT_SEQ2SEQ_MODEL = "sshleifer/distilbart-cnn-12-6"


class Seq2SeqSummarizer(GenerativeSummarizer):
    """Summarizes with any Hugging Face seq2seq model id or local directory, on CPU."""

    kind = "seq2seq"

    def __init__(
        self,
        model: str,
        *,
        max_new_tokens: int = 160,
        num_beams: int = 2,
        fallback: Summarizer | None = None,
    ) -> None:
        self.num_beams = num_beams
        super().__init__(
            model,
            max_new_tokens=max_new_tokens,
            fallback=fallback,
            key=f"b{num_beams}:t{max_new_tokens}",
        )

    def _load_model(self) -> Any:
        from transformers import AutoModelForSeq2SeqLM

        return AutoModelForSeq2SeqLM.from_pretrained(self.model)

    def _generate_batch(self, chunks: list[str]) -> list[str]:
        import torch

        tokenizer, model = self._tokenizer_and_model()
        batch = tokenizer(
            chunks, return_tensors="pt", padding=True, truncation=True, max_length=self._window()
        )
        with torch.inference_mode():
            output = model.generate(
                **batch,
                num_beams=self.num_beams,
                no_repeat_ngram_size=3,
                max_new_tokens=self._new_tokens(),
                early_stopping=True,
            )
        return tokenizer.batch_decode(output, skip_special_tokens=True)
