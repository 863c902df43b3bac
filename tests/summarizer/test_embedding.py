"""One encoder pass per article: sentence vectors, and passage vectors derived from them."""

from __future__ import annotations

import numpy as np

from summarizer.embedding import PIECE_WEIGHT_POWER, embed_articles
from summarizer.text import PASSAGE_WORDS, passage_pieces, split_sentences
from summarizer.topics.passages import article_passages
from tests.fakes import CountingEncoder, HashingEncoder

GAS = "Russia expanded gas exports to Asia this year. Officials in Moscow signed new contracts."
STORM = "A storm hit the coast overnight. Rain flooded the harbour and wind cut the power."


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def test_every_title_and_sentence_is_encoded_once_in_one_call_for_all_articles() -> None:
    encoder = CountingEncoder()

    embed_articles(encoder, [("Gas deals", GAS), ("", STORM), ("Empty", "")])

    assert len(encoder.calls) == 1
    expected = ["Gas deals", *split_sentences(GAS), *split_sentences(STORM), "Empty"]
    assert sorted(encoder.calls[0]) == sorted(expected)


def test_sentence_vectors_are_the_encoders_and_passages_their_length_weighted_means() -> None:
    encoder = HashingEncoder()
    text = f"{GAS}\n\n{' '.join(['Filler words fill this passage to its limit.'] * 16)}"

    [article] = embed_articles(encoder, [("Gas deals", text)])

    sentences = split_sentences(text)
    assert article.sentences == sentences
    np.testing.assert_allclose(article.sentence_vectors, encoder.encode(sentences), atol=1e-6)
    assert len(article.passage_vectors) == len(article_passages("Gas deals", text)) == 3
    np.testing.assert_allclose(article.passage_vectors[0], encoder.encode(["Gas deals"])[0])
    for row, pieces in enumerate(passage_pieces(sentences), start=1):
        weights = np.array([len(piece.split()) ** PIECE_WEIGHT_POWER for piece in pieces])
        mean = unit(weights @ encoder.encode(pieces))
        np.testing.assert_allclose(article.passage_vectors[row], mean, atol=1e-6)


def test_a_sentence_longer_than_a_passage_is_embedded_by_word_windows() -> None:
    encoder = CountingEncoder()
    words = [f"w{n % 50}" for n in range(PASSAGE_WORDS + 30)]
    long_sentence = " ".join(words) + "."

    [article] = embed_articles(encoder, [("", long_sentence)])

    windows = [" ".join(words[:PASSAGE_WORDS]), " ".join(words[PASSAGE_WORDS:]) + "."]
    assert encoder.calls == [windows]
    assert article.passage_vectors.shape == (2, HashingEncoder.dim)
    both = unit(encoder.encode(windows).sum(0))
    np.testing.assert_allclose(article.sentence_vectors[0], both, atol=1e-6)


def test_an_article_without_text_or_title_has_no_vectors() -> None:
    [article] = embed_articles(HashingEncoder(), [("", "  ")])

    assert article.sentences == []
    assert article.sentence_vectors.shape == article.passage_vectors.shape == (0, 256)
