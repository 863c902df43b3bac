"""End to end: pushes through Telegram's faults, with the real bot against the fake Bot API.

Several chats subscribe to "russia", each with one fault injected on its sendMessage calls
(flood waits beyond the rate limiter's retries, a block, refused markup, a timeout, a dropped
connection, a group migration, a message accepted whose answer was lost); then one article about
Russia arrives. Each chat must end with the digest exactly once, except the documented
unknown-outcome case, which may double one message and must be logged.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

FLOODED, BLOCKED, REFUSED, HUNG, DROPPED, GROUP, ACCEPTED_LOST = range(3001, 3008)
SUPERGROUP = -1003006
ADMIN = 77
TITLE = "Kremlin Tightens Grip on Gas Exports"
PERIOD_S = 3
PUSH_TIMEOUT_S = 90.0


def digests(fake: FakeBotAPI, chat_id: int) -> list[str]:
    return [m.plain_text for m in fake.messages(chat_id) if m.plain_text.startswith("Digest:")]


@pytest.fixture(scope="module")
def fake():
    with FakeBotAPI() as server:
        yield server


@pytest.fixture(scope="module")
def bot(fake, tmp_path_factory):
    with BotProcess(
        fake, tmp_path_factory.mktemp("bot"), default_schedule=f"every {PERIOD_S}s",
        send_retry_delays_s="[0.5, 1.0]",
    ) as process:  # fmt: skip
        for chat in (FLOODED, BLOCKED, REFUSED, HUNG, DROPPED, ACCEPTED_LOST):
            fake.send_and_wait(chat, "/subscribe russia", timeout=15)
        fake.set_admins(-GROUP, [ADMIN])
        fake.send_and_wait(
            -GROUP, "/subscribe russia", timeout=15, user_id=ADMIN, chat_type="group"
        )
        fake.add_chat(SUPERGROUP, "supergroup", title="Desk")

        fake.fail_next("sendMessage", "429", times=5, chat_id=FLOODED, retry_after=1)
        fake.block(BLOCKED)
        fake.fail_next(
            "sendMessage", "400", chat_id=REFUSED,
            description="Bad Request: can't parse entities: Unsupported start tag \"b\" at byte 0",
        )  # fmt: skip
        fake.fail_next("sendMessage", "timeout", chat_id=HUNG, hang_s=20)
        fake.fail_next("sendMessage", "drop", chat_id=DROPPED)
        fake.fail_next("sendMessage", "migrate", chat_id=-GROUP, migrate_to_chat_id=SUPERGROUP)
        fake.process_then_fail("sendMessage", "drop", chat_id=ACCEPTED_LOST)

        text = (FIXTURES / "kremlin_energy.txt").read_text()
        [stored] = fake.send_and_wait(1, text, timeout=30)
        assert stored.plain_text.startswith(f"Stored: {TITLE}")
        yield process


def first_digest_sent_at(fake: FakeBotAPI, chat_id: int) -> datetime:
    """When the chat's first digest was sent (to the second: a run begun a period later still
    began after it, since the period is longer)."""
    sent = next(m for m in fake.messages(chat_id) if m.plain_text.startswith("Digest:"))
    return datetime.fromtimestamp(sent.date, UTC)


def wait_for_digest(fake: FakeBotAPI, bot: BotProcess, chat_id: int) -> str:
    fake.wait_for(
        lambda: digests(fake, chat_id), timeout=PUSH_TIMEOUT_S, what=f"a push to {chat_id}"
    )
    bot.wait_for_runs_after(first_digest_sent_at(fake, chat_id), [chat_id], PERIOD_S)
    [digest] = digests(fake, chat_id)  # a duplicate would be here by now
    assert TITLE in digest
    return digest


def test_flood_waits_beyond_the_rate_limiter_delay_but_never_drop_the_digest(fake, bot):
    wait_for_digest(fake, bot, FLOODED)
    assert "still flood-limited" in bot.log()


def test_timeout_and_dropped_connection_are_retried_and_sent_once(fake, bot):
    wait_for_digest(fake, bot, HUNG)
    wait_for_digest(fake, bot, DROPPED)


def test_refused_markup_is_sent_as_plain_text(fake, bot):
    wait_for_digest(fake, bot, REFUSED)
    [message] = [m for m in fake.messages(REFUSED) if m.plain_text.startswith("Digest:")]
    assert message.entities == []


def test_migrated_group_gets_its_digest_and_keeps_its_subscription(fake, bot):
    wait_for_digest(fake, bot, SUPERGROUP)
    assert digests(fake, -GROUP) == []
    [listing] = fake.send_and_wait(
        SUPERGROUP, "/subscriptions", timeout=15, user_id=ADMIN, chat_type="supergroup"
    )
    assert "russia" in listing.plain_text


def test_blocked_chat_gets_nothing_until_it_writes_again_then_the_digest_once(fake, bot):
    fake.wait_for(lambda: f"chat {BLOCKED} refuses messages" in bot.log(), timeout=PUSH_TIMEOUT_S)
    time.sleep(4)
    assert digests(fake, BLOCKED) == []
    refused = [c for c in fake.calls("sendMessage") if str(c.params.get("chat_id")) == str(BLOCKED)]
    assert [c.status for c in refused][1:] == [403]  # the /subscribe answer, then one push try

    fake.unblock(BLOCKED)
    fake.send_text(BLOCKED, "/subscriptions")
    wait_for_digest(fake, bot, BLOCKED)


def test_a_message_accepted_but_unanswered_is_logged_as_an_unknown_outcome(fake, bot):
    fake.wait_for(lambda: len(digests(fake, ACCEPTED_LOST)) >= 1, timeout=PUSH_TIMEOUT_S)
    bot.wait_for_runs_after(first_digest_sent_at(fake, ACCEPTED_LOST), [ACCEPTED_LOST], PERIOD_S)
    assert 1 <= len(digests(fake, ACCEPTED_LOST)) <= 2  # the one documented duplicate window
    assert f"to chat {ACCEPTED_LOST}, attempt 1" in bot.log()
    assert "outcome unknown" in bot.log()
