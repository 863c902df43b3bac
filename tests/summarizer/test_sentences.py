"""The one sentence splitter: English by its own rule, other languages by sentencex."""

from __future__ import annotations

import pytest

from summarizer.text import split_sentences

THREE_SENTENCES = {
    "de": (
        "Die Regierung hat am Montag ein neues Gesetz beschlossen. "
        "Über die Einzelheiten wurde z. B. im Ausschuss lange gestritten. "
        "Ärzte und Apotheker begrüßten die Entscheidung."
    ),
    "fr": (
        "Le gouvernement a adopté une nouvelle loi lundi. "
        "À Paris, les médecins ont salué la décision du ministre. "
        "Élus et syndicats restent prudents."
    ),
    "zh": "政府周一通过了一项新法律。医生们对这一决定表示欢迎。反对派批评了这项法律。",
}


@pytest.mark.parametrize("language", sorted(THREE_SENTENCES))
def test_a_three_sentence_text_in_another_language_splits_into_three(language) -> None:
    sentences = split_sentences(THREE_SENTENCES[language])

    assert len(sentences) == 3
    assert "".join(sentences).replace(" ", "") == THREE_SENTENCES[language].replace(" ", "")


def test_a_german_abbreviation_does_not_end_a_sentence() -> None:
    sentences = split_sentences(THREE_SENTENCES["de"])

    assert sentences[1] == "Über die Einzelheiten wurde z. B. im Ausschuss lange gestritten."


def test_english_keeps_its_rule_for_abbreviations_initials_and_quotes() -> None:
    text = (
        "The U.S. envoy met Mr. Smith in Kyiv on Jan. 5 and said “we are ready.” "
        "J. R. Doe, a café owner, agreed. 3 ministers left early."
    )

    assert split_sentences(text) == [
        "The U.S. envoy met Mr. Smith in Kyiv on Jan. 5 and said “we are ready.”",
        "J. R. Doe, a café owner, agreed.",
        "3 ministers left early.",
    ]


def test_paragraphs_never_merge_in_any_language() -> None:
    text = "Erster Absatz ohne Punkt\n\nDer zweite Absatz hat zwei Sätze. Hier ist der zweite."

    assert split_sentences(text) == [
        "Erster Absatz ohne Punkt",
        "Der zweite Absatz hat zwei Sätze.",
        "Hier ist der zweite.",
    ]


def test_a_photo_caption_run_into_the_next_sentence_ends_where_its_mark_closes() -> None:
    text = (
        "MP Jesse Norman handed out cake (pictured above) Detectives are expected to speak to "
        "him. Smith (left) and Jones (right) shook hands. His dog (Pictured) Was fine."
    )

    assert split_sentences(text) == [
        "MP Jesse Norman handed out cake (pictured above)",
        "Detectives are expected to speak to him.",
        "Smith (left) and Jones (right) shook hands.",  # a lower-case word goes on: no break
        "His dog (Pictured)",
        "Was fine.",
    ]


def test_a_lost_full_stop_ends_a_sentence_before_a_word_that_only_opens_one() -> None:
    # a caption or a footnote mark run into the text, as pages flattened to text have them
    text = (
        "Women from the brigade are pictured holding guns It achieved notoriety last year. "
        "He played at the Crucible Theatre The warning came later. [1] The term was new. "
        "He told The Guardian so. The film It Follows was a hit. They met He Jiankui there."
    )

    assert split_sentences(text) == [
        "Women from the brigade are pictured holding guns",
        "It achieved notoriety last year.",
        "He played at the Crucible Theatre",
        "The warning came later.",
        "[1]",
        "The term was new.",
        # a name or a title goes on: the word after it is capitalized too
        "He told The Guardian so.",
        "The film It Follows was a hit.",
        "They met He Jiankui there.",
    ]


def test_a_video_prompt_run_into_the_text_is_dropped_and_ends_the_sentence_before_it() -> None:
    text = (
        "The boy fell into the cheetah exhibit, officials said. Scroll down for video A mother "
        "was holding him. She said SCROLL DOWN FOR VIDEOS: Zoo staff ran over. Readers who "
        "scroll down for video clips find more."
    )

    assert split_sentences(text) == [
        "The boy fell into the cheetah exhibit, officials said.",
        "A mother was holding him.",
        "She said",
        "Zoo staff ran over.",
        "Readers who scroll down for video clips find more.",  # a lower-case word goes on
    ]


@pytest.mark.parametrize(
    ("sentence", "dateline"),
    [
        ("LONDON (Reuters) - Oil prices rose.", "LONDON (Reuters) - "),
        ("WASHINGTON (AP) — The court ruled.", "WASHINGTON (AP) — "),
        ("MOSCOW, Nov 30 (Reuters) - Putin said.", "MOSCOW, Nov 30 (Reuters) - "),
        ("AUSTIN, Texas (AP) — A judge ruled.", "AUSTIN, Texas (AP) — "),
        (
            "NEW YORK, Nov. 30, 2026 (Reuters) - Stocks fell.",
            "NEW YORK, Nov. 30, 2026 (Reuters) - ",
        ),
        ("HONG KONG/SINGAPORE (Reuters) - Asian shares fell.", "HONG KONG/SINGAPORE (Reuters) - "),
        ("BEIJING — China said so.", "BEIJING — "),
        ("(CNN)They may be close.", "(CNN)"),
        ("New Delhi, India (CNN)As the earth shook.", "New Delhi, India (CNN)"),
        # other agencies' and papers' forms: a day before the month, an agency in lower case,
        # a place in title case before the agency, a colon after the place in capitals
        ("Beijing, 5 March (AFP) - China said so.", "Beijing, 5 March (AFP) - "),
        ("BERLIN, Dec 1 (dpa) - Growth slowed.", "BERLIN, Dec 1 (dpa) - "),
        ("Kyiv (AFP) - Ukraine said so.", "Kyiv (AFP) - "),
        ("NEW DELHI: India's bank held rates.", "NEW DELHI: "),
        # no dateline: a sentence, a headline in capitals, an abbreviation and a hyphen
        ("Oil prices rose - sharply.", ""),
        ("U.S. WINE EXPORTS ROSE - REPORT", ""),
        ("NATO - the alliance said so.", ""),
        ("He said (CNN) so.", ""),
        ("The minister (Labour) - Said so.", ""),
        ("Note: the rest is small print.", ""),
    ],
)
def test_a_wire_dateline_opening_a_story_is_dropped(sentence, dateline):
    first, second = split_sentences(f"{sentence}\nThe rest followed.")

    assert (first, second) == (sentence.removeprefix(dateline), "The rest followed.")
    assert split_sentences(f"Before it.\n{sentence}")[1] == sentence  # only opening the text
