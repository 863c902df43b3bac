"""The naming evidence read in one pass over an article equals the per-sentence reading it
replaced (kept here as the reference), on the labelled fixtures and generated texts."""

from __future__ import annotations

import re
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.folding import fold_diacritics
from summarizer.topics import aboutness
from summarizer.topics.aboutness import lexical_evidence, read_article
from summarizer.topics.evaluation import read_articles
from summarizer.topics.names import (
    _TITLES,
    _WORD,
    TopicNames,
    _in_capitals,
    _in_enumeration,
    _word_forms,
    count_mentions,
    topic_names,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "topics"
TOPICS = (
    "russia",
    "china",
    "north korea",
    "united states",
    "uk",
    "european union",
    "tony blair",
    "bank of england",
    "uk general election",
    "us election",
    "labour",
    "sport",
    "economy",
    "opec",
    "oil prices",
    "moscow",
)


# The reference: names.py's patterns and functions as they were, each pattern once a text, its
# word check before the match.
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = [
            "(?:" + "|".join(map(re.escape, _word_forms(w))) + ")"
            for w in _WORD.findall(phrase.lower())
        ]
        alternatives.append(r"[\W_]+".join(words))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _abbreviation_pattern(abbreviations: tuple[str, ...], plain: bool = True) -> re.Pattern[str]:
    dotted = [re.escape(".".join(a)) + r"\.?" for a in abbreviations if len(a) >= 2 and a.isalpha()]
    written = [re.escape(a) for a in abbreviations] if plain else []
    alternatives = "|".join([*dotted, *written]) or "(?!)"
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_'’]|['’][^\Ws])")


def reference_count_mentions(
    names: TopicNames, texts: list[str], *, common_noun: bool = False
) -> list[int]:
    """`count_mentions` as it was: each pattern once a text (of a name, not a common noun)."""
    assert not common_noun
    counts = [reference_phrase_count(names, t) for t in texts]
    short = names.abbreviations
    if short:
        pattern = _abbreviation_pattern(short)
        found = [len(pattern.findall(t)) for t in texts]
        dotted = [len(_abbreviation_pattern(short, plain=False).findall(t)) for t in texts]
        capitals = [_in_capitals(t) for t in texts]
        elsewhere = any(
            n + a for n, a, caps in zip(counts, found, capitals, strict=True) if not caps
        )
        counts = [
            n + d + (a - d if elsewhere or not caps else 0)
            for n, a, d, caps in zip(counts, found, dotted, capitals, strict=True)
        ]
    if any(counts) and names.initials:
        counts = [
            n + reference_initials_count(names, t) for n, t in zip(counts, texts, strict=True)
        ]
    if any(counts) and names.last_word:
        counts = [
            n + reference_last_word_count(names, t) for n, t in zip(counts, texts, strict=True)
        ]
    return counts


def reference_phrase_count(names: TopicNames, text: str) -> int:
    """The topic's phrases in `text`, but those inside a name of another place."""
    return len(reference_phrase_offsets(names, text))


def reference_phrase_offsets(names: TopicNames, text: str) -> list[int]:
    lower = fold_diacritics(text.lower())
    others = (
        [m.span() for m in _phrase_pattern(names.other_places).finditer(lower)]
        if names.other_places
        else []
    )
    return [
        m.start()
        for m in _phrase_pattern(names.phrases).finditer(lower)
        if not any(a <= m.start() < b for a, b in others)
    ]


def reference_count_mentions_and_listings(
    names: TopicNames, texts: list[str], *, common_noun: bool = False
) -> tuple[list[int], list[int]]:
    """`reference_count_mentions`, and per text the place names listed among others."""
    listed = [
        sum(_in_enumeration(t, o) for o in reference_phrase_offsets(names, t))
        if names.places
        else 0
        for t in texts
    ]
    return reference_count_mentions(names, texts, common_noun=common_noun), listed


def reference_initials_count(names: TopicNames, text: str) -> int:
    """The initials in `text`; in a text in capitals only those written with dots."""
    dotted = len(_abbreviation_pattern((names.initials,), plain=False).findall(text))
    return (
        dotted
        if _in_capitals(text)
        else len(_abbreviation_pattern((names.initials,)).findall(text))
    )


def reference_last_word_count(names: TopicNames, text: str) -> int:
    count = 0
    for match in re.finditer(rf"\b{re.escape(names.last_word.capitalize())}(?![^\W_])", text):
        before = _WORD.findall(text[max(0, match.start() - 30) : match.start()])
        previous = before[-1] if before else ""
        if not previous[:1].isupper() or previous.lower() in _TITLES:
            count += 1
    return count


def assert_read_alike(title: str, text: str) -> None:
    read = read_article.__wrapped__(title, text)
    texts = [title, *read.sentences]
    for topic in TOPICS:
        names = topic_names(topic)
        assert count_mentions(names, texts) == reference_count_mentions(names, texts), topic
        with patch.object(
            aboutness, "count_mentions_and_listings", reference_count_mentions_and_listings
        ):
            expected = lexical_evidence(names, read)  # the features of the reference counts
        assert lexical_evidence(names, read).tobytes() == expected.tobytes(), topic


@pytest.mark.parametrize("fixture", read_articles(FIXTURES), ids=lambda f: f[0])
def test_the_fixtures_are_named_as_sentence_by_sentence(fixture: tuple[str, str, str]) -> None:
    _, title, body = fixture
    assert_read_alike(title, body)
    assert_read_alike(title.upper(), body.replace(". ", ".\n").upper())


# Words of the topics' names in every case, with the characters that test the joins: line
# breaks, apostrophes, underscores, a dotted capital I (lower-cased to two characters) and
# sigma (lower-cased by its context).
_WORDS = (
    "Russia Russian russians RUSSIA Moscow Kremlin Putin China Beijing Chinese North Korea "
    "korean NORTH KOREA Pyongyang United States US USA U.S. America American UK Britain "
    "British European Union EU EUROPEAN UNION Tony Blair BLAIR Mr Cherie Prime Minister Bank "
    "of England BE BANK ENGLAND general election General Election UGE Labour labour LABOUR "
    "sport Sport economy Economy OPEC oil Oil prices Prices said the and in to İstanbul ΣΟΦΙΑΣ "
    "Σ σ ς ß ﬁ x_y EU's EU’s US's"
).split()
_GLUE = st.sampled_from([" ", " ", " ", ". ", ", ", "\n", "'", "’", "-", "_", "", "! ", "\n\n"])
_TEXT = st.lists(st.tuples(st.sampled_from(_WORDS), _GLUE), max_size=40).map(
    lambda pairs: "".join(word + glue for word, glue in pairs)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, text=_TEXT)
def test_generated_texts_are_named_as_sentence_by_sentence(title: str, text: str) -> None:
    assert_read_alike(title, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_TEXT | st.text(max_size=30), max_size=8))
def test_any_texts_are_counted_as_one_by_one(texts: list[str]) -> None:
    for topic in TOPICS:
        names = topic_names(topic)
        assert count_mentions(names, texts) == reference_count_mentions(names, texts), topic


def test_a_category_word_counts_only_where_it_is_no_part_of_a_name() -> None:
    texts = [
        "Sport is big business.",  # opening a sentence, a common noun
        "Tickets sold out, BBC Sport said.",  # part of a name
        "World Cup fever grips the nation.",  # opening one, before another capitalized word
        "The world's poorest get help; ministers praised world sport.",
        "SPORT CHIEFS MEET",  # in capitals: can't tell, counted
        "Sport Funding Cut In Budget",  # in Title Case: counted
    ]

    sport, world = topic_names("sport"), topic_names("world")

    assert count_mentions(sport, texts, common_noun=True) == [1, 0, 0, 1, 1, 1]
    assert count_mentions(world, texts, common_noun=True) == [0, 0, 0, 2, 0, 0]
    assert count_mentions(sport, texts) == [1, 1, 0, 1, 1, 1]  # as a name, every mention
    assert count_mentions(world, texts)[2] == 1
