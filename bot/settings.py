"""The one typed settings object, loaded once from the environment and an optional TOML file.

Precedence: explicit arguments > environment (`DIGESTBOT_*`, plus `TELEGRAM_BOT_TOKEN`) > the TOML
file (`DIGESTBOT_CONFIG`, else `config/digestbot.toml` when present) > the defaults below.
`config/digestbot.toml` documents every key. Nothing else in the project reads `os.environ`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from summarizer.encoder import WINDOW_TOKENS, Precision
from summarizer.instruct import DEFAULT_INSTRUCT_PROMPT, TEXT_SLOT
from summarizer.topics import NEWS_CATEGORIES

DEFAULT_CONFIG_FILE = Path("config/digestbot.toml")
MAX_FEED_INTERVAL_S = 7 * 86_400  # the longest poll interval of a feed (a week)


class Settings(BaseSettings):
    """Every setting of digestbot with its default; see config/digestbot.toml for documentation."""

    model_config = SettingsConfigDict(env_prefix="DIGESTBOT_", extra="forbid")

    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "DIGESTBOT_TELEGRAM_BOT_TOKEN"),
    )
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    poll_timeout_s: int = 30

    data_dir: Path = Path("data")
    database_url: str | None = None

    summarizer_backend: Literal["extractive", "seq2seq", "instruct"] = "extractive"
    summarizer_model: str | None = None
    summarizer_prompt: str = DEFAULT_INSTRUCT_PROMPT
    summary_max_new_tokens: int = Field(default=160, ge=8, le=1024)
    embedding_model: str = "default"
    embedding_window_tokens: int = Field(default=WINDOW_TOKENS, ge=8)
    embedding_precision: Precision = "auto"
    summary_sentences: int = Field(default=3, ge=1, le=10)
    worker_batch_size: int = Field(default=8, ge=1)
    worker_in_process: bool = True
    worker_idle_s: float = Field(default=30.0, gt=0)

    digest_days: int = Field(default=7, ge=1)
    digest_page_size: int = Field(default=10, ge=1)
    topic_categories: list[str] = Field(default_factory=lambda: list(NEWS_CATEGORIES))
    default_schedule: str = "weekly mon 09:00"
    default_timezone: str = "UTC"
    min_schedule_interval_s: int = Field(default=900, ge=1)
    max_subscriptions_per_chat: int = Field(default=50, ge=1)
    scheduler_tick_s: float = Field(default=30.0, gt=0)
    arrival_settle_s: float = Field(default=10.0, ge=0)
    send_retry_delays_s: list[float] = Field(default=[1.0, 4.0, 15.0])
    notify_empty_digest: bool = False
    push_summary_chars: int = Field(default=300, ge=40)
    delivery_concurrency: int = Field(default=8, ge=1)

    max_article_chars: int = Field(default=200_000, ge=1_000)
    log_level: str = "INFO"

    fetch_connect_timeout_s: float = Field(default=5.0, gt=0)
    fetch_read_timeout_s: float = Field(default=10.0, gt=0)
    fetch_total_timeout_s: float = Field(default=30.0, gt=0)
    fetch_max_bytes: int = Field(default=5_000_000, ge=10_000)
    fetch_max_redirects: int = Field(default=5, ge=0)
    fetch_allowed_networks: list[str] = Field(default_factory=list)

    admins: list[int] = Field(default_factory=list)
    allowed_chats: list[int] = Field(default_factory=list)
    allowed_channels: list[int] = Field(default_factory=list)
    max_articles_per_chat_per_hour: int = Field(default=60, ge=1)

    feed_interval_s: int = Field(default=1800, ge=1, le=MAX_FEED_INTERVAL_S)
    feed_tick_s: float = Field(default=60.0, gt=0)
    feed_max_backoff_s: int = Field(default=86_400, ge=1)

    @field_validator("summarizer_prompt")
    @classmethod
    def _prompt_has_a_text_slot(cls, value: str) -> str:
        if TEXT_SLOT not in value:
            raise ValueError(f"the prompt must contain {TEXT_SLOT} where the article text goes")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Berlin')") from exc
        return value

    @field_validator("fetch_allowed_networks")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(f"{network!r} is not a network (e.g. '127.0.0.0/8')") from exc
        return value

    @field_validator("default_schedule")
    @classmethod
    def _valid_schedule(cls, value: str) -> str:
        from bot.schedule import canonical_spec, parse_schedule

        return canonical_spec(parse_schedule(value))

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: the setting, else a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'digestbot.sqlite3').resolve()}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get("DIGESTBOT_CONFIG", DEFAULT_CONFIG_FILE))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if config_file.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    def masked(self) -> dict[str, object]:
        """The effective settings as plain values, secrets masked, for `digestbot config`."""
        values = self.model_dump(mode="json")
        values["telegram_bot_token"] = "***" if self.telegram_bot_token else None
        values["effective_database_url"] = _mask_password(self.effective_database_url)
        if values.get("database_url"):
            values["database_url"] = _mask_password(values["database_url"])
        return values


def _mask_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
