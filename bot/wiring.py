"""Wiring: the settings, the store and the (lazily loaded) models that the bot, the worker and
the CLI share. Building it opens the database but loads no model."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from threading import Thread
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from bot.app.services import Services
from bot.config import ConfigError, Settings
from bot.metrics import watch_backlog
from bot.store import open_store
from summarizer.backends import load_summarizer
from summarizer.encoder import SentenceEncoder
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.settings import TopicSettings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord has; anything else on a record came with `extra=`.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def build_services(settings: Settings) -> Services:
    """Open the database (migrating it) and set up the models, which load on first use. In
    cluster mode the job queue's schema is applied too, and storing an article queues its
    summary job."""
    encoder = SentenceEncoder(
        settings.embedding_model,
        window_tokens=settings.embedding_window_tokens,
        precision=settings.embedding_precision,
    )
    summarizer = load_summarizer(
        settings.summarizer_backend,
        model=settings.summarizer_model,
        encoder=encoder,
        sentences=settings.summary_sentences,
        max_new_tokens=settings.summary_max_new_tokens,
        prompt=settings.summarizer_prompt,
    )
    store = open_store(settings.effective_database_url)
    if settings.cluster_mode:  # storing an article queues its summary job (bot.cluster)
        from bot.cluster.queue import SummaryJobs, apply_queue_schema  # needs the postgres extra

        apply_queue_schema(settings.effective_database_url)
        store.articles.call_on_insert(SummaryJobs(settings.effective_database_url).queue_in)
    return Services(
        settings=settings,
        store=store,
        summarizer=summarizer,
        matcher=TopicMatcher(encoder, settings=topic_settings(settings)),
    )


def serve_metrics(services: Services) -> tuple[WSGIServer, Thread] | None:
    """Serve the Prometheus metrics (bot.metrics) at /metrics on `metrics_port`, in a thread,
    with the store's backlog read at each scrape; None when the port is 0 (the default).
    ConfigError when the port cannot be served (taken, or a wrong `metrics_host`)."""
    settings = services.settings
    if not settings.metrics_port:
        return None
    store, model_key = services.store, services.summarizer.model_key
    watch_backlog(lambda: store.backlog.read(model_key, datetime.now(UTC)))
    try:
        served = start_http_server(settings.metrics_port, addr=settings.metrics_host)
    except OSError as exc:
        raise ConfigError(
            f"setting metrics_port = {settings.metrics_port}: cannot serve metrics on "
            f"{settings.metrics_host}: {exc.strerror or exc}"
        ) from None
    logging.getLogger(__name__).info(
        "metrics at http://%s:%d/metrics", settings.metrics_host, settings.metrics_port
    )
    return served


def topic_settings(settings: Settings) -> TopicSettings:
    """The topic matcher's settings: the configured categories, the other knobs' defaults."""
    return TopicSettings(categories=tuple(settings.topic_categories))


def configure_logging(settings: Settings) -> None:
    """Log to stderr at the configured level, as text lines or (`log_format = "json"`) JSON
    lines; keep HTTP client chatter down."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler])
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, the fields given
    with `extra=` (a command's chat_id, user_id, command, outcome, ms), and the traceback of an
    exception as `exception`.

    The standard library's logging, with this formatter: a dozen lines did not justify a new
    dependency such as python-json-logger, and every module keeps logging as it does.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
