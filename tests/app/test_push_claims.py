"""Pushes from several processes on one database (bot.app.pushes), on SQLite and PostgreSQL: each
subscription is claimed for its send and read again after the claim, the push lease is held on
the database's clock, and the push ticker of a process without polling stops cleanly. The fleet
of real processes against the fake Bot API: tests/e2e/test_delivery_fleet.py."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.app.pushes import PUSH_LEASE, PushLease, deliver_due, run_push_ticker
from bot.app.services import Services
from tests.fakes import FakeSender
from tests.pushes import (
    RUSSIA,
    START,
    AlwaysHeld,
    SlowSender,
    Unclaimed,
    add,
    add_long_reports,
    push_services,
    subscribe,
)
from tests.store import another_process

CHATS = range(1, 21)


@pytest.fixture
def services(store, fake_summarizer, fake_matcher) -> Services:
    return push_services(store, fake_summarizer, fake_matcher)


@pytest.fixture
def other(services):
    """The same services in another process: a second store on the same database."""
    second = another_process(services.store)
    yield Services(services.settings, second, services.summarizer, services.matcher)
    second.close()


def due_everywhere(services: Services) -> None:
    for chat_id in CHATS:
        subscribe(services, chat_id=chat_id)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))


def lease(services: Services, kind: type[PushLease]) -> PushLease:
    return kind(services.store, PushLease.for_settings(services.store, services.settings).ttl_s)


def digests_per_chat(*senders: FakeSender) -> Counter:
    return Counter(chat for sender in senders for chat, _ in sender.texts)


async def push_at_once(services, other, kind: type[PushLease]) -> Counter:
    """Two runs at the same moment, each holding the push lease as `kind` does."""
    due_everywhere(services)
    first, second = SlowSender(), SlowSender()
    await asyncio.gather(
        deliver_due(services, first, now=START, lease=lease(services, kind)),
        deliver_due(other, second, now=START, lease=lease(other, kind)),
    )
    return digests_per_chat(first, second)


async def test_two_runs_both_holding_the_lease_send_each_digest_once(services, other):
    sent = await push_at_once(services, other, AlwaysHeld)

    assert sent == Counter(dict.fromkeys(CHATS, 1))


async def test_without_the_claims_two_runs_send_digests_twice(services, other):
    sent = await push_at_once(services, other, Unclaimed)

    assert sorted(sent) == list(CHATS)
    assert max(sent.values()) == 2  # the negative control: the claims are what prevents this


async def test_a_subscription_delivered_since_the_run_found_it_due_is_skipped(
    services, other, monkeypatch, caplog
):
    due_everywhere(services)
    found_due = services.store.chats.due_subscriptions(START)
    await deliver_due(other, FakeSender(), now=START, lease=lease(other, AlwaysHeld))
    monkeypatch.setattr(services.store.chats, "due_subscriptions", lambda now: found_due)
    late = FakeSender()

    with caplog.at_level(logging.INFO, logger="bot.app.pushes"):
        finished = await deliver_due(services, late, now=START, lease=lease(services, AlwaysHeld))

    assert finished == 0 and late.sent == []
    assert caplog.text.count("is no longer due (delivered or paused") == len(CHATS)


async def test_a_subscription_paused_since_the_run_found_it_due_is_skipped(
    services, other, monkeypatch
):
    due_everywhere(services)
    found_due = services.store.chats.due_subscriptions(START)
    other.store.preferences.pause([s.id for s in found_due], now=START)
    monkeypatch.setattr(services.store.chats, "due_subscriptions", lambda now: found_due)
    late = FakeSender()

    await deliver_due(services, late, now=START, lease=lease(services, AlwaysHeld))

    assert late.sent == []


async def test_a_subscription_another_process_claimed_is_left_until_released(services, other):
    due_everywhere(services)
    [claimed, *_] = services.store.chats.due_subscriptions(START)
    theirs = lease(other, AlwaysHeld)
    assert theirs.claim(claimed) is not None
    sender = FakeSender()

    await deliver_due(services, sender, now=START)
    assert claimed.chat_id not in digests_per_chat(sender)
    theirs.unclaim(claimed)
    await deliver_due(services, sender, now=START + timedelta(seconds=30))

    assert digests_per_chat(sender) == Counter(dict.fromkeys(CHATS, 1))


def test_claims_are_renewed_with_the_push_lease_and_given_up_with_it(services, other):
    due_everywhere(services)
    [subscription, *_] = services.store.chats.due_subscriptions(START)
    ours, theirs = lease(services, PushLease), lease(other, AlwaysHeld)
    assert ours.renew() and ours.claim(subscription) is not None

    assert theirs.claim(subscription) is None
    ours.release()

    assert theirs.claim(subscription) is not None
    assert other.store.deliveries.take_lease(PUSH_LEASE, other.store.instance_id, ttl_s=30)


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_on_postgresql_the_lease_expires_on_the_databases_clock(services, other, monkeypatch):
    assert lease(services, PushLease).renew()
    # the other process's host clock runs an hour ahead: past the lease's expiry on its clock
    ahead = datetime.now(UTC) + timedelta(hours=1)
    monkeypatch.setattr("bot.store.database.utc_now", lambda: ahead)

    assert not lease(other, PushLease).renew()


async def test_the_push_ticker_stops_between_messages_and_releases_the_lease(services, other):
    subscribe(services)
    add_long_reports(services, 8)  # several messages, one second apart
    sender = SlowSender()
    stop = asyncio.Event()
    ticker = asyncio.create_task(run_push_ticker(services, sender, stop))

    await wait_for(lambda: len(sender.sent) == 1)
    stop.set()
    await asyncio.wait_for(ticker, timeout=10)

    assert 1 <= len(sender.sent) < len(services.store.deliveries.unfinished(1).parts)
    assert lease(other, PushLease).renew()  # released: another process pushes at once


async def wait_for(condition, timeout_s: float = 10.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.01)
