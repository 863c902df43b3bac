"""Settings: defaults, environment over file, validation, secrets masked."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for name in ("TELEGRAM_BOT_TOKEN", "DIGESTBOT_DEFAULT_SCHEDULE", "DIGESTBOT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(tmp_path / "absent.toml"))


def test_defaults_need_no_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings()

    assert settings.telegram_bot_token is None
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'data/digestbot.sqlite3'}"
    assert settings.default_schedule == "weekly mon 09:00"
    assert settings.summarizer_backend == "extractive"


def test_environment_wins_over_the_toml_file(tmp_path, monkeypatch):
    config = tmp_path / "digestbot.toml"
    config.write_text('digest_days = 14\ndefault_schedule = "daily 07:30"\n')
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(config))
    monkeypatch.setenv("DIGESTBOT_DIGEST_DAYS", "3")

    settings = Settings()

    assert settings.digest_days == 3
    assert settings.default_schedule == "daily 07:30"


def test_token_is_read_from_telegram_bot_token_and_masked(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    settings = Settings(database_url="postgresql+psycopg://bot:pw@db/digests")

    shown = settings.masked()

    assert settings.telegram_bot_token.get_secret_value() == "123:secret"
    assert shown["telegram_bot_token"] == "***"
    assert "pw" not in str(shown) and "secret" not in str(shown)


@pytest.mark.parametrize(
    ("key", "value"),
    [("default_timezone", "Mars/Olympus"), ("default_schedule", "fortnightly"), ("bogus", "1")],
)
def test_invalid_settings_are_refused_with_the_key_named(key, value):
    with pytest.raises(ValidationError, match=key):
        Settings(**{key: value})


def test_the_shipped_config_file_is_valid(monkeypatch):
    monkeypatch.setenv("DIGESTBOT_CONFIG", "config/digestbot.toml")

    assert Settings().digest_days == 7
