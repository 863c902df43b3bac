"""Title, author and published date come from the text itself when it carries them."""

from datetime import UTC, datetime

import pytest

from bot.ingest import parse_text
from bot.ingest.metadata import parse_date

BODY = (
    "The council said on Sunday that the old bridge would close for repairs next month, "
    "forcing thousands of commuters onto a long detour through the hills."
)


def test_leading_date_marker_becomes_published_date(fixture_text) -> None:
    (draft,) = parse_text(fixture_text("dated_oped.txt"), source="test")

    assert draft.published == datetime(2024, 11, 3, tzinfo=UTC)
    assert "2024-11-03" not in draft.text
    assert "date" not in draft.text.split()[:2]
    assert draft.text.startswith("The council said on Sunday")


@pytest.mark.parametrize(
    "marker",
    ["date 2024-03-05", "Date: 2024-03-05", "Published: March 5, 2024", "Posted on 5 Mar 2024"],
)
def test_date_markers_in_several_forms_are_read(marker: str) -> None:
    (draft,) = parse_text(f"{marker}\n{BODY}", source="test")

    assert draft.published == datetime(2024, 3, 5, tzinfo=UTC)
    assert draft.text == BODY


def test_date_with_an_offset_is_converted_to_utc() -> None:
    (draft,) = parse_text(f"Published: 2024-03-05T01:30:00+02:00\n{BODY}", source="test")

    assert draft.published == datetime(2024, 3, 4, 23, 30, tzinfo=UTC)


def test_text_without_a_date_has_no_published_date() -> None:
    (draft,) = parse_text(BODY, source="test")

    assert draft.published is None


def test_short_first_line_becomes_title_and_byline_with_role_becomes_author(fixture_text) -> None:
    (draft,) = parse_text(fixture_text("think_tank.txt"), source="test")

    assert draft.title == "Islanders Protest Mainland Article questioning their Fishing Rights"
    assert draft.author == "Dr Jane Q. Roe"
    assert draft.text.startswith("On March 3, 2021, the island council")
    assert "Senior Fellow" not in draft.text


def test_by_line_after_the_title_becomes_author() -> None:
    (draft,) = parse_text(f"Bridge Closes for Repairs\nBy Sam Carter\n\n{BODY}", source="test")

    assert (draft.title, draft.author, draft.text) == (
        "Bridge Closes for Repairs",
        "Sam Carter",
        BODY,
    )


def test_newsletter_footer_gives_the_title_instead_of_the_greeting(fixture_text) -> None:
    (draft,) = parse_text(fixture_text("newsletter.txt"), source="test")

    assert draft.title == "Ferry Terminal Wins Approval at Last"


def test_without_a_title_line_the_first_sentence_is_the_title() -> None:
    (draft,) = parse_text("The bridge will close. " + BODY, source="test")

    assert draft.title == "The bridge will close"


def test_long_first_sentence_is_shortened_at_a_word_boundary(fixture_text) -> None:
    (draft,) = parse_text(fixture_text("forum_thread.txt"), source="test")

    assert draft.title.endswith("…")
    assert len(draft.title) <= 101
    assert draft.title.startswith("The river ferry service will stop running at night")
    assert draft.title[:-1] in draft.text
    assert not draft.title[:-1].endswith(" ")


GERMAN_BODY = (
    "Der Stadtrat hat am Sonntag beschlossen, die alte Brücke im nächsten Monat für Reparaturen "
    "zu schließen. Tausende Pendler müssen deshalb einen langen Umweg durch die Hügel fahren."
)


@pytest.mark.parametrize(
    "marker",
    [
        "Datum: 5. März 2024",
        "Veröffentlicht am 5.3.2024",
        "Publié le 5 mars 2024",
        "Publicado el 5 de marzo de 2024",
        "发布时间：2024年3月5日",
    ],
)
def test_date_lines_in_other_languages_are_read(marker: str) -> None:
    (draft,) = parse_text(f"{marker}\n{GERMAN_BODY}", source="test")

    assert draft.published == datetime(2024, 3, 5, tzinfo=UTC)
    assert draft.text == GERMAN_BODY


def test_a_page_metadata_date_in_another_language_is_read() -> None:
    assert parse_date("3. November 2024") == datetime(2024, 11, 3, tzinfo=UTC)
    assert parse_date("2024年11月3日") == datetime(2024, 11, 3, tzinfo=UTC)
    assert parse_date("5 points 2024") is None


def test_a_marker_word_without_a_date_stays_text() -> None:
    (draft,) = parse_text(f"Datum: bald\n{GERMAN_BODY}", source="test")

    assert draft.published is None
