"""End to end on PostgreSQL: two push processes (`digestbot pusher`'s code, tests/e2e/pusher.py)
share one database's pushes, against the fake Bot API enforcing Telegram's flood limits.

Every chat gets its digest once, at Telegram's pace (one process sends; its rate limiter paces
the fleet); the process sending is killed half-way and the other resumes, duplicating at most
the messages in flight (one per concurrent delivery), each logged; and without the lease and the
claims, two processes duplicate digests (the negative control: these tests can see them).

DIGESTBOT_CLUSTER_CHATS sets the number of chats (1,500 by default: about a minute at 30/s;
bench/push_fleet.py runs 10,000).
"""

from __future__ import annotations

import sys
import time

import pytest

from bot.config import Settings
from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.fleet import Fleet, chats_wanted, figures, subscribe_chats

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

CHATS = chats_wanted(1_500)
PUSHER = [sys.executable, "-m", "tests.e2e.pusher"]
MOST_REFUSED = 0.05  # of the sends, answered 429 (jitter and a busy CPU bunch a few)
AFTER_THE_END_S = 3.0  # more ticks of both processes: a late duplicate would be sent by then
RESUMED = "at message 1 of 1; that message may have reached"


def run_timeout_s(chats: int) -> float:
    """Long enough for `chats` messages at 20/s, a push lease to expire and start-up."""
    return chats / 20 + 90


@pytest.fixture
def fake():
    with FakeBotAPI(enforce_limits=True) as server:
        yield server


@pytest.fixture
def fleet(fake, store, tmp_path):
    url = store.engine.url.render_as_string(hide_password=False)
    started = Fleet(fake, tmp_path, url, PUSHER)
    yield started
    started.stop()
    for index in range(len(started.processes)):
        print(f"--- pusher {index}\n{started.log(index)[-5000:]}")


def settle(fleet: Fleet) -> None:
    """Let the processes tick on past the end, then stop them."""
    time.sleep(AFTER_THE_END_S)
    fleet.stop()


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_two_pushers_send_every_digest_once_at_telegrams_pace(fake, store, fleet):
    subscribe_chats(store, fake, CHATS)

    fleet.start(2)
    fleet.wait_until(lambda: fleet.sent() >= CHATS, run_timeout_s(CHATS), "every digest")
    sending = fleet.holder()
    settle(fleet)

    result = figures(fake, CHATS)
    print(result)
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.sent == CHATS  # the pace (≥ 25 messages/s) is bench/push_fleet.py's figure
    # the fake admits at most 30 a second (what Telegram counts); a send past that is answered
    # 429: one process's rate limiter paces the fleet, so hardly any (two limiters: ~1 in 4)
    assert result.flood_answers <= CHATS * MOST_REFUSED
    waiting = fleet.log(1 - sending)  # the other process ticked, and left the pushes alone
    assert "another digestbot process is sending this database's pushes" in waiting


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_when_the_sending_pusher_is_killed_half_way_the_other_resumes(fake, store, fleet):
    subscribe_chats(store, fake, CHATS)

    fleet.start(2)
    fleet.wait_until(lambda: fleet.sent() >= CHATS // 2, run_timeout_s(CHATS), "half the digests")
    killed = fleet.holder()
    fleet.kill(killed)
    fleet.wait_until(lambda: fleet.sent() >= CHATS, run_timeout_s(CHATS), "every digest")
    survivor_log = fleet.log(1 - killed)
    settle(fleet)

    result = figures(fake, CHATS)
    print(result)
    assert result.lost == 0
    assert result.duplicated <= Settings().delivery_concurrency
    for chat in result.duplicated_chats:  # each possible duplicate is logged where it resumed
        assert f"to chat {chat} {RESUMED}" in survivor_log
    assert "this process now sends the pushes" in survivor_log


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_two_pushers_without_lease_and_claims_send_duplicates(fake, store, fleet):
    chats = 600
    subscribe_chats(store, fake, chats)

    fleet.start(2, "--unclaimed")
    fleet.wait_until(lambda: fleet.sent() >= chats, run_timeout_s(chats), "every digest")
    settle(fleet)

    result = figures(fake, chats)
    print(result)
    assert result.duplicated > 0, result
    assert result.flood_answers > chats * MOST_REFUSED  # two rate limiters, each at the cap
