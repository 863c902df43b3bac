"""Fetching a page or feed over HTTP(S), safely: bytes, final URL and content type out.

Algorithm, per request:
1. The URL must be http(s) with a host. The host is resolved (getaddrinfo) and every address it
   resolves to is checked *before any connection is made*: private, loopback, link-local (which
   holds the cloud metadata address 169.254.169.254), shared, reserved, unspecified and
   multicast addresses are refused unless they lie in `FetchLimits.allowed_networks`. An IPv6
   address carrying an IPv4 one (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) is judged
   by the IPv4 address it carries.
2. Redirects are followed by hand, at most `max_redirects`, and every hop goes through step 1.
3. The body is read raw and decoded by `BoundedDecoder`, which stops as soon as the *decoded*
   body passes `max_bytes` (a declared Content-Length past the cap is refused before reading).
   Connect and read timeouts apply per operation; `total_timeout_s` bounds the whole exchange,
   redirects, headers and body included, so a server trickling bytes cannot hold a fetch.
4. Only the content types the caller accepts are read; anything else is refused unread.

`fetch` is synchronous for its callers (who run it in a worker thread) and runs the exchange on
an event loop of its own, which is what lets one deadline cover every read and write.

Limits: the check and the connection resolve the name separately, so a DNS server answering
differently within milliseconds (DNS rebinding) could slip through; the address check still
stops every redirect, literal address and ordinary private name, which is the common attack.
Name resolution blocks, so the deadline cannot cut it short; the system resolver's own timeouts
bound it.

Extraction never happens here (see bot.ingest.pages): this module only moves bytes.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import certifi
import httpx

from bot.core.texts import UserText, user_text
from bot.ingest.content_coding import (
    ACCEPT_ENCODING,
    BoundedDecoder,
    DecodedTooLargeError,
    UnreadableEncodingError,
)
from bot.ingest.errors import (
    BlockedAddressError,
    ConnectionFailedError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    PageTooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
)

if TYPE_CHECKING:
    from bot.config import Settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
USER_AGENT = "digestbot/0.1 (+self-hosted news digest bot)"


@dataclass(frozen=True)
class FetchLimits:
    """How long, how much and where the fetcher may go; defaults suit news pages."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    total_timeout_s: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allowed_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchLimits:
        """The limits configured in `settings`."""
        return cls(
            connect_timeout_s=settings.fetch_connect_timeout_s,
            read_timeout_s=settings.fetch_read_timeout_s,
            total_timeout_s=settings.fetch_total_timeout_s,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            allowed_networks=tuple(
                ipaddress.ip_network(n, strict=False) for n in settings.fetch_allowed_networks
            ),
        )


@dataclass(frozen=True)
class FetchedPage:
    """A fetched body. `url` is the final URL after redirects; `content_type` is the bare media
    type ("text/html"); `not_modified` is True on a 304 answer to a conditional request (then
    `content` is empty)."""

    url: str
    content: bytes
    content_type: str
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def fetch(
    url: str,
    limits: FetchLimits,
    *,
    accept: frozenset[str] = PAGE_TYPES,
    headers: dict[str, str] | None = None,
) -> FetchedPage:
    """GET `url` within `limits`, following redirects by hand; raise FetchError on any failure.

    `accept` lists the media types that will be read; `headers` are extra request headers
    (If-None-Match / If-Modified-Since for a conditional GET).
    """
    return asyncio.run(_fetch_before_deadline(_parse_url(url), limits, accept, headers or {}))


async def _fetch_before_deadline(
    url: httpx.URL, limits: FetchLimits, accept: frozenset[str], headers: dict[str, str]
) -> FetchedPage:
    try:
        async with asyncio.timeout(limits.total_timeout_s):
            return await _fetch(url, limits, accept, headers)
    except TimeoutError as exc:
        raise FetchTimeoutError(
            user_text(
                "{host} took more than {seconds:g} s to answer. "
                "Try again later, or paste the article's text.",
                host=url.host,
                seconds=limits.total_timeout_s,
            )
        ) from exc


async def _fetch(
    url: httpx.URL, limits: FetchLimits, accept: frozenset[str], headers: dict[str, str]
) -> FetchedPage:
    timeout = httpx.Timeout(
        connect=limits.connect_timeout_s,
        read=limits.read_timeout_s,
        write=limits.read_timeout_s,
        pool=limits.connect_timeout_s,
    )
    request_headers = {"User-Agent": USER_AGENT, **headers, "Accept-Encoding": ACCEPT_ENCODING}
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, headers=request_headers, verify=_tls_context()
    ) as client:
        current = url
        for _hop in range(limits.max_redirects + 1):
            check_address(current, limits.allowed_networks)
            try:
                async with client.stream("GET", current) as response:
                    if response.is_redirect and response.status_code != 304:
                        current = _redirect_target(response)
                        continue
                    return await _read(response, limits, accept)
            except httpx.TimeoutException as exc:
                raise FetchTimeoutError(_too_slow(current.host, exc)) from exc
            except httpx.TransportError as exc:
                raise ConnectionFailedError(
                    user_text(
                        "I could not reach {host}: {reason}. "
                        "Check the link, or paste the article's text.",
                        host=current.host,
                        reason=str(exc) or type(exc).__name__,
                    )
                ) from exc
    raise TooManyRedirectsError(
        user_text(
            "{url} redirected more than {count} times. Send the final page's link.",
            url=str(url),
            count=limits.max_redirects,
        )
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for all fetches (building one costs ~30 ms)."""
    return ssl.create_default_context(cafile=certifi.where())


def check_address(url: httpx.URL, allowed: tuple[IPNetwork, ...] = ()) -> None:
    """Resolve the URL's host and refuse it if any address is not a public one (or allowed)."""
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectionFailedError(
            user_text("I could not find the host {host}. Check the link for typos.", host=url.host)
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if _forbidden(address, allowed):
            raise BlockedAddressError(
                user_text(
                    "I don't fetch {host}: it points to a private or reserved address "
                    "({address}). Only public web pages can be added.",
                    host=url.host,
                    address=str(address),
                )
            )


_NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")
# Prefixes whose last 32 bits are an IPv4 address: NAT64's well-known prefix, IPv4-compatible
# (deprecated, but ::7f00:1 still names 127.0.0.1) and IPv4-translated (SIIT).
_IPV4_IN_LAST_32_BITS = tuple(
    ipaddress.ip_network(prefix) for prefix in ("64:ff9b::/96", "::/96", "::ffff:0:0:0/96")
)


def _forbidden(address: IPAddress, allowed: tuple[IPNetwork, ...]) -> bool:
    """Whether `address` is not public and not allowed; an IPv6 address carrying an IPv4 one is
    judged by the IPv4 address, the one its traffic finally reaches."""
    if any(address in network for network in allowed):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL_USE:  # a site's own translator; where it leads is unknowable
            return True
        carried = _embedded_ipv4(address)
        if carried is not None:
            return _forbidden(carried, allowed)
    return not address.is_global or address.is_multicast


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped or -translated, IPv4-compatible,
    NAT64 64:ff9b::/96, 6to4, Teredo client), or None."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in network for network in _IPV4_IN_LAST_32_BITS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _parse_url(text: str) -> httpx.URL:
    try:
        url = httpx.URL(text.strip())
    except httpx.InvalidURL as exc:
        raise InvalidURLError(user_text("“{text}” is not a valid link.", text=text)) from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidURLError(
            user_text("“{text}” is not a web link. Send an http:// or https:// address.", text=text)
        )
    return url


def _redirect_target(response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location", "")
    if not location:
        raise ConnectionFailedError(
            user_text(
                "{host} answered with a redirect to nowhere. Send another link.",
                host=response.url.host,
            )
        )
    return _parse_url(str(response.url.join(location)))


async def _read(
    response: httpx.Response, limits: FetchLimits, accept: frozenset[str]
) -> FetchedPage:
    url = str(response.url)
    if response.status_code == 304:
        return FetchedPage(url=url, content=b"", content_type="", not_modified=True)
    if response.status_code >= 400:
        raise HTTPStatusError(_status_message(url, response), status=response.status_code)
    media_type, _, parameters = response.headers.get("content-type", "").partition(";")
    media_type = media_type.strip().lower()
    if media_type not in accept:
        raise UnsupportedContentError(_unsupported_type(url, media_type))
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(url, limits)
    body = bytearray()
    try:
        decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limits.max_bytes)
        async for chunk in response.aiter_raw():
            body += decoder.decode(chunk)
        body += decoder.flush()
    except DecodedTooLargeError:
        raise _too_large(url, limits) from None
    except UnreadableEncodingError as exc:
        raise UnsupportedContentError(
            user_text(
                "I could not read {url}: its body is {reason}. "
                "Send a link to another copy, or the article's text.",
                url=url,
                reason=exc.args[0],
            )
        ) from exc
    return FetchedPage(
        url=url,
        content=bytes(body),
        content_type=media_type,
        charset=_charset(parameters),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def _status_message(url: str, response: httpx.Response) -> UserText:
    code = response.status_code
    if code in (404, 410):
        return user_text("{url} does not exist (HTTP {code}). Check the link.", url=url, code=code)
    if code in (401, 403):
        return user_text(
            "{url} refuses access (HTTP {code}); paste the article's text instead.",
            url=url,
            code=code,
        )
    return user_text(
        "{url} answered with an error (HTTP {code}). Try again later.", url=url, code=code
    )


def _unsupported_type(url: str, media_type: str) -> UserText:
    if not media_type:
        return user_text(
            "{url} is of an unknown type, not a web page I can read. "
            "Send a link to an article's page, or the article's text.",
            url=url,
        )
    return user_text(
        "{url} is {media_type}, not a web page I can read. "
        "Send a link to an article's page, or the article's text.",
        url=url,
        media_type=media_type,
    )


def _too_large(url: str, limits: FetchLimits) -> PageTooLargeError:
    return PageTooLargeError(
        user_text(
            "{url} is larger than {limit:,} bytes, too big for an article page. "
            "Paste the article's text instead.",
            url=url,
            limit=limits.max_bytes,
        )
    )


def _charset(parameters: str) -> str | None:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def _too_slow(host: str, exc: httpx.TimeoutException) -> UserText:
    if isinstance(exc, httpx.ConnectTimeout):
        return user_text(
            "{host} took too long to answer (connecting). "
            "Try again later, or paste the article's text.",
            host=host,
        )
    return user_text(
        "{host} took too long to answer (reading). Try again later, or paste the article's text.",
        host=host,
    )
