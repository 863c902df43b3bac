"""Scheduled pushes (bot.app.pushes) on a real SQLite store through a fake sender: due digests are
sent once, resumed after an interruption, coalesced after downtime, and what each send outcome
does to the delivery. How Telegram's faults become outcomes: tests/telegram/test_sender.py."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app.pushes import PushLease, deliver_due, deliver_subscription
from bot.app.sending import DigestButtons, SendOutcome, SendStatus
from bot.app.services import Services
from bot.app.summaries import process_batch
from bot.core.domain import RenderedMessage
from bot.store import open_store
from summarizer.text import split_sentences
from tests.fakes import FakeSender
from tests.pushes import (
    FARMING,
    RUSSIA,
    START,
    SlowSender,
    add,
    add_long_reports,
    push_services,
    subscribe,
)
from tests.tables import deliveries


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher) -> Services:
    return push_services(sqlite_store, fake_summarizer, fake_matcher)


async def test_due_digest_holds_matching_new_articles_and_is_sent_once(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    add(services, "Soybean harvest", FARMING, START - timedelta(days=1))
    sender = FakeSender()

    await deliver_due(services, sender, now=START)
    await deliver_due(services, sender, now=START + timedelta(minutes=1))

    [(chat_id, text)] = sender.texts
    assert chat_id == 7
    assert "Russia gas exports" in text and "Soybean harvest" not in text
    [subscription] = services.store.chats.subscriptions(7)
    assert subscription.next_run_at == START + timedelta(days=7)
    settle = timedelta(seconds=services.settings.arrival_settle_s)
    assert subscription.covered_until == START - settle


async def test_a_push_run_leaves_no_lease_heartbeat_running(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))

    await deliver_due(services, FakeSender(), now=START)

    running = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    assert not [task for task in running if "keep" in repr(task.get_coro())]


async def test_next_push_holds_only_articles_that_arrived_since_the_last(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = FakeSender()
    await deliver_due(services, sender, now=START)
    add(services, "Russia new contracts", RUSSIA + " More contracts.", START + timedelta(days=2))

    await deliver_due(services, sender, now=START + timedelta(days=7))

    assert len(sender.texts) == 2
    assert "Russia new contracts" in sender.texts[1][1]
    assert "Russia gas exports" not in sender.texts[1][1]


async def test_an_article_still_being_stored_when_a_push_runs_is_in_the_next_push(services):
    subscribe(services)
    sender = FakeSender()
    await deliver_due(services, sender, now=START)
    # Stamped with its arrival a moment before that push, committed only after it.
    add(services, "Russia gas exports", RUSSIA, START - timedelta(seconds=1))

    await deliver_due(services, sender, now=START + timedelta(days=7))

    [(_, text)] = sender.texts
    assert "Russia gas exports" in text


async def test_week_without_matching_articles_sends_nothing_and_moves_on(services):
    subscribe(services)
    add(services, "Soybean harvest", FARMING, START - timedelta(days=1))
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    assert sender.sent == []
    assert services.store.chats.subscriptions(7)[0].next_run_at == START + timedelta(days=7)


async def test_digest_missed_during_downtime_is_sent_once_not_per_missed_slot(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = FakeSender()
    three_weeks_late = START + timedelta(days=21, hours=3)

    await deliver_due(services, sender, now=three_weeks_late)
    await deliver_due(services, sender, now=three_weeks_late + timedelta(minutes=1))

    assert len(sender.sent) == 1
    assert services.store.chats.subscriptions(7)[0].next_run_at == START + timedelta(days=28)


async def test_interrupted_multi_message_digest_resumes_without_resending(services):
    subscribe(services)
    add_long_reports(services, 3)
    flaky = FakeSender(outcomes={1: SendStatus.RETRY_LATER})

    await deliver_due(services, flaky, now=START)
    assert len(flaky.sent) == 1
    assert services.store.chats.subscriptions(7)[0].next_run_at == START  # not finished

    await deliver_due(services, flaky, now=START + timedelta(seconds=30))

    texts = [text for _, text in flaky.texts]
    assert len(texts) == 3 and len(set(texts)) == 3
    assert services.store.chats.subscriptions(7)[0].next_run_at == START + timedelta(days=7)


async def test_a_gone_chat_leaves_its_delivery_unfinished(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = FakeSender(outcomes={0: SendStatus.CHAT_GONE})

    assert await deliver_due(services, sender, now=START) == 0

    [subscription] = services.store.chats.subscriptions(7)
    assert sender.sent == [] and subscription.next_run_at == START
    assert services.store.deliveries.unfinished(subscription.id).parts_sent == 0


async def test_refused_digest_keeps_its_articles_for_the_next_push(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = FakeSender(outcomes={0: SendStatus.REFUSED})

    await deliver_due(services, sender, now=START)
    await deliver_due(services, sender, now=START + timedelta(days=7))

    [(_, text)] = sender.texts
    assert "Russia gas exports" in text


async def test_a_refused_message_is_replaced_in_the_delivery_so_a_resume_sends_the_same(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    pieces = (RenderedMessage("first piece", ((1, "Russia gas exports"),)), RenderedMessage("2nd"))
    repaired = SendOutcome(SendStatus.REPAIRED, 7, replacement=pieces)
    sender = FakeSender(outcomes={0: repaired, 2: SendStatus.RETRY_LATER})

    assert await deliver_due(services, sender, now=START) == 0
    assert await deliver_due(services, sender, now=START + timedelta(seconds=30)) == 1

    assert [sent.message for sent in sender.sent] == list(pieces)
    assert [sent.buttons.message_index for sent in sender.sent] == [0, 1]


async def test_a_pushed_digest_of_several_articles_opens_with_their_overview(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    add(services, "Russia oil", "Russia sells oil to India. " + RUSSIA, START - timedelta(days=1))
    process_batch(services.store, services.summarizer, services.matcher, limit=10)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    [(_, text)] = sender.texts
    overview = text.split("\n\n")[1]
    assert set(split_sentences(overview)) == {
        "Russia sells oil to India.",
        split_sentences(RUSSIA)[0],
    }


async def test_week_without_articles_sends_a_short_line_when_configured(services):
    services.settings.notify_empty_digest = True
    subscribe(services)
    add(services, "Soybean harvest", FARMING, START - timedelta(days=1))
    sender = FakeSender()

    await deliver_due(services, sender, now=START)
    await deliver_due(services, sender, now=START + timedelta(minutes=1))

    assert sender.texts == [(7, "Nothing new on <b>russia</b> since 28 Oct 2024.")]


async def test_pushed_summaries_are_shortened_and_each_message_has_its_buttons(services):
    services.settings.push_summary_chars = 200
    subscribe(services)
    add_long_reports(services, 2)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    [sent] = sender.sent
    text = sent.message.text
    assert text.count(" …") == 2 and "Russia and the Kremlin. " * 10 not in text
    [subscription] = services.store.chats.subscriptions(7)
    articles = {
        a.title: a.id for a in services.store.articles.received_between(START - timedelta(9), START)
    }
    assert sent.buttons == DigestButtons(
        1, message_index=0, subscription_id=subscription.id, full_summaries=True
    )
    assert sent.message.articles == (
        (articles["Russia report 0"], "Russia report 0"),
        (articles["Russia report 1"], "Russia report 1"),
    )


async def test_subscriptions_due_together_on_one_topic_share_one_composed_digest(
    services, monkeypatch
):
    import bot.app.pushes

    composed = []
    real_compose = bot.app.pushes.compose_digest

    def counting_compose(*args, **kwargs):
        composed.append(args[3])
        return real_compose(*args, **kwargs)

    monkeypatch.setattr(bot.app.pushes, "compose_digest", counting_compose)
    for chat_id in (7, 8, 9):
        subscribe(services, chat_id=chat_id)
    subscribe(services, chat_id=7, topic="soybean")
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = FakeSender()

    assert await deliver_due(services, sender, now=START) == 4

    assert sorted(composed) == ["russia", "soybean"]
    russia = [text for chat_id, text in sender.texts if "Russia gas exports" in text]
    assert len(russia) == 3 and len(set(russia)) == 1


class UnsubscribingSender(FakeSender):
    """Unsubscribes the chat from its topic while its first message is on the way."""

    def __init__(self, services: Services, topic: str = "russia") -> None:
        super().__init__()
        self.services, self.topic = services, topic

    async def send(self, chat_id, message, **kwargs):
        self.services.store.chats.unsubscribe(chat_id, self.topic)
        return await super().send(chat_id, message, **kwargs)


async def test_unsubscribing_while_a_digest_is_sent_ends_that_delivery_quietly(services):
    subscribe(services, chat_id=7)
    subscribe(services, chat_id=8)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = UnsubscribingSender(services)

    finished = await deliver_due(services, sender, now=START)

    assert sorted(chat for chat, _ in sender.texts) == [7, 8]
    assert finished == 0
    assert (
        services.store.chats.subscriptions(7) == [] and services.store.chats.subscriptions(8) == []
    )


class BrokenForChat(FakeSender):
    """Fails with an unexpected error for one chat."""

    def __init__(self, broken_chat: int) -> None:
        super().__init__()
        self.broken_chat = broken_chat

    async def send(self, chat_id, message, **kwargs):
        if chat_id == self.broken_chat:
            raise RuntimeError("unexpected failure")
        return await super().send(chat_id, message, **kwargs)


async def test_an_unexpected_error_in_one_delivery_does_not_stop_the_others(services, caplog):
    services.settings.delivery_concurrency = 1
    subscribe(services, chat_id=7)
    subscribe(services, chat_id=8)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = BrokenForChat(broken_chat=7)

    finished = await deliver_due(services, sender, now=START)

    assert [chat for chat, _ in sender.texts] == [8] and finished == 1
    assert "unexpected failure" in caplog.text
    [resumable] = services.store.chats.due_subscriptions(START + timedelta(seconds=1))
    assert resumable.chat_id == 7


async def test_a_run_with_nothing_to_send_records_no_delivery(services):
    subscribe(services)
    services.store.chats.set_schedule(
        services.store.chats.subscriptions(7)[0].id, schedule="daily 09:00", next_run_at=START
    )
    sender = FakeSender()

    for day in range(5):
        await deliver_due(services, sender, now=START + timedelta(days=day))

    [subscription] = services.store.chats.subscriptions(7)
    assert sender.sent == [] and deliveries(services.store, subscription.id) == []
    assert subscription.next_run_at == START + timedelta(days=5)


async def test_a_second_instance_on_the_same_database_sends_no_pushes(services, tmp_path):
    second = replace(services, store=open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}"))
    for chat_id in range(1, 21):
        subscribe(services, chat_id=chat_id)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    first_sender, second_sender = SlowSender(), SlowSender()

    await asyncio.gather(
        deliver_due(services, first_sender, now=START),
        deliver_due(second, second_sender, now=START),
    )
    await deliver_due(second, second_sender, now=START + timedelta(seconds=30))

    sent_to = sorted(chat for chat, _ in first_sender.texts + second_sender.texts)
    assert sent_to == list(range(1, 21))
    assert not first_sender.sent or not second_sender.sent
    second.store.close()


async def test_an_instance_that_released_its_lease_lets_the_next_one_push_at_once(
    services, tmp_path
):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    lease = PushLease.for_settings(services.store, services.settings)
    assert lease.renew()
    second = replace(services, store=open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}"))
    second_sender = FakeSender()

    lease.release()
    await deliver_due(second, second_sender, now=START)

    assert not lease.held()
    assert [chat for chat, _ in second_sender.texts] == [7]
    assert not lease.renew()  # the other instance holds it now
    second.store.close()


async def test_a_lease_no_longer_surely_held_sends_nothing_more(services):
    subscribe(services)
    add_long_reports(services, 2)
    [subscription] = services.store.chats.subscriptions(7)
    expired = PushLease(services.store, ttl_s=30.0)  # never renewed: not held
    sender = FakeSender()

    finished = await deliver_subscription(services, sender, subscription, START, lease=expired)

    assert not finished and sender.sent == []
    assert services.store.deliveries.unfinished(subscription.id).parts_sent == 0


async def test_a_chat_reads_its_push_in_its_language_and_others_in_theirs(services):
    for chat_id in (7, 8):
        subscribe(services, chat_id=chat_id)
    services.store.chats.set_language(8, "de")
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    texts = dict(sender.texts)
    assert "Digest: russia" in texts[7] and "1 article" in texts[7]
    assert "Digest: russia" in texts[8] and "1 Artikel" in texts[8]
    assert "4 Nov 2024" in texts[7] and "4. Nov. 2024" in texts[8]
    assert {sent.chat_id: sent.buttons.language for sent in sender.sent} == {7: "en", 8: "de"}


async def test_a_group_that_chose_no_language_reads_its_push_in_the_default_language(
    sqlite_store, fake_summarizer, fake_matcher
):
    services = push_services(sqlite_store, fake_summarizer, fake_matcher, default_language="de")
    for chat_id in (7, -1007):
        subscribe(services, chat_id=chat_id)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    texts = dict(sender.texts)
    assert "1 article" in texts[7] and "1 Artikel" in texts[-1007]
    assert {sent.chat_id: sent.buttons.language for sent in sender.sent} == {7: "en", -1007: "de"}
