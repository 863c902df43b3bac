"""End to end: a digest over a period named in chat, and an empty digest that points to older
articles instead of suggesting the topic it just found nothing for."""

from __future__ import annotations

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

CHAT = 1002
ANSWER_TIMEOUT_S = 120.0
# Two Russia articles published long before the last 7 days, one recent article on another topic.
KREMLIN_2024 = "Date: 2024-11-03\n\n" + (FIXTURES / "kremlin_energy.txt").read_text()
AFRICA_2024 = "Date: 2024-11-05\n\n" + (FIXTURES / "quarterly_review.md").read_text().split(
    "**Brazilian"
)[0].replace("**", "").replace("*", "")


def answer(fake: FakeBotAPI, text: str) -> str:
    [reply] = fake.send_and_wait(CHAT, text, timeout=ANSWER_TIMEOUT_S)
    return reply.plain_text


def test_an_empty_digest_points_to_older_articles_and_their_period_pages_with_the_button(
    fake, tmp_path
):
    with BotProcess(fake, tmp_path, digest_page_size="1"):
        for text in (KREMLIN_2024, AFRICA_2024, (FIXTURES / "kazakh_border.txt").read_text()):
            assert answer(fake, text).startswith("Stored: ")

        empty = answer(fake, "/digest russia")
        unreadable_page = answer(fake, "/digest russia ²")
        too_long = answer(fake, "/digest russia 99999d")
        [first] = fake.send_and_wait(CHAT, "/digest russia 3650d", timeout=ANSWER_TIMEOUT_S)
        buttons = [b for row in first.reply_markup["inline_keyboard"] for b in row]
        [button] = [b for b in buttons if b["text"].startswith("Next page")]
        fake.press_button(CHAT, first.message_id, button["callback_data"])
        fake.wait_for(
            lambda: any("page 2 of 2" in m.plain_text for m in fake.messages(CHAT)),
            timeout=ANSWER_TIMEOUT_S,
            what="the second page",
        )
        second = next(m for m in fake.messages(CHAT) if "page 2 of 2" in m.plain_text)

    head, *rest = empty.splitlines()
    assert head == (
        "No articles about russia in the last 7 days; "
        "2 from the last 3650 days match: /digest russia 3650d."
    )
    assert "russia" not in " ".join(rest)
    assert unreadable_page.startswith("No articles about russia ² in the last 7 days")
    assert too_long == "A period is 1 to 3650 days, e.g. /digest russia 30d."
    assert first.plain_text.startswith("Digest: russia")
    assert "2 articles · page 1 of 2" in first.plain_text
    assert first.plain_text.endswith("page 1 of 2 — /digest russia 3650d 2 for more")
    assert button["callback_data"] == "p:2:3650d:russia"
    titles = ("Kremlin Tightens Grip on Gas Exports", "Moscow Courts African Leaders")
    assert sorted(next(t for t in titles if t in m.plain_text) for m in (first, second)) == sorted(
        titles
    )
