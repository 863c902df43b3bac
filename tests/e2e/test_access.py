"""End to end: who may use the bot and add articles, per-chat rate limits, and channel posts
ingested as articles."""

from __future__ import annotations

import json

import pytest

from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

ADMIN = 1001
MEMBER = 1002
STRANGER = 2002
CHANNEL = -100777


@pytest.fixture
def bot(fake, tmp_path):
    with BotProcess(
        fake,
        tmp_path,
        admins=f"[{ADMIN}]",
        allowed_chats=f"[{ADMIN}, {MEMBER}, {CHANNEL}]",
        max_articles_per_chat_per_hour="2",
    ) as process:
        yield process


def article(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_chats_outside_the_allowlist_are_refused(fake, bot):
    [refusal] = fake.send_and_wait(STRANGER, "/digest russia", timeout=15)

    assert "private to its desk's chats" in refusal.plain_text
    assert str(STRANGER) in refusal.plain_text


def test_only_admins_add_articles_while_members_still_read(fake, bot):
    [refused] = fake.send_and_wait(MEMBER, article("kremlin_energy.txt"), timeout=15)
    [allowed] = fake.send_and_wait(MEMBER, "/digest russia", timeout=30)

    assert "Only the bot's administrators can add articles" in refused.plain_text
    assert "Only the bot's administrators" not in allowed.plain_text


def test_a_chat_past_its_hourly_limit_is_told_to_wait(fake, bot):
    first = fake.send_and_wait(ADMIN, article("kremlin_energy.txt"), timeout=30)
    second = fake.send_and_wait(ADMIN, article("kazakh_border.txt"), timeout=30)
    [third] = fake.send_and_wait(ADMIN, article("quarterly_review.md"), timeout=30)

    assert first[0].plain_text.startswith("Stored:")
    assert second[0].plain_text.startswith("Stored:")
    assert "added 2 articles in the last hour; the limit is 2" in third.plain_text


def test_channel_posts_are_stored_with_the_channel_as_source(fake, bot):
    post = article("kremlin_energy.txt")
    fake.channel_post(CHANNEL, post, title="Desk Wire", username="deskwire")

    fake.wait_for(
        lambda: "channel post stored" in bot.log(), timeout=30, what="the post to be stored"
    )
    digest = json.loads(bot.cli("digest", "russia", "--json").stdout)
    [stored] = digest["articles"]
    assert stored["source"] == "Telegram: @deskwire"
    assert fake.messages(CHANNEL) == []
