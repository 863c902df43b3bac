"""Callback data of the digest buttons: within Telegram's 64 bytes, read back exactly, and
anything else refused."""

from __future__ import annotations

import pytest

from bot.buttons import MAX_CALLBACK_BYTES, ButtonPress, digest_markup, parse_callback

BIG = 999_999_999_999


def test_buttons_of_a_digest_message_read_back_as_what_they_ask():
    markup = digest_markup(BIG, 9999, [(BIG, "A title " * 20)], BIG)
    data = [button.callback_data for row in markup.inline_keyboard for button in row]

    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in data)
    assert [parse_callback(d) for d in data] == [
        ButtonPress("full", BIG, 9999, article_id=BIG),
        ButtonPress("unsubscribe", subscription_id=BIG),
    ]
    assert len(markup.inline_keyboard[0][0].text) <= 48


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
    ],
)
def test_data_the_bot_did_not_make_is_refused(data):
    assert parse_callback(data) is None
