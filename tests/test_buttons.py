"""Callback data of the digest buttons: within Telegram's 64 bytes, read back exactly, and
anything else refused."""

from __future__ import annotations

import pytest

from bot.telegram.keyboards import (
    MAX_CALLBACK_BYTES,
    ButtonPress,
    article_markup,
    digest_markup,
    next_page_markup,
    parse_callback,
    resume_markup,
    toggled_pause_markup,
)

BIG = 999_999_999_999


def test_buttons_of_a_digest_message_read_back_as_what_they_ask():
    markup = digest_markup(
        BIG, 9999, [(BIG, "A title " * 20)], BIG, full_summaries=True, whole_digest=True
    )
    data = [button.callback_data for row in markup.inline_keyboard for button in row]

    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in data)
    assert [parse_callback(d) for d in data] == [
        ButtonPress("full", BIG, 9999, article_id=BIG),
        ButtonPress("pushed file", BIG),
        ButtonPress("pause", subscription_id=BIG),
        ButtonPress("unsubscribe", subscription_id=BIG),
    ]
    assert len(markup.inline_keyboard[0][0].text) <= 48


def test_whole_summaries_need_no_full_summary_buttons():
    markup = digest_markup(1, 0, [(5, "Talks resume")], 3)

    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["h:3", "u:3"]]


def test_the_whole_digest_button_of_a_digest_answer_keeps_its_topic_and_period():
    markup = next_page_markup("north korea", None, days=30, whole_digest=True)

    [[button]] = markup.inline_keyboard
    assert button.callback_data == "w:30d:north korea"
    assert parse_callback(button.callback_data) == ButtonPress(
        "digest file", topic="north korea", days=30
    )
    assert next_page_markup("russia", None) is None
    assert next_page_markup("x" * 63, None, whole_digest=True) is None  # 65 bytes with "w:"


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "f:1:2",
        "f:1:2:3:4",
        "u:",
        "u:-1",
        "x:1",
        "b:1:2 ",
        "u:1\n",
        "f:a:1:1",
        "u:" + "9" * 13,
        "p:0:russia",  # once rendered "page 0 of 3"
        "p:01:russia",
        "p:٣:russia",  # an Arabic-Indic 3: int() reads it, the bot never writes it
        "u:١",
        "a:",
        "a:x",
        "w:",
        "w:9999d:russia",  # a period past MAX_PERIOD_DAYS
        "w::russia",
        "h:",
        "r:x",
    ],
)
def test_data_the_bot_did_not_make_is_refused(data):
    assert parse_callback(data) is None


def test_next_page_button_reads_back_as_the_page_and_topic():
    [[button]] = next_page_markup("north korea -china", 12).inline_keyboard

    assert button.text == "Next page (12) ›"
    assert parse_callback(button.callback_data) == ButtonPress(
        "page", page=12, topic="north korea -china"
    )


def test_no_next_page_button_when_the_topic_does_not_fit_the_callback_data():
    assert next_page_markup("x" * 61, 2) is None
    [[longest]] = next_page_markup("x" * 60, 2).inline_keyboard
    assert parse_callback(longest.callback_data) == ButtonPress("page", page=2, topic="x" * 60)
    assert next_page_markup("ж" * 31, 2) is None  # 62 bytes in UTF-8, 66 with "p:2:"
    assert next_page_markup("ж" * 30, 2) is not None  # exactly 64


def test_next_page_button_of_a_digest_over_a_period_keeps_the_period():
    [[button]] = next_page_markup("russia", 2, days=3650).inline_keyboard

    assert button.callback_data == "p:2:3650d:russia"
    assert parse_callback(button.callback_data) == ButtonPress(
        "page", page=2, topic="russia", days=3650
    )
    assert next_page_markup("x" * 55, 2, days=3650) is None  # 55 + len("p:2:3650d:") > 64


@pytest.mark.parametrize(
    "data",
    ["p:2:3651d:russia", "p:2:0d:russia", "p:2:030d:russia", "p:2:30d:", "p:2:30d:a:b", "p:2:a\nb"],
)
def test_page_data_with_a_period_out_of_range_or_extra_fields_is_refused(data):
    assert parse_callback(data) is None


def test_button_labels_are_in_the_chats_language_and_their_data_the_same():
    shown = {"full_summaries": True, "whole_digest": True}
    german = digest_markup(1, 0, [(5, "Gasexporte")], 7, language="de", **shown).inline_keyboard
    english = digest_markup(1, 0, [(5, "Gasexporte")], 7, **shown).inline_keyboard
    [[back], [unsubscribe]] = article_markup(1, 0, 7, language="de").inline_keyboard
    [[more], [whole]] = next_page_markup(
        "russia", 2, language="de", whole_digest=True
    ).inline_keyboard

    assert [[b.text for b in row] for row in german] == [
        ["Ganze Zusammenfassung: Gasexporte"],
        ["Ganzer Digest als Datei (HTML, JSON)"],
        ["Anhalten", "Abbestellen"],
    ]
    assert [[b.callback_data for b in row] for row in german] == [
        [b.callback_data for b in row] for row in english
    ]
    assert (back.text, unsubscribe.text, more.text, whole.text) == (
        "« Zurück zum Digest",
        "Abbestellen",
        "Nächste Seite (2) ›",
        "Ganzer Digest als Datei (HTML, JSON)",
    )
    resumed = toggled_pause_markup(
        digest_markup(1, 0, [], 7, language="de"), 7, paused=True, language="de"
    )
    assert [b.text for b in resumed.inline_keyboard[-1]] == ["Fortsetzen", "Abbestellen"]


def test_a_pause_press_turns_the_button_into_resume_and_back():
    markup = digest_markup(7, 0, [(3, "A title")], 42)

    paused = toggled_pause_markup(markup, 42, paused=True)
    resumed = toggled_pause_markup(paused, 42, paused=False)

    pausing = [b for row in paused.inline_keyboard for b in row if b.text == "Resume"]
    assert [(b.text, parse_callback(b.callback_data)) for b in pausing] == [
        ("Resume", ButtonPress("resume", subscription_id=42))
    ]
    assert resumed == markup
    assert toggled_pause_markup(markup, 43, paused=True) is None  # another subscription's


def test_a_pause_confirmation_has_a_resume_button_per_topic():
    markup = resume_markup([4, 5], ["russia", "gas"])

    assert [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row] == [
        ("Resume russia", "r:4"),
        ("Resume gas", "r:5"),
    ]
    assert toggled_pause_markup(markup, 5, paused=False).inline_keyboard[1][0].text == "Pause gas"
