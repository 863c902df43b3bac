"""Near-duplicates: the same story from two sources, or re-posted with a changed headline.

Algorithm (MinHash with banded lookup, i.e. locality-sensitive hashing):
1. The text is reduced to its comparable words (the same normalisation as the exact
   fingerprint: case, punctuation and whitespace ignored) and cut into overlapping 5-word
   shingles; the headline is left out, so a new headline changes nothing.
2. datasketch's MinHash turns the shingle set into NUM_PERM 64-bit minima; the share of equal
   minima between two signatures estimates the Jaccard similarity of their shingle sets.
3. For lookup without comparing against every stored article, the signature is cut into BANDS
   bands of ROWS minima; each band hashes to a key the store indexes. Articles sharing a key are
   candidates, confirmed when the estimated Jaccard is at least SAME_STORY_JACCARD.

Threshold, measured with `python bench/nearduplicates.py ../shared/news-topics` on 240
Reuters articles in 6 subjects. Positives: each article and a copy edited as another outlet
would run it (lead reworded, a paragraph dropped, an agency footer added, 2 % / 5 % / 10 % of
words replaced; the headline never counts) plus one real re-post in the set (same story, new
headline, Jaccard 0.74). Negatives: the 4,679 pairs of different stories on the same subject;
the closest are template wire items ("U.K. money market given further 191 mln stg help" vs
"... 663 mln ...") at Jaccard 0.17. At SAME_STORY_JACCARD = 0.25 the copies found are
222/241, 201/241 and 148/241 (2 / 5 / 10 % words replaced) with 0 of 4,679 different stories
merged; 0.3 finds 208 / 168 / 87, and the customary 0.8 finds none of these edited copies.

Limits: a translation, a rewrite in other words, or a short wire item quoted inside a longer
piece are not found (their shingles differ); texts under five words have no shingles and never
match. With 64 bands of 2 rows, a pair at Jaccard 0.25 becomes a candidate with probability
0.98 and at 0.3 with 0.998; different stories (Jaccard ≈ 0.02) are candidates 2.5 % of the
time and are then rejected by the signature comparison.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from bot.ingest.fingerprint import comparable_words

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 64
ROWS = NUM_PERM // BANDS
SAME_STORY_JACCARD = 0.25


@dataclass(frozen=True)
class StorySignature:
    """An article's MinHash minima (`signature`, NUM_PERM uint64 as bytes) and its band keys."""

    signature: bytes
    band_keys: tuple[str, ...]


def story_signature(text: str) -> StorySignature:
    """The MinHash signature of a text's 5-word shingles, with its lookup band keys."""
    words = comparable_words(text).split()
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(max(len(words) - SHINGLE_WORDS + 1, 0))
    }
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch(list(shingles))
    values = minhash.hashvalues.astype(np.uint64)
    keys = tuple(_band_key(band, values) for band in range(BANDS)) if shingles else ()
    return StorySignature(signature=values.tobytes(), band_keys=keys)


def _band_key(band: int, values: np.ndarray) -> str:
    rows = values[band * ROWS : (band + 1) * ROWS].tobytes()
    return f"{band:02d}:{hashlib.blake2b(rows, digest_size=8).hexdigest()}"


def estimated_jaccard(first: bytes, second: bytes) -> float:
    """The Jaccard similarity of two texts' shingle sets, estimated from their signatures."""
    a = np.frombuffer(first, dtype=np.uint64)
    b = np.frombuffer(second, dtype=np.uint64)
    return float(np.mean(a == b))


def same_story(first: bytes, second: bytes) -> bool:
    """Whether two signatures belong to the same story (Jaccard ≥ SAME_STORY_JACCARD)."""
    return estimated_jaccard(first, second) >= SAME_STORY_JACCARD
