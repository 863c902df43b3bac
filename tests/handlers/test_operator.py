"""The operator's commands against the fake Bot API: /stats for administrators only, /version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app.stats import package_version
from bot.core.domain import ArticleDraft
from tests.handlers.live import live_bot

ADMIN, READER = 4201, 4202


@pytest.fixture
async def live(fake, sqlite_store, fake_matcher):
    async with live_bot(fake, sqlite_store, fake_matcher, admins=[ADMIN]) as running:
        yield running


async def test_stats_shows_an_admin_the_articles_by_source_and_the_counts(live):
    store = live.services.store
    for index in range(3):
        store.articles.add(
            ArticleDraft(
                title=f"t{index}", text="Ports reopened.", source=f"https://wire.org/{index}"
            ),
            fingerprint=f"t{index}",
            received_at=datetime.now(UTC),
        )

    [answer] = await live.send_and_wait(ADMIN, "/stats")

    assert answer.plain_text.startswith("Articles of the last 7 days")
    [row] = [line for line in answer.plain_text.splitlines() if line.startswith("wire.org")]
    assert row.split()[-2:] == ["3", "3"]  # today, and the week's total
    assert "Summaries pending: 3" in answer.plain_text
    assert "Feeds failing: none" in answer.plain_text
    assert any(entity["type"] == "pre" for entity in answer.entities)


async def test_stats_is_refused_to_a_reader(live):
    [answer] = await live.send_and_wait(READER, "/stats")

    assert answer.plain_text == "Only the bot's administrators can see /stats."


async def test_version_answers_the_installed_version(live):
    [answer] = await live.send_and_wait(READER, "/version")

    assert answer.plain_text == f"digestbot {package_version()}"
    assert package_version() != "unknown"  # the tests run from an installed package
