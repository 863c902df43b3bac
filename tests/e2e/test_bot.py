"""End to end: the real bot process, with the real default model, against the fake Bot API.

A user starts the bot, sends articles and files, asks for digests, subscribes, and receives
pushes; the bot is restarted and nothing arrives twice.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

CHAT = 1001
SUMMARY_TIMEOUT_S = 120.0
PERIOD_S = 4
LEASE_WAIT = "another digestbot process is sending this database's pushes"
# two or three processes loading the model: on a busy machine more than the default 300 s
RESTARTS = pytest.mark.timeout(600)


@pytest.fixture
def bot(fake, tmp_path):
    with BotProcess(fake, tmp_path, default_schedule=f"every {PERIOD_S}s") as process:
        yield process


def texts(fake: FakeBotAPI, chat_id: int = CHAT) -> list[str]:
    return [m.plain_text for m in fake.messages(chat_id)]


def digests(fake: FakeBotAPI, topic: str, chat_id: int = CHAT) -> list[str]:
    return [t for t in texts(fake, chat_id) if t.startswith(f"Digest: {topic}")]


def wait_for_summary(fake: FakeBotAPI, message_id: int) -> str:
    """The text of a reply once the summary has been edited into it."""
    fake.wait_for(
        lambda: any(
            m.message_id == message_id and "Summarizing" not in m.plain_text
            for m in fake.messages(CHAT)
        ),
        timeout=SUMMARY_TIMEOUT_S,
        what="the summary to be edited in",
    )
    return next(m.plain_text for m in fake.messages(CHAT) if m.message_id == message_id)


def send_article(fake: FakeBotAPI, name: str) -> list:
    return fake.send_and_wait(CHAT, (FIXTURES / name).read_text(), count=1, timeout=30)


def test_start_shows_the_guide_and_sets_the_command_menu(fake, bot):
    [reply] = fake.send_and_wait(CHAT, "/start", timeout=15)

    assert "/digest" in reply.plain_text and "/subscribe" in reply.plain_text
    assert {c["command"] for c in fake.commands} >= {
        "digest",
        "subscribe",
        "unsubscribe",
        "subscriptions",
        "topics",
        "help",
    }


def test_unknown_command_gets_a_pointer_to_help(fake, bot):
    [reply] = fake.send_and_wait(CHAT, "/frobnicate now", timeout=15)

    assert "/frobnicate" in reply.plain_text and "/help" in reply.plain_text


def test_pasted_article_is_stored_then_its_summary_edited_in(fake, bot):
    [reply] = send_article(fake, "kremlin_energy.txt")

    assert reply.plain_text.startswith("Stored: Kremlin Tightens Grip on Gas Exports")
    completed = wait_for_summary(fake, reply.message_id)
    assert "Kremlin" in completed.split("\n\n", 1)[1]

    [again] = send_article(fake, "kremlin_energy.txt")
    assert again.plain_text.startswith("Already stored: Kremlin Tightens Grip")


def test_uploaded_issue_is_split_into_its_articles(fake, bot):
    data = (FIXTURES / "quarterly_review.md").read_bytes()
    fake.send_document(CHAT, "quarterly_review.md", data, mime_type="text/markdown")

    replies = fake.wait_for_messages(CHAT, 2, timeout=30)

    assert [r.plain_text.splitlines()[0] for r in replies] == [
        "Stored: Moscow Courts African Leaders With Grain and Guns",
        "Stored: Brazilian Farmers Expect a Record Soybean Harvest",
    ]
    assert "quarterly_review.md · Anna Petrova" in replies[0].plain_text


def test_empty_and_unsupported_input_get_a_clear_answer(fake, bot):
    [short] = fake.send_and_wait(CHAT, "hello there", timeout=15)
    fake.send_document(CHAT, "photo.png", b"\x89PNG\r\n", mime_type="image/png")
    [unsupported] = fake.wait_for_messages(CHAT, 2, timeout=15)[1:]

    assert "too short" in short.plain_text.lower()
    assert "photo.png" in unsupported.plain_text and ".txt" in unsupported.plain_text


def test_digest_selects_articles_about_the_topic_only(fake, bot):
    for name in ("kremlin_energy.txt", "kazakh_border.txt"):
        [reply] = send_article(fake, name)
        wait_for_summary(fake, reply.message_id)

    replies = fake.send_and_wait(CHAT, "/digest russia", timeout=60)
    digest = replies[0].plain_text

    assert digest.startswith("Digest: russia")
    assert "Kremlin Tightens Grip on Gas Exports" in digest
    assert "Kazakhstan Summons Chinese Envoy" not in digest
    [past_the_end] = fake.send_and_wait(CHAT, "/digest russia 2", timeout=60)
    assert "has 1 page; the last is page 1" in past_the_end.plain_text

    [none] = fake.send_and_wait(CHAT, "/digest volcanology", timeout=60)
    assert "No articles about volcanology" in none.plain_text
    assert "moscow" in none.plain_text.splitlines()[1]
    assert "russia OR ukraine" in none.plain_text
    [nothing_wanted] = fake.send_and_wait(CHAT, "/digest -taiwan", timeout=60)
    assert "asks for nothing to match" in nothing_wanted.plain_text

    [subjects] = fake.send_and_wait(CHAT, "/topics", timeout=30)
    assert subjects.plain_text.startswith("Subjects of the last 7 days")
    assert "moscow — 1 article" in subjects.plain_text


@RESTARTS
def test_subscription_pushes_new_articles_once_even_across_restarts(fake, bot, tmp_path):
    [confirmation] = fake.send_and_wait(CHAT, "/subscribe russia", timeout=15)
    assert "Subscribed to russia" in confirmation.plain_text

    [reply] = send_article(fake, "kremlin_energy.txt")
    wait_for_summary(fake, reply.message_id)
    fake.wait_for(lambda: digests(fake, "russia"), timeout=60, what="the first push")
    [first] = digests(fake, "russia")
    assert "Kremlin Tightens Grip on Gas Exports" in first

    bot.stop()
    bot.start()
    bot.wait_for_runs_after(datetime.now(UTC), [CHAT], PERIOD_S)
    assert len(digests(fake, "russia")) == 1  # a duplicate would have arrived by now
    assert LEASE_WAIT not in bot.log()  # the stopped bot released its push lease

    fake.send_document(CHAT, "quarterly_review.md", (FIXTURES / "quarterly_review.md").read_bytes())
    fake.wait_for(lambda: len(digests(fake, "russia")) == 2, timeout=90, what="the second push")
    second = digests(fake, "russia")[1]
    assert "Moscow Courts African Leaders" in second
    assert "Kremlin Tightens Grip" not in second
    assert "Brazilian Farmers" not in second

    [listing] = fake.send_and_wait(CHAT, "/subscriptions", timeout=15)
    assert "russia" in listing.plain_text and "every 4 s" in listing.plain_text


@RESTARTS
def test_digest_missed_while_the_bot_was_down_is_sent_once_on_return(fake, bot):
    fake.send_and_wait(CHAT, "/subscribe russia", timeout=15)
    bot.stop()
    stopped_at = time.monotonic()

    ingested = bot.cli("ingest", str(FIXTURES / "kremlin_energy.txt"))
    assert ingested.returncode == 0, ingested.stderr
    time.sleep(max(0.0, stopped_at + 2 * PERIOD_S + 1 - time.monotonic()))  # two slots pass

    bot.start()
    fake.wait_for(lambda: digests(fake, "russia"), timeout=60, what="the missed push")
    bot.wait_for_runs_after(datetime.now(UTC), [CHAT], PERIOD_S)

    [pushed] = digests(fake, "russia")
    assert "Kremlin Tightens Grip on Gas Exports" in pushed


def test_unsubscribed_chat_gets_no_more_pushes(fake, bot):
    fake.send_and_wait(CHAT, "/subscribe russia", timeout=15)
    [reply] = fake.send_and_wait(CHAT, "/unsubscribe russia", timeout=15)
    assert "Unsubscribed from russia" in reply.plain_text

    [stored] = send_article(fake, "kremlin_energy.txt")
    wait_for_summary(fake, stored.message_id)
    time.sleep(6)

    assert digests(fake, "russia") == []


def pages(fake: FakeBotAPI, marker: str) -> list:
    return [m for m in fake.messages(CHAT) if marker in m.plain_text]


def test_next_page_button_sends_the_following_page(fake, tmp_path):
    with BotProcess(fake, tmp_path, digest_page_size="1"):
        fake.send_document(
            CHAT, "quarterly_review.md", (FIXTURES / "quarterly_review.md").read_bytes()
        )
        fake.wait_for_messages(CHAT, 2, timeout=30)
        fake.send_text(CHAT, "/digest russia OR soybean")
        fake.wait_for(lambda: pages(fake, "page 1 of 2"), timeout=120, what="the first page")
        [first] = pages(fake, "page 1 of 2")
        buttons = [b for row in first.reply_markup["inline_keyboard"] for b in row]
        [button] = [b for b in buttons if b["text"].startswith("Next page")]
        assert any(b["text"].startswith("Whole digest") for b in buttons)

        fake.press_button(CHAT, first.message_id, button["callback_data"])
        fake.wait_for(lambda: pages(fake, "page 2 of 2"), timeout=120, what="the second page")
        [second] = pages(fake, "page 2 of 2")
        [first] = pages(fake, "page 1 of 2")  # as it reads now

    titles = {"Moscow Courts African Leaders", "Brazilian Farmers Expect"}
    shown = [next(t for t in titles if t in m.plain_text) for m in (first, second)]
    assert sorted(shown) == sorted(titles)
    last_buttons = [b["text"] for row in second.reply_markup["inline_keyboard"] for b in row]
    assert not any(text.startswith("Next page") for text in last_buttons)  # no page after it
    assert not first.reply_markup  # the buttons were taken off once Next page was pressed
