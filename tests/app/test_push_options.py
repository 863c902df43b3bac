"""Pushes as a subscription's options and state ask (bot.app.pushes): into its forum topic,
silent, with link previews, at most N articles with a line naming the others, short or full
summaries; nothing while paused, but a delivery begun before the pause is finished."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app.preferences import pause, resume
from bot.app.pushes import deliver_due
from bot.app.sending import SendStatus
from bot.app.services import Services
from bot.core.domain import PushOptions, SummaryLength
from tests.fakes import FakeSender
from tests.pushes import RUSSIA, START, add, add_long_reports, push_services, subscribe

CHAT = 7


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher) -> Services:
    return push_services(sqlite_store, fake_summarizer, fake_matcher, push_summary_chars=200)


def with_options(services: Services, **options) -> None:
    [subscription] = services.store.chats.subscriptions(CHAT)
    services.store.preferences.set_options(subscription.id, PushOptions(**options))


def add_reports(services: Services, count: int) -> None:
    for i in range(count):
        add(services, f"Russia report {i}", f"{RUSSIA} Report {i}.", START - timedelta(days=1))


async def test_a_push_goes_into_the_forum_topic_of_its_subscription(services):
    services.store.chats.ensure(CHAT, timezone="UTC")
    services.store.chats.subscribe(
        CHAT,
        "russia",
        schedule="weekly mon 09:00",
        next_run_at=START,
        covered_until=START - timedelta(days=7),
        thread_id=17,
    )
    add_reports(services, 1)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    assert [(s.chat_id, s.thread_id) for s in sender.sent] == [(CHAT, 17)]


async def test_a_silent_push_with_previews_is_sent_so(services):
    subscribe(services)
    with_options(services, silent=True, previews=True)
    add_reports(services, 1)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    [sent] = sender.sent
    assert (sent.silent, sent.previews, sent.thread_id) == (True, True, None)


async def test_a_default_push_rings_and_shows_no_previews(services):
    subscribe(services)
    add_reports(services, 1)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    [sent] = sender.sent
    assert (sent.silent, sent.previews) == (False, False)


async def test_a_push_of_more_than_max_articles_names_the_others_in_a_last_line(services):
    subscribe(services)
    with_options(services, max_articles=2)
    add_reports(services, 5)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    [sent] = sender.sent
    assert sent.message.text.count("Russia report") == 2
    assert len(sent.message.articles) == 2
    assert sent.message.text.rstrip().endswith("<i>and 3 more: /digest russia</i>")
    [subscription] = services.store.chats.subscriptions(CHAT)
    settle = timedelta(seconds=services.settings.arrival_settle_s)
    assert subscription.covered_until == START - settle  # the 3 others count as pushed


async def test_a_push_within_max_articles_has_no_last_line(services):
    subscribe(services)
    with_options(services, max_articles=5)
    add_reports(services, 2)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    [sent] = sender.sent
    assert sent.message.text.count("Russia report") == 2 and "more:" not in sent.message.text


@pytest.mark.parametrize(
    ("summary", "shortened"), [(SummaryLength.SHORT, True), (SummaryLength.FULL, False)]
)
async def test_summaries_are_pushed_short_or_full_as_the_option_says(services, summary, shortened):
    subscribe(services)
    with_options(services, summary=summary)
    add_long_reports(services, 1)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    text = "\n".join(s.message.text for s in sender.sent)
    assert ("Russia and the Kremlin. " * 100 not in text) is shortened


async def test_two_chats_on_one_topic_with_other_options_each_get_their_own(services):
    subscribe(services, chat_id=CHAT)
    subscribe(services, chat_id=8)
    with_options(services, max_articles=1)
    add_reports(services, 3)
    sender = FakeSender()

    await deliver_due(services, sender, now=START)

    texts = dict(sender.texts)
    assert texts[CHAT].count("Russia report") == 1 and "and 2 more" in texts[CHAT]
    assert texts[8].count("Russia report") == 3


async def test_a_paused_subscription_gets_nothing_and_after_resume_only_what_came_since(services):
    subscribe(services)
    add(services, "Russia before the pause", RUSSIA, START - timedelta(days=1))
    pause(services.store, CHAT, "russia", now=START - timedelta(hours=1))
    sender = FakeSender()

    await deliver_due(services, sender, now=START + timedelta(days=14))
    back = START + timedelta(days=14, hours=1)
    resume(services.store, CHAT, "russia", now=back)
    add(services, "Russia after the pause", RUSSIA + " Again.", back + timedelta(hours=1))
    await deliver_due(services, sender, now=START + timedelta(days=21))

    [(_, text)] = sender.texts
    assert "Russia after the pause" in text and "Russia before the pause" not in text


async def test_a_delivery_begun_before_a_pause_is_finished(services):
    subscribe(services)
    with_options(services, summary=SummaryLength.FULL)  # three messages
    add_long_reports(services, 3)
    flaky = FakeSender(outcomes={1: SendStatus.RETRY_LATER})
    await deliver_due(services, flaky, now=START)
    pause(services.store, CHAT, "russia", now=START)

    await deliver_due(services, flaky, now=START + timedelta(minutes=1))

    assert len(flaky.sent) == 3
    [subscription] = services.store.chats.subscriptions(CHAT)
    assert subscription.paused and subscription.next_run_at == START + timedelta(days=7)
