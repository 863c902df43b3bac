"""/pause, /resume, /set and /settings through the running application, in a private chat, a
group (admins only) and a channel; /subscriptions shows options and pauses; a push is sent
silent and with link previews as its options say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.pushes import deliver_due
from bot.core.domain import PushOptions, SummaryLength
from bot.telegram.handlers.context import SENDER_KEY
from tests.handlers.test_forum_topics import store_russia_article

CHAT = 702
GROUP = -100703
CHANNEL = -100704
MEMBER = 77


async def ask(live, text: str, chat_id: int = CHAT, **kw) -> str:
    [reply] = await live.send_and_wait(chat_id, text, **kw)
    return reply.plain_text


def options_of(live, chat_id: int = CHAT) -> dict[str, PushOptions]:
    return {s.topic: s.options for s in live.services.store.chats.subscriptions(chat_id)}


async def test_options_given_to_subscribe_and_set_are_shown_by_subscriptions(live):
    subscribed = await ask(live, "/subscribe russia daily 09:00 silent=on max=5")
    changed = await ask(live, "/set russia summary=full max=all")
    listed = await ask(live, "/subscriptions")

    assert subscribed.endswith(
        "Pushes: silent=on summary=short previews=off max=5 (/set to change)."
    )
    assert changed == "Pushes of russia: silent=on summary=full previews=off max=all."
    assert options_of(live) == {"russia": PushOptions(silent=True, summary=SummaryLength.FULL)}
    assert "silent=on summary=full previews=off max=all" in listed


async def test_settings_shows_and_sets_the_defaults_new_subscriptions_take(live):
    shown = await ask(live, "/settings")
    changed = await ask(live, "/settings previews=on max=3")
    await ask(live, "/subscribe gas")

    assert shown.startswith("Defaults for this chat's new subscriptions: silent=off")
    assert changed.startswith(
        "New defaults for this chat's new subscriptions: "
        "silent=off summary=short previews=on max=3."
    )
    assert options_of(live) == {"gas": PushOptions(previews=True, max_articles=3)}


async def test_an_unknown_option_is_refused_with_the_syntax(live):
    for command in ("/set russia loud=on", "/settings max=1000", "/subscribe russia silent=maybe"):
        assert "Options: silent=on|off" in await ask(live, command)
    assert "Which topic, which options?" in await ask(live, "/set russia")
    assert "takes options only" in await ask(live, "/settings russia")
    assert await ask(live, "/set wheat silent=on") == (
        "This chat is not subscribed to wheat. See /subscriptions."
    )
    assert live.services.store.chats.subscriptions(CHAT) == []


async def test_pause_and_resume_one_topic_or_all(live):
    await ask(live, "/subscribe russia")
    await ask(live, "/subscribe gas")

    paused = await ask(live, "/pause russia")
    listed = await ask(live, "/subscriptions")
    all_paused = await ask(live, "/pause")
    resumed = await ask(live, "/resume")
    again = await ask(live, "/resume gas")

    assert paused == "Paused russia: no pushes until /resume russia."
    assert "russia — weekly, Monday 09:00, paused since" in listed and "(/resume russia)" in listed
    assert all_paused == "Paused gas, russia: no pushes until /resume."
    assert resumed.startswith("Resumed gas: next digest")
    assert "Resumed russia: next digest" in resumed
    assert "those of the paused days are not pushed" in resumed
    assert again == "gas is not paused here. See /subscriptions."
    assert await ask(live, "/pause wheat") == (
        "This chat is not subscribed to wheat. See /subscriptions."
    )


async def test_in_a_group_only_admins_pause_resume_and_change_options(live, fake):
    fake.set_admins(GROUP, [4242])
    await ask(live, "/subscribe russia", GROUP, chat_type="supergroup")

    for command in ("/pause russia", "/resume", "/set russia silent=on", "/settings max=2"):
        refusal = await ask(live, command, GROUP, chat_type="supergroup", user_id=MEMBER)
        assert "only this group's admins" in refusal
    shown = await ask(live, "/settings", GROUP, chat_type="supergroup", user_id=MEMBER)
    paused = await ask(live, "/pause", GROUP, chat_type="supergroup")

    assert shown.startswith("Defaults for this chat's new subscriptions")
    assert paused == "Paused russia: no pushes until /resume."
    assert options_of(live, GROUP) == {"russia": PushOptions()}


async def test_a_channel_pauses_and_sets_options_by_posting_the_command(live, fake):
    fake.channel_post(CHANNEL, "/subscribe russia", title="Desk Wire")
    await live.wait_for(lambda: len(fake.messages(CHANNEL)) == 1)

    fake.channel_post(CHANNEL, "/set russia silent=on", title="Desk Wire")
    fake.channel_post(CHANNEL, "/pause", title="Desk Wire")
    await live.wait_for(lambda: len(fake.messages(CHANNEL)) == 3)

    [subscription] = live.services.store.chats.subscriptions(CHANNEL)
    assert subscription.paused and subscription.options.silent


async def test_a_push_is_silent_and_shows_link_previews_as_its_options_say(live, fake):
    await ask(live, "/subscribe russia silent=on previews=on")
    store_russia_article(live)
    store = live.services.store
    [subscription] = store.chats.subscriptions(CHAT)
    store.chats.set_schedule(
        subscription.id,
        schedule=subscription.schedule,
        next_run_at=datetime.now(UTC) - timedelta(1),
    )

    sender = live.application.bot_data[SENDER_KEY]
    assert await deliver_due(live.services, sender, now=datetime.now(UTC)) == 1

    push = fake.messages(CHAT)[-1]
    assert push.plain_text.startswith("Digest: russia")
    assert push.disable_notification is True
    assert push.link_preview_options == {"is_disabled": False}


async def test_pause_set_and_resume_without_a_usable_topic_say_what_to_send(live):
    assert (
        await ask(live, "/pause ???")
        == "Which topic? For example: /pause russia, or /pause for all"
    )
    assert "Which topic, which options?" in await ask(live, "/set silent=on")


async def test_subscribing_again_to_a_paused_topic_says_it_is_paused(live):
    await ask(live, "/subscribe russia")
    await ask(live, "/pause russia")

    again = await ask(live, "/subscribe russia silent=on")

    assert again.startswith("Already subscribed to russia: weekly, Monday 09:00 (UTC), paused")
    assert "(/resume russia to go on)" in again
