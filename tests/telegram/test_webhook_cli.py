"""`digestbot set-webhook` and `digestbot web` from the command line: the webhook set with its
secret at the fake Bot API, and a missing setting told in one line before anything opens."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import SETUP_ERROR_EXIT_CODE, app
from bot.sandbox.fakebot import FakeBotAPI

runner = CliRunner()
URL = "https://bot.example.org/telegram"
SECRET = "cli_secret-2"


@pytest.fixture
def fake(tmp_path, monkeypatch):
    with FakeBotAPI() as server:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", server.token)
        monkeypatch.setenv("DIGESTBOT_TELEGRAM_API_URL", f"{server.url}/bot")
        monkeypatch.setenv("DIGESTBOT_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("DIGESTBOT_CONFIG", str(tmp_path / "absent.toml"))
        monkeypatch.setenv("DIGESTBOT_WEBHOOK_URL", URL)
        monkeypatch.setenv("DIGESTBOT_WEBHOOK_SECRET", SECRET)
        yield server


def test_set_webhook_gives_telegram_the_url_and_the_secret(fake):
    fake.send_text(42, "held by Telegram")

    result = runner.invoke(app, ["set-webhook"])

    assert result.exit_code == 0, result.output
    assert f"webhook set: {URL} (1 updates pending)" in result.output
    assert (fake.webhook["url"], fake.webhook["secret_token"]) == (URL, SECRET)


def test_set_webhook_may_drop_the_pending_updates(fake):
    fake.send_text(42, "held by Telegram")

    result = runner.invoke(app, ["set-webhook", "--drop-pending-updates"])

    assert result.exit_code == 0, result.output
    assert fake.pending_updates() == []


@pytest.mark.parametrize("command", ["web", "set-webhook"])
def test_a_missing_webhook_secret_is_one_line_before_the_database_opens(
    fake, tmp_path, monkeypatch, command
):
    monkeypatch.delenv("DIGESTBOT_WEBHOOK_SECRET")

    result = runner.invoke(app, [command])

    assert result.exit_code == SETUP_ERROR_EXIT_CODE
    assert "webhook_secret is not set" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "data").exists()
    assert fake.webhook is None
