"""End to end: exactly once across a crash. The bot is killed with SIGKILL in the middle of a push
run to several chats, restarted, and every chat ends with its digest once.

The push to one chat hangs unanswered on every try until the kill, so whatever the machine's
speed the kill finds the other chats' deliveries finished and that one unfinished; the restarted
bot waits for the killed one's push lease to expire, then resumes it."""

from __future__ import annotations

import signal
from datetime import UTC, datetime

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

CHATS = (4001, 4002, 4003, 4004)
TITLE = "Kremlin Tightens Grip on Gas Exports"
PERIOD_S = 3
PUSH_TIMEOUT_S = 90.0
EVERY_TRY = 1_000  # a fault's count that outlasts the bot's tries until clear_faults()
RESUMED = "at message 1 of 1; that message may have reached"


@pytest.fixture
def bot(fake, tmp_path):
    with BotProcess(fake, tmp_path, default_schedule=f"every {PERIOD_S}s") as process:
        yield process


def digests(fake: FakeBotAPI, chat_id: int) -> list[str]:
    return [m.plain_text for m in fake.messages(chat_id) if m.plain_text.startswith("Digest:")]


def push_calls(fake: FakeBotAPI, chat_id: int) -> list:
    return [
        c
        for c in fake.calls("sendMessage")
        if str(c.params.get("chat_id")) == str(chat_id) and "Digest:" in c.params.get("text", "")
    ]


def kill_while_pushing_to(
    fake: FakeBotAPI, bot: BotProcess, chat_id: int, *, after_processing: bool
) -> int:
    """Subscribe every chat, let an article arrive, and SIGKILL the bot once the other chats'
    deliveries are recorded as finished, while every push to `chat_id` hangs unanswered
    (`after_processing`: Telegram has shown the first one). Returns the log's length then."""
    for chat in CHATS:
        fake.send_and_wait(chat, "/subscribe russia", timeout=15)
    if after_processing:
        fake.process_then_fail("sendMessage", "timeout", chat_id=chat_id, hang_s=60)
    fake.fail_next("sendMessage", "timeout", times=EVERY_TRY, chat_id=chat_id, hang_s=60)
    fake.send_and_wait(1, (FIXTURES / "kremlin_energy.txt").read_text(), timeout=30)
    fake.wait_for(lambda: push_calls(fake, chat_id), timeout=PUSH_TIMEOUT_S, what="the push")
    # Deliveries run side by side: the others finished, the hanging one is the only one
    # unfinished at the kill (each message in flight is a possible duplicate).
    others = [chat for chat in CHATS if chat != chat_id]
    fake.wait_for(
        lambda: all(f"russia digest to chat {chat} " in bot.log() for chat in others),
        timeout=PUSH_TIMEOUT_S,
        what="the other deliveries",
    )
    bot.stop(signal.SIGKILL)
    fake.clear_faults()
    return len(bot.log())


def test_push_run_killed_mid_way_delivers_every_digest_once_after_restart(fake, bot):
    hung = CHATS[1]
    killed_at = kill_while_pushing_to(fake, bot, hung, after_processing=False)
    assert digests(fake, hung) == []

    bot.start()
    fake.wait_for(
        lambda: all(digests(fake, chat) for chat in CHATS), timeout=PUSH_TIMEOUT_S, what="pushes"
    )
    bot.wait_for_runs_after(datetime.now(UTC), CHATS, PERIOD_S)  # a duplicate would be here

    assert {chat: len(digests(fake, chat)) for chat in CHATS} == dict.fromkeys(CHATS, 1)
    assert all(TITLE in digests(fake, chat)[0] for chat in CHATS)
    assert f"to chat {hung} {RESUMED}" in bot.log()[killed_at:]


def test_a_message_accepted_as_the_bot_died_is_the_one_logged_possible_duplicate(fake, bot):
    accepted = CHATS[0]
    killed_at = kill_while_pushing_to(fake, bot, accepted, after_processing=True)
    assert len(digests(fake, accepted)) == 1  # Telegram has it; the bot never heard back

    bot.start()
    fake.wait_for(  # once the killed process's push lease has expired
        lambda: f"to chat {accepted} {RESUMED}" in bot.log()[killed_at:],
        timeout=PUSH_TIMEOUT_S,
        what="the resumed push",
    )
    bot.wait_for_runs_after(datetime.now(UTC), CHATS, PERIOD_S)

    assert len(digests(fake, accepted)) == 2  # the documented unknown-outcome window
    assert all(len(digests(fake, chat)) == 1 for chat in CHATS[1:])
    assert f"to chat {accepted} {RESUMED}" in bot.log()[killed_at:]
