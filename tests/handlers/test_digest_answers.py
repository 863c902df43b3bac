"""/digest answers go out through the sender pushes use (bot.telegram.sender), with its repair of
refused messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.summaries import process_batch
from bot.core.domain import ArticleDraft

CHAT = 4101
RUSSIA = (
    "Russia expanded its gas exports to Asia this year. Russian officials in Moscow said the "
    "Kremlin wants Russia to sell more gas to China. Russia signed new contracts with buyers. "
) * 3


async def test_a_digest_answer_refused_for_its_markup_is_sent_as_plain_text(live, fake):
    store = live.services.store
    store.articles.add(
        ArticleDraft(title="Russia gas exports", text=RUSSIA, source="wire.txt"),
        fingerprint="russia",
        received_at=datetime.now(UTC) - timedelta(hours=1),
    )
    process_batch(store, live.services.summarizer, live.services.matcher, limit=10)
    fake.fail_next(
        "sendMessage", "400", chat_id=CHAT,
        description="Bad Request: can't parse entities: Unsupported start tag \"b\" at byte 0",
    )  # fmt: skip

    [answer] = await live.send_and_wait(CHAT, "/digest russia")

    assert answer.plain_text.startswith("Digest: russia") and answer.entities == []
    assert "Russia gas exports" in answer.plain_text
    assert [call.status for call in fake.calls("sendMessage")] == [400, 200]
