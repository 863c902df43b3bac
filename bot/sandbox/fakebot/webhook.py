"""The fake's webhook mode: setWebhook, deleteWebhook and getWebhookInfo as Telegram answers
them, and POSTing updates to webhook URLs the way Telegram delivers them.

Telegram refuses getUpdates while a webhook is set (409) and delivers each update by POSTing it
as JSON, with the secret in the ``X-Telegram-Bot-Api-Secret-Token`` header, until an answer is
2xx. The fake does not deliver on its own: a test posts chosen updates to chosen URLs
(``FakeBotAPI.post_updates``), so it can send one twice, or to several replicas. Unlike
Telegram it accepts http:// and any port (the tests' servers are on loopback); the secret's
characters and length are checked as Telegram does.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.sandbox.fakebot.records import ApiError
from bot.sandbox.fakebot.state import BotState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_MAX_CONNECTIONS = 40
POST_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class WebhookPost:
    """One POST of an update to a webhook URL and the HTTP status it got (0: no answer)."""

    update_id: int
    url: str
    status: int


def set_webhook(state: BotState, params: dict[str, Any]) -> bool:
    url = str(params.get("url") or "")
    if not url:  # an empty URL removes the webhook, as deleteWebhook does
        return delete_webhook(state, params)
    if not url.startswith(("https://", "http://")):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None and not _SECRET.fullmatch(str(secret)):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    if params.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {
        "url": url,
        "secret_token": secret,
        "max_connections": int(params.get("max_connections") or DEFAULT_MAX_CONNECTIONS),
        "allowed_updates": params.get("allowed_updates"),
    }
    return True


def delete_webhook(state: BotState, params: dict[str, Any]) -> bool:
    if params.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook = None
    return True


def get_webhook_info(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if state.webhook is not None:
        info["url"] = state.webhook["url"]
        info["max_connections"] = state.webhook["max_connections"]
        if state.webhook["allowed_updates"] is not None:
            info["allowed_updates"] = state.webhook["allowed_updates"]
    return info


def refuse_polling_while_set(state: BotState) -> None:
    """getUpdates' answer while a webhook is set: 409, as Telegram's."""
    if state.webhook is not None:
        raise ApiError(409, WEBHOOK_ACTIVE)


async def post_updates(
    state: BotState,
    deliveries: list[tuple[int, str]],
    secret: str | None,
    concurrency: int,
) -> list[WebhookPost]:
    """POST each (update id, URL) of `deliveries`, at most `concurrency` at once, with `secret`
    in the header (None: no header). An update answered 2xx is no longer pending."""
    with state.lock:
        bodies = {update_id: state.update_log[update_id] for update_id, _ in deliveries}
    headers = {} if secret is None else {SECRET_HEADER: secret}
    slots = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT_S)

    async def post(session: aiohttp.ClientSession, update_id: int, url: str) -> WebhookPost:
        async with slots:
            try:
                async with session.post(url, json=bodies[update_id], headers=headers) as answer:
                    await answer.read()
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
        posted = WebhookPost(update_id, url, status)
        with state.lock:
            state.webhook_posts.append(posted)
            if 200 <= status < 300:
                state.updates = [u for u in state.updates if u["update_id"] != update_id]
            state.changed.notify_all()
        return posted

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        return list(await asyncio.gather(*(post(session, *d) for d in deliveries)))
