"""Specification of the extractive summarizer, with a fake bag-of-words encoder."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest

from summarizer.embedding import embed_articles
from summarizer.extractive import ExtractiveSettings, ExtractiveSummarizer
from summarizer.text import split_sentences

NO_LEAD = ExtractiveSettings(signals=("centrality",))


class BagOfWordsEncoder:
    """Deterministic stand-in for SentenceEncoder: hashed word counts in 64 dimensions."""

    name = "fake-bow"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                if len(word) > 3:
                    vectors[row, zlib.crc32(word.encode()) % 64] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


def summary_sentences(summary: str) -> list[str]:
    return split_sentences(summary)


FLOOD = [
    "The river flood reached the old town centre on Monday and the water kept rising.",
    "A local bakery owner said the weather had been strange for weeks before that.",
    "Rescue teams moved families out of the flooded houses near the river bank.",
    "The town council opened the school gym as a shelter for the flood victims.",
    "A football match in the capital ended in a draw after a late penalty kick.",
    "Officials warned that the river could flood the town centre again this week.",
    "Volunteers brought sandbags to protect the houses closest to the river flood.",
]


def test_picks_the_sentences_closest_to_the_articles_centroid() -> None:
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3, settings=NO_LEAD)

    summary = summarizer.summarize(" ".join(FLOOD))

    assert "football" not in summary
    assert "bakery" not in summary
    assert len(summary_sentences(summary)) == 3


def test_keeps_the_sentences_in_article_order() -> None:
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=4, settings=NO_LEAD)

    picked = summary_sentences(summarizer.summarize(" ".join(FLOOD)))

    positions = [FLOOD.index(sentence) for sentence in picked]
    assert positions == sorted(positions)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_returns_the_requested_number_of_sentences(count: int) -> None:
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=count)

    assert len(summary_sentences(summarizer.summarize(" ".join(FLOOD)))) == count


def test_a_short_text_is_returned_whole() -> None:
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=4)

    assert summarizer.summarize(" ".join(FLOOD[:2])) == " ".join(FLOOD[:2])


def test_position_is_one_vote_so_an_off_topic_opening_does_not_win_by_it_alone() -> None:
    text = " ".join([FLOOD[4], *FLOOD[:4]])
    by_position = ExtractiveSettings(signals=("position",))

    first = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=1, settings=by_position)
    every_signal = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=1)

    assert first.summarize(text) == FLOOD[4]
    assert every_signal.summarize(text) != FLOOD[4]


def test_a_sentence_like_the_title_is_preferred() -> None:
    text = " ".join(FLOOD)
    summarizer = ExtractiveSummarizer(
        BagOfWordsEncoder(), sentences=1, settings=ExtractiveSettings(signals=("title",))
    )

    assert summarizer.summarize(text, title="Football match ends in a draw") == FLOOD[4]
    assert summarizer.summarize(text, title="Volunteers brought sandbags to the houses") == FLOOD[6]


def test_unknown_signals_are_refused() -> None:
    with pytest.raises(ValueError, match="signals"):
        ExtractiveSettings(signals=("position", "sentiment"))


def test_drops_a_near_duplicate_of_a_picked_sentence() -> None:
    duplicate = FLOOD[0].replace("Monday", "Tuesday")
    text = " ".join([FLOOD[0], duplicate, *FLOOD[1:]])
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3, settings=NO_LEAD)

    picked = summary_sentences(summarizer.summarize(text))

    assert not {FLOOD[0], duplicate} <= set(picked)
    assert len(picked) == 3


def test_drops_a_sentence_that_repeats_most_word_pairs_of_a_picked_one() -> None:
    restated = "Witnesses said the river flood reached the old town centre on Monday morning."
    text = " ".join([FLOOD[0], restated, *FLOOD[1:]])
    repeats_allowed = ExtractiveSettings(signals=("centrality",), repeated_pairs=1.0)

    picked = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3, settings=NO_LEAD).summarize(
        text
    )
    unchecked = ExtractiveSummarizer(
        BagOfWordsEncoder(), sentences=3, settings=repeats_allowed
    ).summarize(text)

    assert {FLOOD[0], restated} <= set(summary_sentences(unchecked))  # not near-duplicates
    assert len({FLOOD[0], restated} & set(summary_sentences(picked))) == 1
    assert len(summary_sentences(picked)) == 3


def test_skips_questions_links_and_fragments() -> None:
    junk = [
        "Sign up for the newsletter.",
        "Will the river flood the old town centre and the houses again next week?",
        "Read more about the river flood at https://example.org/river-flood-town today.",
        "River Flood Town Centre Houses Rescue Council Shelter Update Live",
        "Rescue teams reached the river flood in the town centre The water kept rising all week.",
    ]
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=4, settings=NO_LEAD)

    summary = summarizer.summarize("\n".join([*junk, *FLOOD]))

    assert not any(line in summary for line in junk)


def test_an_opening_connective_is_dropped_when_its_antecedent_is_not_picked() -> None:
    text = " ".join(
        [
            FLOOD[4],
            "However, the river flood could reach the town centre again, officials warned.",
            FLOOD[0],
            FLOOD[5],
        ]
    )
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=1, settings=NO_LEAD)

    assert summarizer.summarize(text) == (
        "The river flood could reach the town centre again, officials warned."
    )


MAYOR = "The town mayor visited the flooded houses near the river bank on Tuesday."
WARNING = "officials warned that the river could flood the town centre and houses this week."


OPENINGS_REFERRING_BACK = ["He said", "They said", "This means", "At the same time, they said"]


@pytest.mark.parametrize("opening", OPENINGS_REFERRING_BACK)
def test_a_picked_sentence_opening_with_a_pronoun_brings_the_sentence_before_it(
    opening: str,
) -> None:
    pronoun = f"{opening} {WARNING}"
    text = " ".join([FLOOD[4], MAYOR, pronoun, FLOOD[5], FLOOD[6]])
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=2, settings=NO_LEAD)

    assert summarizer.summarize(text) == f"{MAYOR} {pronoun}"


@pytest.mark.parametrize("opening", OPENINGS_REFERRING_BACK)
def test_a_pronoun_sentence_whose_antecedent_does_not_fit_gives_way_to_the_next_best(
    opening: str,
) -> None:
    pronoun = f"{opening} {WARNING}"
    text = " ".join([FLOOD[4], MAYOR, pronoun, FLOOD[5], FLOOD[6]])
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=1, settings=NO_LEAD)

    summary = summarizer.summarize(text)

    assert len(summary_sentences(summary)) == 1
    assert pronoun not in summary


def test_this_as_a_determiner_is_not_a_dangling_pronoun() -> None:
    sentence = f"This week {WARNING}"
    text = " ".join([FLOOD[4], MAYOR, sentence, FLOOD[5], FLOOD[6]])
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=1, settings=NO_LEAD)

    assert summarizer.summarize(text) == sentence


def test_a_pronoun_sentence_after_its_picked_antecedent_adds_nothing() -> None:
    text = " ".join([*FLOOD[:3], "They said the river flood had reached the old town centre."])
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=4, settings=NO_LEAD)

    assert len(summary_sentences(summarizer.summarize(text))) == 4


def test_pointers_to_the_pages_photos_and_cited_sources_are_left_out_of_the_summary() -> None:
    text = (
        "The town mayor (pictured) visited the flooded houses (born March 3, 1950 there). "
        "Rescue teams (far left) and the Left (Linke) deputies reached the town centre (above). "
        "The river rose a metre overnight (e.g., Xinhua, August 23, 2023; Reuters, 5 March)."
    )
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3, settings=NO_LEAD)

    assert summarizer.summarize(text) == (
        "The town mayor visited the flooded houses (born March 3, 1950 there). "
        "Rescue teams and the Left (Linke) deputies reached the town centre. "
        "The river rose a metre overnight."
    )


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_a_text_without_sentences_has_an_empty_summary(text: str) -> None:
    assert ExtractiveSummarizer(BagOfWordsEncoder()).summarize(text) == ""


def test_a_text_of_only_fragments_is_still_summarized() -> None:
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=1)

    assert summarizer.summarize("Flood update.") == "Flood update."


_FILLER = (
    "river market school bridge winter council museum harbour railway factory clinic garden "
    "stadium library airport village mountain island valley forest desert canal tower palace"
).split()


def _topic_sentences(topic: list[str], count: int) -> list[str]:
    """Distinct sentences on one topic: topic words plus filler words that vary by sentence."""
    return [
        f"Report {i} says the {topic[i % 4]} and the {topic[(i + 1) % 4]} near the "
        f"{_FILLER[i % 24]} and {_FILLER[(i * 7 + 3) % 24]} concern the "
        f"{_FILLER[(i * 5 + 11) % 24]}."
        for i in range(count)
    ]


def test_a_long_text_is_summarized_whole_not_just_its_start() -> None:
    early = _topic_sentences(["harvest", "farmers", "wheat", "tractor"], 70)
    late = _topic_sentences(["election", "voters", "ballot", "parliament"], 70)
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=4)

    summary = summarizer.summarize(" ".join(early + late))

    picked = summary_sentences(summary)
    assert len(picked) == 4
    assert any(sentence in late for sentence in picked)
    assert any(sentence in early for sentence in picked)


STORIES = [
    ["harvest", "farmers", "wheat", "tractor"],
    ["election", "voters", "ballot", "parliament"],
    ["earthquake", "rescue", "rubble", "tremor"],
    ["orchestra", "concert", "violin", "symphony"],
    ["satellite", "rocket", "orbit", "launch"],
]


def test_the_summary_of_a_five_story_issue_is_not_just_its_first_story() -> None:
    stories = [_topic_sentences(words, 30) for words in STORIES]
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder())

    picked = summary_sentences(summarizer.summarize(" ".join(sum(stories, []))))

    sources = {n for sentence in picked for n, story in enumerate(stories) if sentence in story}
    assert len(sources) == len(picked) == 3


def test_summarize_many_embeds_all_texts_in_one_encoder_call() -> None:
    encoder = BagOfWordsEncoder()
    texts = [" ".join(FLOOD), "", " ".join(reversed(FLOOD))]

    summaries = ExtractiveSummarizer(encoder, sentences=2).summarize_many(texts)

    assert len(encoder.calls) == 1
    single = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=2)
    assert summaries == [single.summarize(text) for text in texts]


def test_embedded_articles_are_summarized_from_their_vectors_without_the_encoder() -> None:
    texts = [" ".join(FLOOD), "", " ".join(reversed(FLOOD)), "Too short. To be candidates."]
    embedded = embed_articles(BagOfWordsEncoder(), [("", text) for text in texts])
    encoder = BagOfWordsEncoder()

    summaries = ExtractiveSummarizer(encoder, sentences=2).summarize_embedded(embedded)

    assert encoder.calls == []
    single = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=2)
    assert summaries == single.summarize_many(texts)


def test_the_model_key_names_the_encoder_and_changes_with_the_settings() -> None:
    encoder = BagOfWordsEncoder()
    default = ExtractiveSummarizer(encoder).model_key

    assert default.startswith("extractive:fake-bow:s3:")
    assert ExtractiveSummarizer(encoder, sentences=4).model_key != default
    assert ExtractiveSummarizer(encoder, settings=NO_LEAD).model_key != default
    assert ExtractiveSummarizer(encoder).model_key == default


def test_asking_for_no_sentences_is_refused() -> None:
    with pytest.raises(ValueError, match="sentences"):
        ExtractiveSummarizer(BagOfWordsEncoder(), sentences=0)


def test_a_sentence_without_a_connective_is_left_as_written() -> None:
    text = "iPhone sales rose again in the third quarter of the year, the company said on Monday."
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=1)

    assert summarizer.summarize(text) == text


def test_a_sentence_the_text_left_without_a_full_stop_ends_with_one_in_the_summary() -> None:
    # a caption run into the text ends where the next sentence begins, without a full stop
    text = (
        "Rescue teams moved families out of the flooded houses near the river bank\n"
        "They worked through the night as the water of the river kept rising,\n"
        "The river flood reached the old town centre on Monday and the water kept rising!"
    )
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3)

    assert summarizer.summarize(text) == (
        "Rescue teams moved families out of the flooded houses near the river bank. "
        "They worked through the night as the water of the river kept rising. "
        "The river flood reached the old town centre on Monday and the water kept rising!"
    )


FLOOD_SUMMARIES = [
    "The river flood reached the old town centre on Monday and the water kept rising. "
    "Rescue teams moved families out of the flooded houses near the river bank.",
    "Officials warned that the river could flood the town centre again this week.",
    "The river flood reached the old town centre on Monday and the water kept rising.",
    "A football match in the capital ended in a draw after a late penalty kick.",
    FLOOD[6],
]


def test_an_overview_picks_central_sentences_across_summaries_without_repeats() -> None:
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3)

    overview = split_sentences(summarizer.overview(FLOOD_SUMMARIES))

    assert 2 <= len(overview) <= 3
    assert len(set(overview)) == len(overview)
    assert all(any(sentence in s for s in FLOOD_SUMMARIES) for sentence in overview)
    assert "football" not in " ".join(overview)


def test_an_overview_takes_at_most_one_sentence_from_each_summary() -> None:
    summarizer = ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3)

    overview = summarizer.overview([" ".join([FLOOD[0], FLOOD[2], FLOOD[6]]), FLOOD[5]])

    picked = split_sentences(overview)
    assert len(picked) == 2
    assert FLOOD[5] in picked


def test_an_overview_of_nothing_is_empty() -> None:
    assert ExtractiveSummarizer(BagOfWordsEncoder()).overview(["", "  "]) == ""


def test_an_overview_of_prepared_summaries_needs_no_encoder_call_and_reads_the_same() -> None:
    encoder = BagOfWordsEncoder()
    prepared = ExtractiveSummarizer(encoder, sentences=3)
    prepared.prepare_overview([*FLOOD_SUMMARIES, FLOOD[1]])
    encoder.calls.clear()

    overview = prepared.overview(FLOOD_SUMMARIES)

    assert encoder.calls == []
    assert overview == ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3).overview(
        FLOOD_SUMMARIES
    )


@pytest.mark.parametrize("summaries", [[], [""]])
def test_preparing_the_overviews_of_no_summaries_does_nothing(summaries) -> None:
    encoder = BagOfWordsEncoder()

    ExtractiveSummarizer(encoder, sentences=3).prepare_overview(summaries)  # a new bot's warm-up

    assert encoder.calls == []


def test_an_overview_encodes_only_the_sentences_it_has_not_seen() -> None:
    encoder = BagOfWordsEncoder()
    summarizer = ExtractiveSummarizer(encoder, sentences=3)
    summarizer.prepare_overview(FLOOD_SUMMARIES[:2])
    encoder.calls.clear()

    overview = summarizer.overview(FLOOD_SUMMARIES)

    assert encoder.calls == [FLOOD_SUMMARIES[3:]]  # the third's sentence opens the first
    assert overview == ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3).overview(
        FLOOD_SUMMARIES
    )


def test_the_overviews_memory_starts_over_when_full(monkeypatch) -> None:
    monkeypatch.setattr("summarizer.extractive.OVERVIEW_VECTORS_KEPT", 3)
    encoder = BagOfWordsEncoder()
    summarizer = ExtractiveSummarizer(encoder, sentences=3)
    summarizer.prepare_overview(FLOOD_SUMMARIES[:3])
    summarizer.prepare_overview(FLOOD_SUMMARIES[3:])  # 3 + 2 sentences: the first 3 forgotten
    encoder.calls.clear()

    overview = summarizer.overview(FLOOD_SUMMARIES)

    assert encoder.calls == [[*split_sentences(FLOOD_SUMMARIES[0]), FLOOD_SUMMARIES[1]]]
    assert overview == ExtractiveSummarizer(BagOfWordsEncoder(), sentences=3).overview(
        FLOOD_SUMMARIES
    )
