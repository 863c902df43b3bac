"""Quality gate: the default extractive summaries of the shared summary corpora (CNN/Daily Mail and
BBC, `../shared` beside the repository) stay at or above the ROUGE floors pinned in
tests/summarizer/summaries_baseline.json, and keep their margins over lead-3 (computed here) and
over the naive centroid (pinned as `python bench/summarize.py` measured it, with the encoder's
whole window). `DIGESTBOT_SHARED_DIR` points elsewhere; the test skips when the corpora are
absent: the articles are research data, never copied into the repository."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from bench.summarize import load_corpus, rouge_scores
from summarizer.encoder import SentenceEncoder
from summarizer.extractive import ExtractiveSummarizer
from summarizer.text import split_sentences

SHARED = Path(os.environ.get("DIGESTBOT_SHARED_DIR", Path(__file__).parents[3] / "shared"))
BASELINE = json.loads((Path(__file__).parent / "summaries_baseline.json").read_text())
SENTENCES = BASELINE["sentences"]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder(precision="float32")


@pytest.mark.model
@pytest.mark.timeout(900)  # 100 articles through the encoder: under a minute on an idle machine
@pytest.mark.parametrize("name", sorted(BASELINE["corpora"]))
def test_summaries_stay_above_their_floors_and_margins_over_both_baselines(
    name: str, encoder: SentenceEncoder
) -> None:
    directory = SHARED / name
    if not directory.is_dir():
        pytest.skip(f"{name} is not in {SHARED}")
    pytest.importorskip("rouge_score")
    corpus = load_corpus(directory)
    pinned = BASELINE["corpora"][name]

    summaries = ExtractiveSummarizer(encoder, sentences=SENTENCES).summarize_many(
        corpus.bodies, corpus.titles
    )

    leads = [" ".join(split_sentences(body)[:SENTENCES]) for body in corpus.bodies]
    scores = rouge_scores(corpus.references, summaries).mean(axis=0)
    over_lead = scores - rouge_scores(corpus.references, leads).mean(axis=0)
    over_centroid = scores - np.array(pinned["centroid"])
    assert max(len(split_sentences(summary)) for summary in summaries) == SENTENCES
    assert list(scores >= pinned["floor"]) == [True] * 3, scores
    assert list(over_lead >= pinned["over_lead_at_least"]) == [True] * 3, over_lead
    assert list(over_centroid >= pinned["over_centroid_at_least"]) == [True] * 3, over_centroid
