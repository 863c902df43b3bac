"""A "Summarizing…" answer is recorded until its summary is added, so a restart after a crash
completes it instead of leaving it unfinished forever."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

from bot.app.services import Services
from bot.app.summaries import StoreWatcher
from bot.config import Settings
from bot.core.domain import ArticleDraft, PendingReply
from bot.telegram.handlers.articles import resume_summary_replies
from bot.telegram.handlers.context import SERVICES_KEY, WORKER_KEY

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class EditingBot:
    def __init__(self) -> None:
        self.edits: list[tuple[int, int, str]] = []

    async def edit_message_text(self, text: str, *, chat_id: int, message_id: int, **_) -> None:
        self.edits.append((chat_id, message_id, text))


async def test_a_summarizing_answer_left_by_a_crash_is_completed_at_start(
    sqlite_store, fake_summarizer, fake_matcher
):
    draft = ArticleDraft(title="Gas exports", text="Russia sells gas to China.", source="a.txt")
    article, _ = sqlite_store.articles.add(draft, fingerprint="f", received_at=NOW)
    sqlite_store.chats.remember_reply(PendingReply(7, 42, article.id, created=True))
    sqlite_store.summaries.save(article.id, fake_summarizer.model_key, text="Russia sells gas.")
    services = Services(Settings(), sqlite_store, fake_summarizer, fake_matcher)
    tasks: list[asyncio.Future] = []
    bot = EditingBot()
    context = SimpleNamespace(
        bot=bot,
        application=SimpleNamespace(
            bot_data={
                SERVICES_KEY: services,
                WORKER_KEY: StoreWatcher(sqlite_store, fake_summarizer.model_key),
            },
            create_task=lambda work, update=None: tasks.append(asyncio.ensure_future(work)),
        ),
    )

    await resume_summary_replies(context)
    await asyncio.gather(*tasks)

    [(chat_id, message_id, text)] = bot.edits
    assert (chat_id, message_id) == (7, 42)
    assert "Russia sells gas." in text and "Summarizing" not in text
    assert sqlite_store.chats.pending_replies() == []
