"""The catalog of the bot's texts: every English text has its German translation, with the same
fields and tags, and the catalog is read the way the bot reads it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.core.texts import N_, user_text
from bot.render.i18n import LANGUAGES, LOCALES, error_text, supported_language, tr, trn

REPO = Path(__file__).resolve().parents[1]
# the keywords the README's `pybabel extract` names
KEYWORDS = {"tr": (2,), "trn": (2, 3), "N_": None, "user_text": None}
_FIELD = re.compile(r"\{(\w+)[^{}]*\}")
_TAG = re.compile(r"</?[a-z]+>")


def _source_messages() -> set[str | tuple[str, ...]]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        REPO / "bot", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message)
    return found


def _catalog(language: str):
    path = LOCALES / language / "LC_MESSAGES" / "digestbot.po"
    with path.open("rb") as po:
        return read_po(po, locale=language)


TRANSLATED = sorted(language for language in LANGUAGES if language != "en")


def test_the_source_has_texts_to_translate() -> None:
    messages = _source_messages()

    assert "Summarizing…" in messages
    assert ("{count} article", "{count} articles") in messages
    assert len(messages) > 80


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_english_text_has_a_translation(language) -> None:
    catalog = _catalog(language)
    untranslated = []
    for message in _source_messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        strings = entry and (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            untranslated.append(key)

    assert untranslated == [], f"add them to {language}'s .po (see README, Languages)"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_the_fields_and_tags_of_its_english_text(language) -> None:
    for entry in _catalog(language):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        fields = set(_FIELD.findall(ids[-1]))
        for string in strings:  # a singular may leave out {count} ("the latest article")
            assert set(_FIELD.findall(string)) <= fields, entry.id
            assert sorted(_TAG.findall(string)) == sorted(_TAG.findall(ids[-1])), entry.id
        assert set(_FIELD.findall(strings[-1])) == fields, entry.id


def test_a_text_is_given_in_the_asked_language_with_its_fields_filled() -> None:
    assert tr("de", "Time zone set to <b>{timezone}</b>.", timezone="UTC") == (
        "Zeitzone auf <b>UTC</b> gesetzt."
    )
    assert tr("en", "Time zone set to <b>{timezone}</b>.", timezone="UTC") == (
        "Time zone set to <b>UTC</b>."
    )
    assert trn("de", "{count} article", "{count} articles", 2) == "2 Artikel"
    assert trn("en", "{count} article", "{count} articles", 1) == "1 article"


def test_an_unknown_language_or_text_falls_back_to_english() -> None:
    assert tr("xx", "Summarizing…") == "Summarizing…"
    assert tr(None, "Summarizing…") == "Summarizing…"
    assert tr("de", "A text no catalog holds") == "A text no catalog holds"


def test_a_marked_text_is_translated_where_it_is_shown() -> None:
    marked = N_("This digest is no longer available.")

    assert marked == "This digest is no longer available."
    assert tr("de", marked) == "Dieser Digest ist nicht mehr verfügbar."


@pytest.mark.parametrize(
    ("code", "language"),
    [("de", "de"), ("de-AT", "de"), ("DE_ch", "de"), ("en-GB", "en"), ("ru", None), ("", None)],
)
def test_a_telegram_language_code_names_a_language_the_bot_speaks_or_none(code, language):
    assert supported_language(code) == language


def test_an_error_raised_with_a_user_text_is_english_as_a_string_and_translated_when_shown():
    inner = user_text("'{word}' is not a time like 09:00, 18:30 or 9am", word="25:00")
    error = ValueError(user_text("Can't read the schedule {spec}: {reason}. {forms}", spec="'x'",
                                 reason=inner, forms="…"))  # fmt: skip

    assert (
        str(error)
        == "Can't read the schedule 'x': '25:00' is not a time like 09:00, 18:30 or 9am. …"
    )
    assert error_text("de", error) == (
        "Den Zeitplan 'x' kann ich nicht lesen: '25:00' ist keine Uhrzeit wie 09:00, 18:30 oder "
        "9am. …"
    )
    assert error_text("de", ValueError("plain")) == "plain"
