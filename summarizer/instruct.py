"""Summaries from an instruction-following causal language model (any Hugging Face id or path).

Each chunk of the article is put into the prompt (the `summarizer_prompt` setting, with `{text}`
where the chunk goes), wrapped in the tokenizer's chat template as one user message when the
tokenizer has one, else followed by "Summary:"; greedy decoding, no repeated 3-grams. Prompt and
answer share the model's window, so the input budget is the window (capped at
`MAX_INSTRUCT_WINDOW_TOKENS` to bound CPU time) less the prompt, `max_new_tokens` and a margin.
Long texts are summarized by map-reduce and checked for invented facts as
summarizer.generative describes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from summarizer.base import Summarizer
from summarizer.defaults import DEFAULT_INSTRUCT_PROMPT, TEXT_SLOT
from summarizer.errors import ModelLoadError
from summarizer.generative import WINDOW_MARGIN_TOKENS, GenerativeSummarizer

MAX_INSTRUCT_WINDOW_TOKENS = 2048


class InstructSummarizer(GenerativeSummarizer):
    """Summarizes by prompting any causal LM (chat template when it has one), on CPU."""

    kind = "instruct"

    def __init__(
        self,
        model: str,
        *,
        prompt: str = DEFAULT_INSTRUCT_PROMPT,
        max_new_tokens: int = 160,
        fallback: Summarizer | None = None,
    ) -> None:
        if TEXT_SLOT not in prompt:
            raise ValueError(f"The summary prompt must contain {TEXT_SLOT} where the text goes")
        self.prompt = prompt
        digest = hashlib.sha1(prompt.encode()).hexdigest()[:8]
        super().__init__(
            model,
            max_new_tokens=max_new_tokens,
            fallback=fallback,
            key=f"t{max_new_tokens}:{digest}",
        )

    def _load_model(self) -> Any:
        from transformers import AutoModelForCausalLM

        return AutoModelForCausalLM.from_pretrained(self.model)

    def _load(self) -> tuple[Any, Any]:
        tokenizer, model = super()._load()
        tokenizer.padding_side = "left"  # generation continues from the right edge of each row
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        return tokenizer, model

    def _window(self) -> int:
        return min(super()._window(), MAX_INSTRUCT_WINDOW_TOKENS)

    def _input_budget(self) -> int:
        tokenizer, _ = self._tokenizer_and_model()
        prompt_tokens = len(tokenizer.encode(self._prompt_for(""), add_special_tokens=False))
        budget = self._window() - prompt_tokens - self.max_new_tokens - WINDOW_MARGIN_TOKENS
        if budget < 2:
            raise ModelLoadError(
                f"{self.model!r} has a window of {self._window()} tokens, too small for the "
                f"prompt ({prompt_tokens} tokens) and max_new_tokens {self.max_new_tokens}: "
                "shorten the prompt or lower max_new_tokens"
            )
        return budget

    def _prompt_for(self, text: str) -> str:
        tokenizer, _ = self._tokenizer_and_model()
        content = self.prompt.replace(TEXT_SLOT, text)
        if tokenizer.chat_template:
            return tokenizer.apply_chat_template(
                [{"role": "user", "content": content}], tokenize=False, add_generation_prompt=True
            )
        return f"{content}\n\nSummary:"

    def _generate_batch(self, chunks: list[str]) -> list[str]:
        import torch

        tokenizer, model = self._tokenizer_and_model()
        batch = tokenizer(
            [self._prompt_for(chunk) for chunk in chunks],
            return_tensors="pt",
            padding=True,
            add_special_tokens=not tokenizer.chat_template,  # a chat template adds its own
        )
        with torch.inference_mode():
            output = model.generate(
                **batch,
                do_sample=False,
                no_repeat_ngram_size=3,
                max_new_tokens=self._new_tokens(),
                pad_token_id=tokenizer.pad_token_id,
            )
        answers = output[:, batch["input_ids"].shape[1] :]
        return tokenizer.batch_decode(answers, skip_special_tokens=True)
