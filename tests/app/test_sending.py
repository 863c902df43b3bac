"""Messages sent in order through a sender (bot.app.sending), as /digest answers and pushes go:
a refused message's replacement takes its place, and the first failure stops the rest."""

from __future__ import annotations

from bot.app.sending import NextPageButton, SendOutcome, SendStatus, send_in_order
from bot.core.domain import RenderedMessage
from tests.fakes import FakeSender

MORE = NextPageButton("russia", 2)


def under_the_last(index: int, count: int) -> NextPageButton | None:
    return MORE if index == count - 1 else None


async def test_messages_go_in_order_with_the_buttons_under_the_last():
    sender = FakeSender()
    messages = [RenderedMessage("one"), RenderedMessage("two")]

    outcome = await send_in_order(sender, 7, messages, buttons=under_the_last, what="/digest")

    assert outcome.status is SendStatus.SENT
    assert [(sent.message.text, sent.buttons) for sent in sender.sent] == [
        ("one", None),
        ("two", MORE),
    ]


async def test_a_refused_last_message_is_replaced_and_the_buttons_go_under_its_last_piece():
    pieces = (RenderedMessage("two, first half"), RenderedMessage("two, second half"))
    sender = FakeSender(outcomes={1: SendOutcome(SendStatus.REPAIRED, 7, replacement=pieces)})
    messages = [RenderedMessage("one"), RenderedMessage("two")]

    outcome = await send_in_order(sender, 7, messages, buttons=under_the_last, what="/digest")

    assert outcome.status is SendStatus.SENT
    assert [(sent.message.text, sent.buttons) for sent in sender.sent] == [
        ("one", None),
        ("two, first half", None),
        ("two, second half", MORE),
    ]


async def test_the_first_failure_stops_the_rest_and_is_returned():
    sender = FakeSender(outcomes={0: SendStatus.CHAT_GONE})
    messages = [RenderedMessage("one"), RenderedMessage("two")]

    outcome = await send_in_order(sender, 7, messages, buttons=under_the_last, what="/digest")

    assert outcome.status is SendStatus.CHAT_GONE and sender.attempts == 1


async def test_after_a_migration_the_next_messages_go_to_the_new_chat():
    sender = FakeSender(outcomes={0: SendOutcome(SendStatus.SENT, -1005)})
    messages = [RenderedMessage("one"), RenderedMessage("two")]

    outcome = await send_in_order(sender, -5, messages, buttons=under_the_last, what="/digest")

    assert outcome.chat_id == -1005
    assert [sent.chat_id for sent in sender.sent] == [-1005]  # "one" went (answered by the fake)
