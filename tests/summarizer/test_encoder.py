"""The encoder's window."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.encoder import SentenceEncoder


@pytest.mark.model
def test_the_encoder_reads_a_text_up_to_its_window_only():
    start = "The central bank raised interest rates again on Thursday"
    narrow, wide = SentenceEncoder(window_tokens=8), SentenceEncoder(window_tokens=64)
    texts = [f"{start} to fight inflation.", f"{start} after a long storm flooded the port."]

    cut, whole = narrow.encode(texts), wide.encode(texts)

    assert narrow.max_tokens == 8
    np.testing.assert_allclose(cut[0], cut[1], atol=1e-5)  # the same first 8 word pieces
    assert float(whole[0] @ whole[1]) < 0.99


@pytest.mark.model
def test_bfloat16_encoding_of_a_batch_gives_the_float32_vectors_within_rounding():
    texts = [f"The central bank raised interest rates to {n} percent." for n in range(8)]

    single = SentenceEncoder(precision="float32")
    half = SentenceEncoder(precision="bfloat16")

    exact, rounded = single.encode(texts), half.encode(texts)

    assert half.uses_bfloat16 and not single.uses_bfloat16
    assert rounded.dtype == np.float32
    assert np.einsum("ij,ij->i", exact, rounded).min() > 0.999
    assert not np.allclose(exact, rounded, atol=1e-6)  # it did run in bfloat16
    np.testing.assert_allclose(half.encode(texts[:2]), exact[:2], atol=1e-6)  # a few: float32
