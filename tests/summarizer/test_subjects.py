"""The subjects /topics lists and an empty digest picks suggestions from: names, folded by
country and number, without forum interjections or common nouns that open sentences."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from summarizer.topics.countries import countries_by_name
from summarizer.topics.subjects import SubjectTally, subject_counts

FORUM_POST = (
    "Ehhhh, no. Lol. Haha, the Russians again. Analysts said Russian troops stay near the border. "
    "Officials in Moscow deny it. LOL. Sooo, what now?"
)
WIRE_STORY = (
    "Kazakh officials summoned the Chinese ambassador in Astana. Kazakhs protested outside. "
    "Envoys in Beijing said China respects Kazakhstan. Observers expect talks with Russia. "
    "Ukrainian and "
    "Ukraine's officials met in Kyiv. The Democrats and one Democrat in Washington objected."
)


def subjects(texts: list[str]) -> dict[str, int]:
    return dict(subject_counts(texts, limit=50))


def test_demonyms_and_peoples_count_as_their_country_named_by_it():
    found = subjects([FORUM_POST, WIRE_STORY])

    assert found["russia"] == 2
    assert found["china"] == 1 and found["kazakhstan"] == 1 and found["ukraine"] == 1
    assert not {"russian", "russians", "chinese", "kazakh", "kazakhs", "ukrainian"} & set(found)


def test_a_hyphenated_word_of_countries_counts_as_each_and_other_compounds_stay_whole():
    found = subjects(["Talks on China-Russia trade and a Russia-North-Korea pact with Jean-Luc."])

    assert found == {"china": 1, "russia": 1, "north korea": 1, "jean-luc": 1}


def test_a_countrys_possessive_ends_a_run_and_a_country_name_holds_one_together():
    found = subjects(
        ["Aides met Russia's President Jones, Xi Jinping's envoy and the United States' states."]
    )

    assert found == {"russia": 1, "president jones": 1, "xi jinping": 1, "united states": 1}


def test_a_word_after_a_closing_quote_or_bracket_opens_a_sentence():
    found = subjects(['"We build it." Moreover, talks (see Note 2). Besides, Kyiv agreed.'])

    assert found == {"kyiv": 1, "note": 1}


def test_a_plural_counts_as_its_singular_when_both_are_named():
    found = subjects([WIRE_STORY])

    assert "democrat" in found and "democrats" not in found


def test_interjections_and_words_only_opening_sentences_are_no_subjects():
    found = subjects([FORUM_POST, WIRE_STORY])

    assert not {"ehhhh", "lol", "haha", "sooo", "analysts", "officials", "observers"} & set(found)
    assert {"moscow", "astana", "beijing", "kyiv", "washington"} <= set(found)


def test_new_opens_a_place_name_but_is_no_subject_alone():
    found = subjects(["Talks in New York ended. A new plan came.", "New York police said so."])

    assert found["new york"] == 2
    assert "york" not in found and "new" not in found


def test_a_name_written_with_and_without_diacritics_is_one_subject_as_topics_match_it():
    found = subjects(["President Erdoğan met allies in Zürich.", "Mr Erdogan left Zurich."])

    assert (found["erdogan"], found["zurich"]) == (2, 2)
    assert not {"erdoğan", "zürich"} & set(found)


def test_a_companys_legal_form_is_no_subject_nor_part_of_one():
    found = subjects(
        [
            "Texaco Inc said it would sell, advised by Shearson Lehman Brothers Inc.",
            "A unit of Cargill, Inc. and Texaco Corp said so.",
        ]
    )

    assert found["texaco"] == 2 and "shearson lehman brothers" in found
    assert not {"inc", "corp", "texaco inc", "cargill inc"} & set(found)


def test_an_abbreviation_written_with_dots_counts_as_its_country():
    found = subjects(["U.S. officials met the U.K. envoy.", "A U.S.-led force. He told us so."])

    assert (found["united states"], found["united kingdom"]) == (2, 1)
    assert "us" not in found and "u" not in found


def test_a_contracted_function_word_is_no_subject():
    found = subjects(
        ["Fans said: “I'm sure we'll win, and I’ve told Arsenal so.”", "I'd go to Paris."]
    )

    assert not {"i'm", "i’ve", "i'd"} & set(found)
    assert {"arsenal", "paris"} <= set(found)


def test_a_word_opening_sentences_counts_as_a_name_only_where_another_sentence_has_it_inside():
    found = subjects(["Putin spoke first. Later Putin left.", "Gazprom cut supplies to Putin."])

    assert found["putin"] == 2
    assert "later putin" not in found and "later" not in found
    assert "gazprom" not in found  # only ever opening a sentence: it may be a common noun


def test_a_capitalized_common_word_ends_a_name_it_belongs_to():
    found = subjects(
        [
            "Fighters of Islamic State held the town; the state sent troops.",
            "Chelsea lead the Premier League table. The league said so. Islamic State fled.",
            "German Chancellor Helmut Kohl spoke. He met FBI Director James Comey. The chancellor "
            "and the director came.",
            "Islamic State Fighters Take Town\nThe league and the state said so.",
        ]
    )

    assert (found["islamic state"], found["premier league"]) == (2, 1)
    assert not {"islamic", "premier"} & set(found)
    # a title after a country or before a name stays no part of it; nor does a Title Case line
    assert (found["germany"], found["helmut kohl"], found["fbi"], found["james comey"]) == (1,) * 4
    assert not {"german chancellor", "fbi director", "islamic state fighters"} & set(found)


def test_an_organisation_is_one_subject_by_its_abbreviation_and_full_name():
    found = subjects(
        [
            "The UN said aid reached Gaza. Envoys of the United Nations agreed.",
            "United Nations staff left. The Fed and the Federal Reserve Board met NATO.",
        ]
    )

    assert (found["united nations"], found["federal reserve"], found["nato"]) == (2, 1, 1)
    assert not {"un", "fed"} & set(found)


def test_a_run_of_names_ends_with_its_sentence():
    found = subjects(["Talks went on in Ukraine. Ukrainian envoys left for North Korea today."])

    assert "ukraine" in found and "north korea" in found
    assert not [s for s in found if s.startswith("ukraine ")]


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("russian", "russia"),
        ("chinese", "china"),
        ("american", "united states"),
        ("north korean", "north korea"),
        ("holland", "netherlands"),
        ("indian", "india"),  # shared with a territory whose name holds it: the country's
        ("russia", "russia"),
        ("ireland", "ireland"),  # inside the UK's official name, which news does not write
        ("english", "england"),  # the UK's nations are countries in news
        ("scots", "scotland"),
        ("welsh", "wales"),
        ("burma", "myanmar"),  # the package lists it twice; "Myanmar" is Burma's other spelling
        ("vatican", "vatican city state"),
        ("türkiye", "turkey"),  # its name since 2022, with its diacritic
    ],
)
def test_country_names_map_demonyms_and_spellings_to_the_country(name, country):
    assert countries_by_name()[name].name == country


def test_country_names_leave_out_codes_but_not_abbreviations_news_writes():
    assert not {"ru", "rus"} & set(countries_by_name())
    assert {countries_by_name()[name].name for name in ("us", "usa")} == {"united states"}


def test_a_tally_counts_a_changing_set_as_subject_counts_counts_it_afresh():
    # Texts whose subjects depend on the others: a word written in lower case elsewhere, a
    # sentence opener another text has inside a sentence, a plural whose singular comes and goes.
    texts = [FORUM_POST, WIRE_STORY, "Putin spoke first. Later Putin left."]
    texts += ["Gazprom cut supplies to Putin.", "Gazprom said the later talks failed."]
    texts += ["One Democrat objected.", "The Democrats and Moscow agreed.", "a moscow mule"]
    fixtures = Path(__file__).parents[1] / "fixtures" / "topics"
    texts += [path.read_text() for path in sorted(fixtures.glob("*.txt"))[::4]]
    tally, rng = SubjectTally(), random.Random(7)
    for _ in range(60):
        chosen = sorted(rng.sample(range(len(texts)), rng.randrange(1, len(texts))))
        period = {i: texts[i] for i in chosen}

        assert tally.counts(period, limit=40) == subject_counts(list(period.values()), limit=40)
