"""The operator's commands against the fake Bot API: /stats for administrators only, /version."""

from __future__ import annotations

import logging
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


@pytest.fixture
async def reporting(fake, sqlite_store, fake_matcher):
    """The bot with the admin's chat as its error_chat."""
    async with live_bot(
        fake, sqlite_store, fake_matcher, admins=[ADMIN], error_chat=ADMIN
    ) as running:
        yield running


def broken_counts():
    raise RuntimeError("table gone at /srv/digestbot/data/digestbot.sqlite3")


async def test_an_unexpected_error_is_reported_to_the_error_chat_once_per_cause(
    reporting, monkeypatch
):
    monkeypatch.setattr(reporting.services.store.stats, "chats", broken_counts)

    await reporting.send_and_wait(ADMIN, "/stats", count=2)
    [again] = await reporting.send_and_wait(ADMIN, "/stats")

    messages = reporting.fake.messages(ADMIN)
    reports = [m for m in messages if m.plain_text.startswith("digestbot: unexpected error")]
    assert len(reports) == 1
    [report] = reports
    assert "RuntimeError: table gone at digestbot.sqlite3" in report.plain_text
    assert "at bot.app.stats.collect_stats:" in report.plain_text
    assert "/srv" not in report.text and reporting.fake.token not in report.text
    assert f"/stats in chat {ADMIN}" in report.plain_text
    assert again.plain_text.startswith("Something went wrong")


def command_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.telegram.commandlog"]


async def test_each_command_gets_one_log_line_with_its_outcome_and_time(live, caplog):
    caplog.set_level(logging.INFO, logger="bot.telegram.commandlog")

    await live.send_and_wait(READER, "/version")
    await live.send_and_wait(READER, "/stats")
    await live.send_and_wait(READER, "just some text, no command")
    await live.wait_for(lambda: len(command_lines(caplog)) >= 2)  # logged after the answer

    lines = command_lines(caplog)
    assert [(r.command, r.chat_id, r.user_id, r.outcome) for r in lines] == [
        ("/version", READER, READER, "handled"),
        ("/stats", READER, READER, "handled"),
    ]
    assert all(isinstance(r.ms, int) and r.ms >= 0 for r in lines)
    assert (
        lines[0]
        .getMessage()
        .startswith(f"command /version chat {READER} user {READER}: handled in")
    )


async def test_a_failing_command_is_logged_with_its_error(live, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="bot.telegram.commandlog")
    monkeypatch.setattr(live.services.store.stats, "chats", broken_counts)
    live.services.settings.admins.append(READER)

    await live.send_and_wait(READER, "/stats@digest_test_bot now")
    await live.wait_for(lambda: command_lines(caplog))

    [line] = command_lines(caplog)
    assert (line.command, line.outcome) == ("/stats", "failed")


async def test_stats_speaks_the_chats_language(live):
    [shown] = await live.send_and_wait(ADMIN, "/stats", language_code="de")
    [refused] = await live.send_and_wait(READER, "/stats", language_code="de")

    assert shown.plain_text.startswith("Artikel der letzten 7 Tage (nach Eingang)\nKeine eingetr")
    assert "Ausstehende Zusammenfassungen: 0" in shown.plain_text
    assert "Fehlerhafte Feeds: keine" in shown.plain_text
    assert refused.plain_text == "Nur die Administratoren des Bots können /stats sehen."
