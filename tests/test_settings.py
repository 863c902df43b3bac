"""Settings: defaults, environment over .env over file, validation, secrets masked; id lists
written the way people write them; every mistake told in one line naming the setting, its value
and where it came from."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from bot.config import ConfigError, Settings, load_settings, setting_origins


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
    assert ":pw@" not in str(shown) and "123:secret" not in str(shown)


def test_webhook_secret_is_masked_and_checked_as_telegram_does(monkeypatch):
    monkeypatch.setenv("DIGESTBOT_WEBHOOK_SECRET", "s3cret_Token-1")

    settings = Settings(webhook_url="https://bot.example.org/telegram")

    assert settings.webhook_secret.get_secret_value() == "s3cret_Token-1"
    assert settings.masked()["webhook_secret"] == "***"
    assert "s3cret_Token-1" not in str(settings.masked())
    monkeypatch.setenv("DIGESTBOT_WEBHOOK_SECRET", "no spaces allowed")
    with pytest.raises(ConfigError, match="webhook_secret"):
        load_settings()


def test_webhook_url_must_be_a_web_address(monkeypatch):
    monkeypatch.setenv("DIGESTBOT_WEBHOOK_URL", "bot.example.org/telegram")

    with pytest.raises(ConfigError, match="webhook_url"):
        load_settings()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("default_timezone", "Mars/Olympus"),
        ("default_schedule", "fortnightly"),
        ("default_language", "fr"),
        ("bogus", "1"),
    ],
)
def test_invalid_settings_are_refused_with_the_key_named(key, value):
    with pytest.raises(ValidationError, match=key):
        Settings(**{key: value})


def test_the_shipped_config_file_is_valid(monkeypatch):
    monkeypatch.setenv("DIGESTBOT_CONFIG", "config/digestbot.toml")

    assert Settings().digest_days == 7


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory, no settings file, no DIGESTBOT_* variables."""
    monkeypatch.chdir(tmp_path)
    for variable in [v for v in os.environ if v.startswith("DIGESTBOT_")]:
        monkeypatch.delenv(variable)
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(tmp_path / "absent.toml"))
    return tmp_path


@pytest.mark.parametrize(
    ("written", "ids"),
    [
        ("12345", [12345]),
        ("1,2", [1, 2]),
        ("1 2", [1, 2]),
        ("[1, 2]", [1, 2]),
        ("-100 7", [-100, 7]),
    ],
)
def test_admin_ids_may_be_one_number_a_comma_or_space_list_or_json(
    workdir, monkeypatch, written, ids
):
    monkeypatch.setenv("DIGESTBOT_ADMINS", written)
    monkeypatch.setenv("DIGESTBOT_ALLOWED_CHATS", written)

    settings = load_settings()

    assert settings.admins == ids and settings.allowed_chats == ids


def test_dotenv_in_the_working_directory_is_read_and_its_other_keys_left_alone(workdir):
    (workdir / ".env").write_text(
        "DIGESTBOT_LOG_LEVEL=debug\nTELEGRAM_BOT_TOKEN=1:abc\nPOSTGRES_PASSWORD=x\n"
    )

    settings = load_settings()

    assert settings.log_level == "DEBUG"
    assert settings.telegram_bot_token.get_secret_value() == "1:abc"


def test_the_environment_wins_over_dotenv_which_wins_over_the_toml_file(workdir, monkeypatch):
    toml = workdir / "digestbot.toml"
    toml.write_text("digest_days = 3\ndigest_page_size = 4\nworker_batch_size = 5\n")
    (workdir / ".env").write_text("DIGESTBOT_DIGEST_PAGE_SIZE=6\nDIGESTBOT_WORKER_BATCH_SIZE=7\n")
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(toml))
    monkeypatch.setenv("DIGESTBOT_WORKER_BATCH_SIZE", "8")

    settings = load_settings()

    assert (settings.digest_days, settings.digest_page_size, settings.worker_batch_size) == (
        3,
        6,
        8,
    )
    origins = setting_origins()
    assert origins["digest_days"] == str(toml)
    assert origins["digest_page_size"] == str(workdir / ".env")
    assert origins["worker_batch_size"] == "environment variable DIGESTBOT_WORKER_BATCH_SIZE"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("DIGESTBOT_DEFAULT_TIMEZONE", "Mars/Olympus", "default_timezone = 'Mars/Olympus'"),
        ("DIGESTBOT_LOG_LEVEL", "verbose", "log_level = 'verbose'"),
        ("DIGESTBOT_ADMINS", "12345 abc", "admins = 'abc'"),
        ("DIGESTBOT_SEND_RETRY_DELAYS_S", "1,2", "send_retry_delays_s"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it_its_value_and_its_origin(
    workdir, monkeypatch, variable, value, named
):
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    [line] = str(raised.value).splitlines()
    assert named in line
    assert variable in line or "JSON" in line


def test_each_wrong_setting_of_a_toml_file_gets_its_line(workdir, monkeypatch):
    toml = workdir / "digestbot.toml"
    toml.write_text('log_level = "loud"\ndigest_dayz = 3\n')
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(toml))

    with pytest.raises(ConfigError) as raised:
        load_settings()

    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert all(str(toml) in line for line in lines)


def test_a_relative_sqlite_url_is_shown_absolute(workdir, monkeypatch):
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", "sqlite:///data/bot.sqlite3")

    assert Settings().effective_database_url == f"sqlite:///{workdir / 'data' / 'bot.sqlite3'}"


def test_a_sqlite_uri_is_left_as_written(workdir, monkeypatch):
    url = f"sqlite:///file:{workdir / 'bot.sqlite3'}?mode=ro&uri=true"
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", url)

    assert Settings().effective_database_url == url
