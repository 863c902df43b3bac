"""The Telegraph API (telegra.ph) client: createPage for a digest "as one page", and
createAccount for `digestbot telegraph-account`.

It speaks to the API with httpx (already the bot's HTTP client) rather than the `telegraph`
package, a thin wrapper over the same two POST calls that would add a dependency for nothing.
Each page made is remembered by its title and content, so pressing the button again (or in
another chat, for the same digest) links the page already made instead of making another; the
memory is the process's, kept to the latest pages.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict

import httpx

from bot.app.exports import PageNotPublished
from bot.render.telegraph import TelegraphPage

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0
REMEMBERED_PAGES = 512


class TelegraphClient:
    """Makes Telegraph pages with one account's access token."""

    def __init__(self, api_url: str, token: str, *, timeout_s: float = TIMEOUT_S) -> None:
        self._api_url = api_url.rstrip("/")
        self._token = token
        self._timeout_s = timeout_s
        self._urls: OrderedDict[str, str] = OrderedDict()  # page digest → its URL

    async def create_page(self, page: TelegraphPage) -> str:
        """The URL of a page with this title and content, made now unless made before;
        PageNotPublished when Telegraph cannot be reached or refuses it."""
        content = json.dumps(page.content, ensure_ascii=False)
        key = hashlib.sha256(f"{page.title}\n{content}".encode()).hexdigest()
        if key in self._urls:
            self._urls.move_to_end(key)
            return self._urls[key]
        fields = {"access_token": self._token, "title": page.title, "content": content}
        result = await call(self._api_url, "createPage", fields, self._timeout_s)
        url = result.get("url")
        if not isinstance(url, str):
            raise PageNotPublished("createPage answered without a page URL")
        self._urls[key] = url
        if len(self._urls) > REMEMBERED_PAGES:
            self._urls.popitem(last=False)
        return url


async def create_account(api_url: str, short_name: str, *, timeout_s: float = TIMEOUT_S) -> str:
    """A new Telegraph account's access token (createAccount); PageNotPublished on failure."""
    result = await call(api_url.rstrip("/"), "createAccount", {"short_name": short_name}, timeout_s)
    token = result.get("access_token")
    if not isinstance(token, str):
        raise PageNotPublished("createAccount answered without an access token")
    return token


async def call(api_url: str, method: str, fields: dict[str, str], timeout_s: float) -> dict:
    """POST `fields` to the API `method`; its result, or PageNotPublished saying why not."""
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.post(f"{api_url}/{method}", data=fields)
        answer = response.json()
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # ValueError: not JSON
        log.warning("Telegraph %s failed: %s", method, exc)
        raise PageNotPublished(f"Telegraph could not be reached: {exc}") from exc
    if not isinstance(answer, dict) or not answer.get("ok"):
        error = answer.get("error") if isinstance(answer, dict) else response.text[:200]
        log.warning("Telegraph %s refused: %s", method, error)
        raise PageNotPublished(f"Telegraph refused {method}: {error}")
    result = answer.get("result")
    return result if isinstance(result, dict) else {}
