"""The one typed settings object, loaded once from the environment, `.env` and a TOML file.

Precedence: explicit arguments > environment (`DIGESTBOT_*`, plus `TELEGRAM_BOT_TOKEN`) > `.env`
in the working directory (the same names; other keys in it are left alone) > the TOML file
(`DIGESTBOT_CONFIG`, else `config/digestbot.toml` when present) > the defaults below. Relative
paths (`.env`, the TOML file, `data_dir`) are relative to the working directory, so `digestbot
config` shows each value's origin and the absolute database location. `config/digestbot.toml`
documents every key. Nothing else in the project reads `os.environ`.

`load_settings` turns every mistake into a `ConfigError` of one line per setting.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from bot.core.texts import LANGUAGES
from summarizer.defaults import (
    DEFAULT_INSTRUCT_PROMPT,
    NEWS_CATEGORIES,
    TEXT_SLOT,
    WINDOW_TOKENS,
    Precision,
)

DEFAULT_CONFIG_FILE = Path("config/digestbot.toml")
ENV_FILE = Path(".env")
ENV_PREFIX = "DIGESTBOT_"
TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
MAX_FEED_INTERVAL_S = 7 * 86_400  # the longest poll interval of a feed (a week)
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram's setWebhook accepts
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Telegram ids: besides a JSON list, the environment may give "12345", "1,2" or "1 2".
ChatIds = Annotated[list[int], NoDecode]


class ConfigError(Exception):
    """The settings could not be loaded; the message has one line per mistake."""


class Settings(BaseSettings):
    """Every setting of digestbot with its default; see config/digestbot.toml for documentation."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", env_file=ENV_FILE, env_file_encoding="utf-8"
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(TOKEN_VARIABLE, f"{ENV_PREFIX}TELEGRAM_BOT_TOKEN"),
    )
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    poll_timeout_s: int = 30
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    telegraph_token: SecretStr | None = None
    telegraph_api_url: str = "https://api.telegra.ph"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)

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
    queue: Literal["local", "procrastinate"] = "local"
    worker_stalled_after_s: float = Field(default=60.0, ge=2)

    digest_days: int = Field(default=7, ge=1)
    digest_page_size: int = Field(default=10, ge=1)
    topic_categories: list[str] = Field(default_factory=lambda: list(NEWS_CATEGORIES))
    default_schedule: str = "weekly mon 09:00"
    default_timezone: str = "UTC"
    default_language: str = "en"
    min_schedule_interval_s: int = Field(default=900, ge=1)
    max_subscriptions_per_chat: int = Field(default=50, ge=1)
    scheduler_tick_s: float = Field(default=30.0, gt=0)
    arrival_settle_s: float = Field(default=10.0, ge=0)
    send_retry_delays_s: list[float] = Field(default=[1.0, 4.0, 15.0])
    notify_empty_digest: bool = False
    push_summary_chars: int = Field(default=300, ge=40)
    delivery_concurrency: int = Field(default=8, ge=1)

    max_article_chars: int = Field(default=200_000, ge=1_000)
    keep_days: int = Field(default=0, ge=0)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    error_chat: int | None = None
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"

    fetch_connect_timeout_s: float = Field(default=5.0, gt=0)
    fetch_read_timeout_s: float = Field(default=10.0, gt=0)
    fetch_total_timeout_s: float = Field(default=30.0, gt=0)
    fetch_max_bytes: int = Field(default=5_000_000, ge=10_000)
    fetch_max_redirects: int = Field(default=5, ge=0)
    fetch_allowed_networks: list[str] = Field(default_factory=list)

    admins: ChatIds = Field(default_factory=list)
    allowed_chats: ChatIds = Field(default_factory=list)
    allowed_channels: ChatIds = Field(default_factory=list)
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

    @field_validator("webhook_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("not a web address (e.g. 'https://bot.example.org/telegram')")
        return value or None

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("Telegram takes 1 to 256 characters A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("admins", "allowed_chats", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if value.strip().startswith("["):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON list of ids: {exc}") from exc
        return [part for part in re.split(r"[\s,]+", value.strip()) if part]

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"unknown log level; use one of {', '.join(LOG_LEVELS).lower()}")
        return value.upper()

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Berlin')") from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _spoken_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            choices = ", ".join(LANGUAGES)
            raise ValueError(f"the bot has no texts in {value!r}; use one of {choices}")
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
        from bot.core.schedule import canonical_spec, parse_schedule

        return canonical_spec(parse_schedule(value))

    @field_validator("queue")
    @classmethod
    def _procrastinate_needs_postgresql(cls, value: str, info: ValidationInfo) -> str:
        url = info.data.get("database_url") or ""
        if value == "procrastinate" and not url.startswith("postgresql"):
            raise ValueError(
                "the procrastinate queue needs a PostgreSQL database_url "
                '("postgresql+psycopg://user:password@host:5432/dbname")'
            )
        return value

    @property
    def cluster_mode(self) -> bool:
        """Whether summaries and feed polls are jobs of `digestbot worker` processes on
        PostgreSQL (bot.cluster), rather than work of the bot's own process."""
        return self.queue == "procrastinate"

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: the setting, else a SQLite file in the data directory; a
        SQLite file's path is made absolute (it would be relative to the working directory)."""
        from sqlalchemy.engine import make_url

        if not self.database_url:
            return f"sqlite:///{(self.data_dir / 'digestbot.sqlite3').resolve()}"
        url = make_url(self.database_url)
        if (
            url.get_backend_name() != "sqlite"
            or url.database in (None, "", ":memory:")
            or url.database.startswith("file:")  # a SQLite URI (?uri=true) is left as written
        ):
            return self.database_url
        return url.set(database=str(Path(url.database).resolve())).render_as_string(
            hide_password=False
        )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        env_file = dotenv_settings.env_file  # ENV_FILE, or what `_env_file=` asked for
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            env_settings,
            _DigestbotDotEnv(settings_cls, env_file=env_file, env_prefix=ENV_PREFIX),
        ]
        if config_file().is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file()))
        return tuple(sources)

    @property
    def telegraph_enabled(self) -> bool:
        """Whether long digests are offered as one Telegraph page (a token is set)."""
        return bool(self.telegraph_token and self.telegraph_token.get_secret_value())

    def masked(self) -> dict[str, object]:
        """The effective settings as plain values, secrets masked, for `digestbot config`."""
        values = self.model_dump(mode="json")
        values["telegram_bot_token"] = "***" if self.telegram_bot_token else None
        values["webhook_secret"] = "***" if self.webhook_secret else None
        values["telegraph_token"] = "***" if self.telegraph_token else None
        values["effective_database_url"] = _mask_password(self.effective_database_url)
        if values.get("database_url"):
            values["database_url"] = _mask_password(values["database_url"])
        return values


class _DigestbotDotEnv(DotEnvSettingsSource):
    """`.env` read like the environment: only digestbot's names (a `.env` shared with other
    tools, such as docker compose, holds theirs too)."""

    def __call__(self) -> dict[str, Any]:
        known = set(self.settings_cls.model_fields) | {TOKEN_VARIABLE}
        return {key: value for key, value in super().__call__().items() if key in known}


def config_file() -> Path:
    """The TOML settings file: `DIGESTBOT_CONFIG`, else config/digestbot.toml (used if present)."""
    return Path(os.environ.get(f"{ENV_PREFIX}CONFIG", DEFAULT_CONFIG_FILE))


def load_settings() -> Settings:
    """The settings, or a ConfigError naming each wrong setting, its value and its origin."""
    try:
        return Settings()
    except ValidationError as exc:
        origins = setting_origins()
        raise ConfigError("\n".join(_explain(error, origins) for error in exc.errors())) from None
    except SettingsError as exc:
        raise ConfigError(f"{exc}: a list is written in JSON, e.g. [1.0, 4.0]") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_file().resolve()} is not valid TOML: {exc}") from None


def setting_origins() -> dict[str, str]:
    """Where each setting that is not left at its default comes from: an environment variable,
    or the absolute path of `.env` or of the TOML file (the first that has it wins)."""
    origins: dict[str, str] = {}
    toml_file = config_file()
    if toml_file.is_file():
        try:
            keys = tomllib.loads(toml_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
            keys = {}
        origins |= dict.fromkeys(keys, str(toml_file.resolve()))
    if ENV_FILE.is_file():
        for variable in dotenv_values(ENV_FILE):
            if name := _setting_named_by(variable):
                origins[name] = str(ENV_FILE.resolve())
    for variable in os.environ:
        if name := _setting_named_by(variable):
            origins[name] = f"environment variable {variable}"
    return origins


def _setting_named_by(variable: str) -> str | None:
    upper = variable.upper()
    if upper == TOKEN_VARIABLE:
        return "telegram_bot_token"
    name = upper.removeprefix(ENV_PREFIX).lower()
    return name if upper.startswith(ENV_PREFIX) and name in Settings.model_fields else None


def _explain(error: Any, origins: dict[str, str]) -> str:
    """One line about one validation error: the setting, its value, its origin, what is wrong."""
    name = str(error["loc"][0]) if error["loc"] else "settings"
    if name in ("TELEGRAM_BOT_TOKEN", f"{ENV_PREFIX}TELEGRAM_BOT_TOKEN"):
        name = "telegram_bot_token"
    origin = origins.get(name, "the defaults")
    if error["type"] == "extra_forbidden":
        return f"unknown setting {name!r} in {origin}; `digestbot config` lists the settings"
    value = "***" if name == "telegram_bot_token" else repr(error["input"])
    value = value if len(value) <= 80 else value[:77] + "..."
    message = error["msg"].removeprefix("Value error, ")
    return f"setting {name} = {value} (from {origin}): {message}"


def _mask_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
