"""Webhook mode (`digestbot web`): Telegram POSTs each update to this process, an ASGI app
(Starlette under uvicorn) in front of the application `build_application(polling=False)` builds,
which has no updater. Any number of replicas may share one PostgreSQL database behind a reverse
proxy.

An update is answered at once: the secret token checked (403 without it), the body parsed (400
when it is not an update), its id recorded (`store.updates.take`: the one replica whose insert
wrote the row takes it, a duplicate is answered 200 and dropped), then it is queued for the
application, which handles chats concurrently and each chat in order as in polling mode. A
database that cannot record the id gets 503, so Telegram delivers the update again later. An
update taken by a replica that dies before handling it is lost (at most once).

`/healthz` answers while the process runs (liveness); `/readyz` answers 200 once the database
answers, the application runs and the warm-up ended, else 503 with the reason in JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.ext import Application, ContextTypes

from bot.app.services import Services
from bot.config import Settings
from bot.metrics import WEBHOOK_POSTS
from bot.store import DatabaseUnavailable
from bot.telegram.application import WARMED_KEY, build_application
from bot.telegram.handlers.context import SERVICES_KEY

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATES_KEPT = timedelta(days=1)  # Telegram gives up re-delivering an update long before
PRUNE_EVERY_S = 3600.0
READY_TIMEOUT_S = 3.0  # a database slower than this to answer `SELECT 1` is not ready


def check_web_settings(settings: Settings) -> tuple[str, str]:
    """The webhook's URL and secret; ValueError naming the missing setting."""
    if not settings.webhook_url:
        raise ValueError(
            "webhook_url is not set: the public HTTPS address Telegram posts updates to "
            "(DIGESTBOT_WEBHOOK_URL)."
        )
    if settings.webhook_secret is None:
        raise ValueError(
            "webhook_secret is not set: a secret of 1-256 characters A-Z, a-z, 0-9, _ and - "
            "(DIGESTBOT_WEBHOOK_SECRET)."
        )
    return settings.webhook_url, settings.webhook_secret.get_secret_value()


def run_web(services: Services) -> None:
    """Serve the webhook, /healthz and /readyz until interrupted; ValueError without a token,
    webhook URL or secret. A wrong token or an unreachable Bot API fails before listening."""
    check_web_settings(services.settings)
    application = build_application(services, polling=False)
    web_app = build_web_app(application)
    config = uvicorn.Config(
        web_app,
        host=services.settings.web_host,
        port=services.settings.web_port,
        log_config=None,  # digestbot's logging (bot.wiring.configure_logging)
        access_log=False,
        lifespan="on",
    )

    async def serve() -> None:
        await application.initialize()  # getMe
        await uvicorn.Server(config).serve()

    # uvicorn stops gracefully on SIGTERM, then restores this handler and raises the signal
    # again: the process then ends with exit code 0, as `digestbot run` does.
    signal.signal(signal.SIGTERM, _exit_quietly)
    asyncio.run(serve())


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def build_web_app(application: Application) -> Starlette:
    """The ASGI app for an initialized application without an updater: the webhook at the
    path of `webhook_url`, /healthz and /readyz; its lifespan starts and stops the application."""
    services: Services = application.bot_data[SERVICES_KEY]
    url, secret = check_web_settings(services.settings)
    endpoints = _Endpoints(application, services, secret)
    application.job_queue.run_repeating(
        _prune_updates, interval=PRUNE_EVERY_S, first=60, name="taken updates pruning"
    )
    routes = [
        Route(urlsplit(url).path or "/", endpoints.update, methods=["POST"]),
        Route("/healthz", endpoints.healthz, methods=["GET"]),
        Route("/readyz", endpoints.readyz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lambda _app: _running(application))


@contextlib.asynccontextmanager
async def _running(application: Application) -> AsyncIterator[None]:
    """The application's life around the server's, as `run_polling` orders it (the
    application is initialized before)."""
    await application.post_init(application)
    await application.start()
    try:
        yield
    finally:
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
        await application.post_shutdown(application)


class _Endpoints:
    """The web app's endpoints for one application."""

    def __init__(self, application: Application, services: Services, secret: str) -> None:
        self._application = application
        self._store = services.store
        self._secret = secret.encode()

    async def update(self, request: Request) -> Response:
        """Take one update from Telegram (see the module's account)."""
        answer, outcome = await self._take(request)
        WEBHOOK_POSTS.labels(outcome).inc()
        return answer

    async def _take(self, request: Request) -> tuple[Response, str]:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return PlainTextResponse("Forbidden: wrong or missing secret token", 403), "forbidden"
        update = _parse_update(await request.body(), self._application.bot)
        if update is None:
            answer = PlainTextResponse("Bad Request: the body is not a Telegram update", 400)
            return answer, "malformed"
        try:
            taken = await asyncio.to_thread(self._store.updates.take, update.update_id)
        except DatabaseUnavailable as exc:
            log.warning("update %d not taken, Telegram will resend it: %s", update.update_id, exc)
            return PlainTextResponse("Service Unavailable: try again later", 503), "unavailable"
        if not taken:
            log.debug("update %d was taken already: dropped", update.update_id)
            return Response(status_code=200), "duplicate"
        await self._application.update_queue.put(update)
        return Response(status_code=200), "taken"

    async def healthz(self, request: Request) -> Response:
        """Liveness: the process answers."""
        return JSONResponse({"alive": True})

    async def readyz(self, request: Request) -> Response:
        """Readiness: 200 when the database answers, the application runs and warmed up."""
        reason = await self._not_ready()
        if reason is not None:
            return JSONResponse({"ready": False, "reason": reason}, 503)
        return JSONResponse({"ready": True})

    async def _not_ready(self) -> str | None:
        try:
            await asyncio.wait_for(asyncio.to_thread(self._store.ping), READY_TIMEOUT_S)
        except (DatabaseUnavailable, TimeoutError) as exc:
            log.warning("not ready: %s", exc or "the database did not answer in time")
            return "database unreachable"
        if not self._application.running:
            return "starting"
        if not self._application.bot_data.get(WARMED_KEY):
            return "warming up"
        return None


def _parse_update(body: bytes, bot: Bot) -> Update | None:
    """The update in a webhook request's body, None when it is none."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, bot)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        log.warning("update %d refused: not a Telegram update (%s)", data["update_id"], exc)
        return None


async def _prune_updates(context: ContextTypes.DEFAULT_TYPE) -> None:
    services: Services = context.application.bot_data[SERVICES_KEY]
    pruned = await asyncio.to_thread(services.store.updates.prune, datetime.now(UTC) - UPDATES_KEPT)
    log.debug("%d taken update ids older than a day forgotten", pruned)


async def set_webhook(settings: Settings, *, drop_pending_updates: bool) -> dict[str, Any]:
    """Tell Telegram to POST updates to `webhook_url` with the secret; returns getWebhookInfo
    as a dict. ValueError without a token, URL or secret."""
    url, secret = check_web_settings(settings)
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set.")
    bot = Bot(settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_api_url)
    async with bot:
        await bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=drop_pending_updates,
        )
        return (await bot.get_webhook_info()).to_dict()
