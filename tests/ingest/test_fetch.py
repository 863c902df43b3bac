"""Fetching links: pages served from 127.0.0.1, including hostile ones, and the address guard."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import httpx
import pytest

from bot.app.intake import ingest_url
from bot.ingest.errors import (
    BlockedAddressError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    NotAnArticleError,
    PageTooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from bot.ingest.fetch import FetchLimits, check_address, fetch
from tests.ingest.conftest import FIXTURES
from tests.pageserver import MIB, PageServer
from tests.tables import count_articles

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
LIMITS = FetchLimits(
    connect_timeout_s=2,
    read_timeout_s=0.5,
    total_timeout_s=5,
    max_bytes=MIB,
    max_redirects=3,
    allowed_networks=LOOPBACK,
)
ARTICLE_HTML = (FIXTURES / "article.html").read_bytes()
# `head -c 256M /dev/zero | gzip -9n | gzip -9n`: 745 bytes that inflate to 256 MiB.
STACKED_GZIP_BOMB = (FIXTURES / "zeros_256mib.gz.gz").read_bytes()


@pytest.fixture
def server():
    with PageServer() as pages:
        yield pages


@pytest.fixture
def memory_peak() -> Iterator[Callable[[], int]]:
    """Traces Python's allocations during the test; call it for the peak so far, in bytes."""
    tracemalloc.start()
    yield lambda: tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every host a socket tried to connect to (on top of the loopback-only guard)."""
    attempted: list[str] = []
    guarded = socket.socket.connect

    def recording(sock: socket.socket, address) -> None:
        attempted.append(address[0] if isinstance(address, tuple) else str(address))
        return guarded(sock, address)

    monkeypatch.setattr(socket.socket, "connect", recording)
    return attempted


def test_page_is_fetched_with_its_final_url_after_redirects(server):
    server.page("/story", ARTICLE_HTML)
    start = server.redirect("/short", "/story", status=301)

    page = fetch(start, LIMITS)

    assert page.url == server.url("/story")
    assert page.content == ARTICLE_HTML
    assert (page.content_type, page.charset) == ("text/html", "utf-8")


def test_linked_article_is_stored_with_title_author_date_language_and_url(store, server):
    url = server.page("/harbour", ARTICLE_HTML)

    [outcome] = ingest_url(store, url, limits=LIMITS, max_chars=200_000)

    article = outcome.article
    assert outcome.created
    assert article.title == "Harbour Reopens After the Storm"
    assert article.author == "Jane Roe"
    assert article.published.date().isoformat() == "2024-03-05"
    assert article.language == "en"
    assert article.source == url
    assert "first ferry of the season" in article.text
    assert "All rights reserved" not in article.text


def test_plain_text_page_is_read_like_pasted_text(store, server):
    text = (FIXTURES / "dated_oped.txt").read_text()
    url = server.page("/oped.txt", text, content_type="text/plain; charset=utf-8")

    [outcome] = ingest_url(store, url, limits=LIMITS, max_chars=200_000)

    assert outcome.article.source == url
    assert count_articles(store) == 1


def test_fifty_megabyte_page_is_cut_off_at_the_cap_quickly(server):
    url = server.huge("/huge")

    started = time.monotonic()
    with pytest.raises(PageTooLargeError, match="larger than 1,048,576 bytes"):
        fetch(url, LIMITS)

    assert time.monotonic() - started < 3


def test_stacked_gzip_bomb_is_refused_without_inflating_it(server, memory_peak):
    url = server.page("/bomb", STACKED_GZIP_BOMB, headers={"Content-Encoding": "gzip, gzip"})

    with pytest.raises(UnsupportedContentError, match="compressed more than once"):
        fetch(url, LIMITS)

    assert memory_peak() < 20 * MIB


def test_gzip_bomb_is_cut_off_at_the_cap_as_it_inflates(server, memory_peak):
    bomb = gzip.decompress(STACKED_GZIP_BOMB)  # one layer left: 255 KB inflating to 256 MiB
    url = server.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(PageTooLargeError, match="larger than 1,048,576 bytes"):
        fetch(url, LIMITS)

    assert memory_peak() < 20 * MIB


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("identity", bytes),
    ],
)
def test_compressed_page_is_read_whole(server, coding, compress):
    url = server.page("/story", compress(ARTICLE_HTML), headers={"Content-Encoding": coding})

    page = fetch(url, LIMITS)

    assert page.content == ARTICLE_HTML


def test_page_in_an_encoding_we_do_not_ask_for_is_refused_with_the_reason(server):
    url = server.page("/story", gzip.compress(ARTICLE_HTML), headers={"Content-Encoding": "br"})

    with pytest.raises(UnsupportedContentError, match="compressed with br, which I don't read"):
        fetch(url, LIMITS)


def test_fetcher_asks_only_for_the_encodings_it_reads(server):
    url = server.page("/story", ARTICLE_HTML)

    fetch(url, LIMITS)

    assert server.requests_to("/story")[0]["Accept-Encoding"] == "gzip, deflate"


def test_corrupt_compressed_page_is_refused(server):
    url = server.page("/story", b"\x1f\x8bnot really gzip", headers={"Content-Encoding": "gzip"})

    with pytest.raises(UnsupportedContentError, match="compressed but damaged"):
        fetch(url, LIMITS)


def test_declared_oversize_is_refused_before_reading(server):
    url = server.page("/big", b"<p>small</p>", headers={"Content-Length": str(10 * MIB)})
    server.routes["/big"].body = b"x" * (2 * MIB)

    with pytest.raises(PageTooLargeError):
        fetch(url, LIMITS)


def test_page_that_never_finishes_times_out(server):
    url = server.stalled("/stalled")

    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="took too long"):
        fetch(url, LIMITS)

    assert time.monotonic() - started < 3


def test_headers_trickled_byte_by_byte_are_cut_off_at_the_total_timeout(server):
    url = server.trickling_headers("/slow", interval_s=0.1, size=100)  # ~15 s of headers
    limits = FetchLimits(read_timeout_s=0.5, total_timeout_s=1, allowed_networks=LOOPBACK)

    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="took more than 1 s"):
        fetch(url, limits)

    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin"]
)
def test_redirect_to_a_private_or_metadata_address_is_refused_without_connecting(
    server, connects, target
):
    url = server.redirect("/innocent", target)

    with pytest.raises(BlockedAddressError, match="private or reserved address"):
        fetch(url, LIMITS)

    host = target.split("/")[2]
    assert host not in connects
    assert connects and all(ipaddress.ip_address(h).is_loopback for h in connects)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost:9/",
        "http://[::1]:9/",
        "http://192.168.1.1/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://[::ffff:169.254.169.254]/",
    ],
)
def test_private_addresses_are_refused_unless_allowed(connects, url):
    with pytest.raises(BlockedAddressError):
        fetch(url, FetchLimits())

    assert connects == []


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a9fe:a9fe",  # NAT64 (well-known prefix) of 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::a9fe:a9fe",  # local-use NAT64 prefix 64:ff9b:1::/48
        "64:ff9b:1:ffff::1",
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "::ffff:7f00:1",  # IPv4-mapped 127.0.0.1
        "::ffff:0:a9fe:a9fe",  # IPv4-translated 169.254.169.254
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    ],
)
def test_ipv6_address_carrying_a_private_ipv4_one_is_refused(address):
    with pytest.raises(BlockedAddressError, match="private or reserved address"):
        check_address(httpx.URL(f"http://[{address}]/"))


@pytest.mark.parametrize(
    "address", ["64:ff9b::808:808", "2002:808:808::1", "::ffff:808:808", "2606:4700::1111"]
)
def test_ipv6_address_carrying_a_public_ipv4_one_is_fetched(address):
    check_address(httpx.URL(f"http://[{address}]/"))  # DNS64 networks reach IPv4 sites so


def test_binary_content_is_refused_unread(server):
    url = server.page("/file.bin", bytes(range(256)) * 100, content_type="application/pdf")

    with pytest.raises(UnsupportedContentError, match="application/pdf, not a web page"):
        fetch(url, LIMITS)


@pytest.mark.parametrize("charset", ["utf-16", "utf-16le"])
def test_utf16_page_with_its_charset_is_stored(store, server, charset):
    body = ARTICLE_HTML.decode().encode(charset)
    url = server.page("/harbour", body, content_type=f"text/html; charset={charset}")

    [outcome] = ingest_url(store, url, limits=LIMITS, max_chars=200_000)

    assert outcome.article.title == "Harbour Reopens After the Storm"


def test_html_page_served_as_plain_text_is_read_as_html(store, server):
    url = server.page("/harbour.txt", ARTICLE_HTML, content_type="text/plain; charset=utf-8")

    [outcome] = ingest_url(store, url, limits=LIMITS, max_chars=200_000)

    assert outcome.article.title == "Harbour Reopens After the Storm"
    assert "<p>" not in outcome.article.text


def test_binary_bytes_labelled_html_are_not_stored(store, server):
    url = server.page("/fake.html", b"\x00\x01\x02PNG" * 500, content_type="text/html")

    with pytest.raises(UnsupportedContentError, match="holds binary data"):
        ingest_url(store, url, limits=LIMITS, max_chars=200_000)

    assert count_articles(store) == 0


def test_missing_page_names_the_status(server):
    with pytest.raises(HTTPStatusError, match=r"does not exist \(HTTP 404\)") as raised:
        fetch(server.url("/nowhere"), LIMITS)

    assert raised.value.status == 404


def test_page_without_an_article_stores_nothing(store, server):
    url = server.page("/menu", "<html><body><nav><a href='/'>Home</a></nav></body></html>")

    with pytest.raises(NotAnArticleError):
        ingest_url(store, url, limits=LIMITS, max_chars=200_000)

    assert count_articles(store) == 0


def test_redirect_loop_stops_at_the_cap(server):
    url = server.redirect("/loop", "/loop")

    with pytest.raises(TooManyRedirectsError, match="more than 3 times"):
        fetch(url, LIMITS)

    assert len(server.requests_to("/loop")) == 4


@pytest.mark.parametrize("text", ["ftp://example.org/file", "not a link", "http://"])
def test_non_web_links_are_refused(text):
    with pytest.raises(InvalidURLError):
        fetch(text, LIMITS)
