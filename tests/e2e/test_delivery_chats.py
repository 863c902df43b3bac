"""End to end: schedules per subscription, time zones per chat, admins in groups, channels and
`/command@botname`, with the real bot process against the fake Bot API."""

from __future__ import annotations

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

GROUP = -100777
ADMIN, MEMBER = 501, 502
CHANNEL = -100888


@pytest.fixture(scope="module")
def fake():
    with FakeBotAPI(bot_username="digest_test_bot") as server:
        yield server


@pytest.fixture(scope="module")
def bot(fake, tmp_path_factory):
    with BotProcess(fake, tmp_path_factory.mktemp("bot")) as process:
        yield process


def ask(fake: FakeBotAPI, chat_id: int, text: str, **kwargs) -> str:
    [reply] = fake.send_and_wait(chat_id, text, timeout=15, **kwargs)
    return reply.plain_text


def test_subscribe_with_a_schedule_and_change_it_later(fake, bot):
    chat = 2001
    first = ask(fake, chat, "/subscribe north korea daily 07:30")
    assert first.startswith("Subscribed to north korea: daily 07:30 (UTC)")

    changed = ask(fake, chat, "/subscribe North Korea weekly fri 18:00")
    assert changed.startswith("New schedule for north korea: weekly, Friday 18:00 (UTC)")
    assert "next digest Fri" in changed and "18:00" in changed

    same = ask(fake, chat, "/subscribe north korea")
    assert same.startswith("Already subscribed to north korea: weekly, Friday 18:00")

    listing = ask(fake, chat, "/subscriptions")
    assert "north korea — weekly, Friday 18:00, next Fri" in listing


def test_a_bad_schedule_is_explained_and_nothing_is_subscribed(fake, bot):
    chat = 2002
    reply = ask(fake, chat, "/subscribe russia weekly someday 09:00")
    assert "'someday' is not a weekday" in reply and "daily 07:30" in reply

    assert ask(fake, chat, "/subscriptions").startswith("No subscriptions yet")


def test_time_zone_is_validated_and_moves_the_next_run(fake, bot):
    chat = 2003
    ask(fake, chat, "/subscribe russia daily 09:00")
    assert ask(fake, chat, "/subscriptions").splitlines()[1].endswith("09:00")

    wrong = ask(fake, chat, "/timezone Mars/Olympus")
    assert "Mars/Olympus" in wrong and "Europe/Berlin" in wrong

    assert ask(fake, chat, "/timezone asia/tokyo").startswith("Time zone set to Asia/Tokyo")
    assert "Asia/Tokyo" in ask(fake, chat, "/timezone")
    listing = ask(fake, chat, "/subscriptions")
    [line, options] = listing.splitlines()[1:]
    assert line.startswith("• russia — daily 09:00, next") and line.endswith("09:00")
    assert options.strip() == "silent=off summary=short previews=off max=all"


def test_in_groups_only_admins_change_subscriptions(fake, bot):
    fake.set_admins(GROUP, [ADMIN])
    group = {"chat_type": "supergroup", "title": "Desk"}

    refused = ask(fake, GROUP, "/subscribe russia", user_id=MEMBER, **group)
    assert "only this group's admins" in refused
    assert ask(fake, GROUP, "/subscriptions", user_id=MEMBER, **group).startswith("No subscr")

    accepted = ask(fake, GROUP, "/subscribe@digest_test_bot russia", user_id=ADMIN, **group)
    assert accepted.startswith("Subscribed to russia")
    assert "only this group's admins" in ask(
        fake, GROUP, "/unsubscribe russia", user_id=MEMBER, **group
    )
    assert "only this group's admins" in ask(
        fake, GROUP, "/timezone Europe/Berlin", user_id=MEMBER, **group
    )
    listing = ask(fake, GROUP, "/subscriptions@digest_test_bot", user_id=MEMBER, **group)
    assert "russia — weekly, Monday 09:00" in listing


def test_commands_addressed_to_the_bot_by_name_work(fake, bot):
    reply = ask(fake, 2004, "/digest@digest_test_bot volcanology")
    assert reply.startswith("No articles about volcanology")


def test_a_channel_admin_subscribes_the_channel_by_posting_the_command_and_gets_pushes(fake, bot):
    fake.channel_post(CHANNEL, "/subscribe russia every 2s", title="News channel")
    [reply] = fake.wait_for_messages(CHANNEL, 1, timeout=15)
    assert reply.plain_text.startswith("Subscribed to russia: every 2 s")

    fake.send_and_wait(1, (FIXTURES / "kremlin_energy.txt").read_text(), timeout=30)

    fake.wait_for(
        lambda: any(m.plain_text.startswith("Digest: russia") for m in fake.messages(CHANNEL)),
        timeout=60,
        what="a push into the channel",
    )
    assert "Kremlin Tightens Grip" in fake.messages(CHANNEL)[-1].plain_text
